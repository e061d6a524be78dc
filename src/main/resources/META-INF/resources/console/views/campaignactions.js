// What an operator does with a campaign besides running it: a test send, a retry of the
// failed or unknown members, and a preview of the message as one member gets it.
import { post } from '../api.js';
import { clearErrors, field, formError, h, input, num, replace, showErrors, table } from '../ui.js';

const AT_REST = ['finished', 'stopped', 'failed'];

/** Ids or addresses typed one a line, or separated by commas or spaces. */
function list(text) {
  return text.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

export function testSend(campaignId) {
  const ids = h('textarea', { name: 'memberIds', rows: 2, class: 'mono', spellcheck: 'false', placeholder: 'member-1, member-2' });
  const addresses = h('textarea', { name: 'addresses', rows: 2, class: 'mono', spellcheck: 'false', placeholder: 'one a line' });
  const submit = h('button', { type: 'submit' }, 'Send test');
  const result = h('div', { 'data-test-result': true, 'aria-live': 'polite' });
  const form = h('form', { 'aria-label': 'Test send', novalidate: true },
    h('div', { class: 'row' },
      field('Member ids', ids, 'memberIds', 'Comma, space or line separated'),
      field('Raw addresses', addresses, 'addresses', 'On the campaign\'s channel; up to 100 in all')),
    formError(),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    replace(result, h('p', { class: 'muted', role: 'status' }, 'Sending…'));
    try {
      const answer = await post(`/api/campaigns/${campaignId}/test`, { memberIds: list(ids.value), addresses: list(addresses.value) });
      const rows = answer.outcomes.map((o) => h('tr', { 'data-test-outcome': o.memberId ?? o.address },
        h('td', { class: 'mono small nowrap' }, o.memberId ?? o.address), h('td', {}, o.memberId ? 'member' : 'address'),
        h('td', {}, h('span', { class: `outcome outcome-${o.state}` }, o.state)),
        h('td', { class: 'small' }, [o.reason || '', o.retryable === true ? ' (retryable)' : o.retryable === false ? ' (permanent)' : ''].join(''))));
      replace(result, rows.length ? table(['Recipient', 'Kind', 'Outcome', 'Reason'], rows, { 'data-list': 'test-outcomes' })
        : h('p', { class: 'muted' }, 'No outcome.'));
    } catch (err) {
      replace(result);
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'test-h' },
    h('h2', { id: 'test-h' }, 'Test send'),
    h('p', { class: 'muted small' }, 'Sends the message now through the campaign\'s channel, marked as a test; the campaign\'s counters and deliveries do not change.'),
    form, result);
}

/** Retry buttons: offered once the campaign is at rest and has failed or unknown members. */
export function retry(campaignId, onDone) {
  const buttons = ['failed', 'unknown'].map((what) => h('button', { type: 'button', 'data-retry': what, disabled: true }, `Retry ${what}`));
  const answer = h('p', { role: 'status', 'data-retry-answer': true });
  const problem = h('p', { class: 'alert', role: 'alert', hidden: true });
  const why = h('p', { class: 'muted small' });
  let current = null;
  let busy = false;

  const refresh = () => {
    if (!current) return;
    const atRest = AT_REST.includes(current.state);
    buttons.forEach((b) => {
      const n = current.progress[b.dataset.retry];
      b.textContent = `Retry ${b.dataset.retry} (${num(n)})`;
      b.disabled = busy || !atRest || !(n > 0);
    });
    why.textContent = atRest ? 'Failed members are retried when their failure was retryable; each is sent with its original idempotency key.'
      : 'Retry once the campaign is finished, stopped or failed.';
  };

  buttons.forEach((b) => b.addEventListener('click', async () => {
    busy = true;
    refresh();
    problem.hidden = true;
    answer.textContent = `Retrying ${b.dataset.retry} members…`;
    try {
      const r = await post(`/api/campaigns/${campaignId}/retry`, { what: b.dataset.retry });
      answer.textContent = `Retried ${num(r.retried)} ${r.what} member${r.retried === 1 ? '' : 's'}: ${num(r.sent)} sent, ${num(r.failed)} failed, ${num(r.skipped)} skipped`
        + (r.busyChunks ? `; ${num(r.busyChunks)} chunks were being retried by another action` : '') + '.';
      onDone();
    } catch (e) {
      answer.textContent = '';
      problem.textContent = e.message;
      problem.hidden = false;
    } finally {
      busy = false;
      refresh();
    }
  }));

  return {
    el: h('section', { class: 'panel', 'aria-labelledby': 'retry-h' },
      h('h2', { id: 'retry-h' }, 'Retry'),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Retry' }, buttons),
      why, problem, answer),
    update: (t) => { current = t; refresh(); },
  };
}

/** Renders the message for one stored member; `show` gets the rendered {title, body, link} and who it is for. */
export function previewFor(campaignId, show) {
  const member = input({ name: 'memberId', autocomplete: 'off', spellcheck: 'false', placeholder: 'a member id' });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Preview for member', novalidate: true },
    field('Preview for member', member, 'memberId'), h('button', { type: 'submit' }, 'Preview'), formError());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const id = member.value.trim();
    if (!id) { show(null); return; }
    try {
      show(await post(`/api/campaigns/${campaignId}/preview`, { memberId: id }), id);
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}
