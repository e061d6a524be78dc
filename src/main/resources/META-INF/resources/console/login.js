// Posts the form with fetch so a refusal shows here instead of a blank page.
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const err = document.getElementById('login-error');
  err.hidden = true;
  const res = await fetch('/j_security_check', {
    method: 'POST', body: new URLSearchParams(new FormData(e.target)), redirect: 'manual', credentials: 'same-origin',
  }).catch(() => null);
  if (res && (res.type === 'opaqueredirect' || res.ok)) {
    window.location.assign('/');
    return;
  }
  err.textContent = !res ? 'The service did not answer.'
    : res.status === 429 ? 'Too many failed attempts: wait a minute.' : 'Wrong user or password.';
  err.hidden = false;
});
