// Subscribes this browser to push with the channel's public key and hands the subscription to the site's back end.
(function () {
  const button = document.getElementById('subscribe');
  const status = document.getElementById('status');
  const shown = document.getElementById('subscription');

  function say(text) {
    status.textContent = text;
  }

  // pushManager.subscribe takes the key as bytes; the channel shows it as base64url.
  function bytes(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const raw = atob(base64 + '='.repeat((4 - base64.length % 4) % 4));
    return Uint8Array.from(raw, c => c.charCodeAt(0));
  }

  async function subscribe() {
    const key = button.dataset.applicationServerKey;
    if (!key) {
      say('Set data-application-server-key to your webpush channel\'s applicationServerKey first.');
      return;
    }
    if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
      say('This browser does not support Web Push.');
      return;
    }
    if (await Notification.requestPermission() !== 'granted') {
      say('Notifications were not allowed.');
      return;
    }
    const registration = await navigator.serviceWorker.register('sw.js');
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: bytes(key)
    });
    const json = JSON.stringify(subscription.toJSON());
    shown.textContent = json;
    shown.hidden = false;
    if (button.dataset.backend) {
      const answer = await fetch(button.dataset.backend, {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: json
      });
      say(answer.ok ? 'Subscribed.' : 'The back end answered ' + answer.status + '.');
    } else {
      say('Subscribed. Set data-backend to send the subscription below to your back end.');
    }
  }

  button.addEventListener('click', () => subscribe().catch(e => say('Could not subscribe: ' + e.message)));
})();
