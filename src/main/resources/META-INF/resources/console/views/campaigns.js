// Campaigns: the list, and the form that creates one with a live preview of its message.
import { CATEGORIES, get, post } from '../api.js';
import {
  clearErrors, debounce, field, formError, go, h, input, num, numberInput, pageHeader, replace, showErrors,
} from '../ui.js';
import { listPage } from './listpage.js';
import { phonePreview } from './preview.js';

export function campaignList(main, query) {
  return listPage(main, {
    kinds: 'campaigns', noun: 'campaigns', query,
    header: pageHeader('Campaigns', h('a', { class: 'button primary', href: '#/campaigns/new' }, 'New campaign')),
  });
}

// Suggestions for the free-text channel field, used only when GET /api/channels does not answer.
const CHANNELS = ['log', 'webhook', 'fcm', 'apns', 'webpush', 'email'];

export function campaignForm(main, query) {
  const name = input({ name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const audience = h('select', { name: 'audienceId', required: true }, h('option', { value: '' }, 'Loading audiences…'));
  let channel = input({ name: 'channel', list: 'channels', value: 'log', autocomplete: 'off' });
  const title = input({ name: 'title', maxlength: 500, autocomplete: 'off' });
  const body = h('textarea', { name: 'body', rows: 3, maxlength: 4000 });
  const link = input({ name: 'link', type: 'url', placeholder: 'https://', maxlength: 2000, autocomplete: 'off' });
  const data = h('textarea', { name: 'data', rows: 2, class: 'mono', placeholder: '{"campaign": "spring"}', spellcheck: 'false' });
  const workers = numberInput({ name: 'workers', min: 1, max: 256, value: 4 });
  const qps = numberInput({ name: 'qps', min: 0, value: 0 });
  const errorBudget = numberInput({ name: 'errorBudget', min: 0, value: 100 });
  const batchSize = numberInput({ name: 'batchSize', min: 1, max: 1000, value: 200 });
  const startAt = h('input', { type: 'datetime-local', name: 'startAt' });
  const category = h('select', { name: 'category' }, CATEGORIES.map((c) => h('option', { value: c }, c)));
  const expiresAt = h('input', { type: 'datetime-local', name: 'expiresAt' });
  const ttl = input({ name: 'ttl', placeholder: 'PT6H', autocomplete: 'off', spellcheck: 'false' });
  const critical = h('input', { type: 'checkbox', name: 'critical' });
  const caps = h('p', { class: 'hint', 'aria-live': 'polite', 'data-caps': '' }, '');
  const collapseKey = input({ name: 'collapseKey', maxlength: 64, autocomplete: 'off', spellcheck: 'false' });
  const priority = h('select', { name: 'priority' }, h('option', { value: '' }, 'provider default'),
    h('option', { value: 'high' }, 'high'), h('option', { value: 'normal' }, 'normal'));
  const localDate = h('input', { type: 'date', name: 'localDate' });
  const localTime = h('input', { type: 'time', name: 'localTime' });
  const timezone = input({ name: 'timezone', placeholder: 'UTC', maxlength: 64, autocomplete: 'off', spellcheck: 'false' });
  const passed = h('select', { name: 'passed' }, h('option', { value: 'send' }, 'send now'), h('option', { value: 'skip' }, 'skip'));
  const quiet = h('select', { name: 'quiet' }, h('option', { value: '' }, 'global default'),
    h('option', { value: 'on' }, 'these hours'), h('option', { value: 'off' }, 'none: send at any hour'));
  const quietStart = h('input', { type: 'time', name: 'quietStart' });
  const quietEnd = h('input', { type: 'time', name: 'quietEnd' });
  const template = h('select', { name: 'template' }, h('option', { value: '' }, 'Written here'));
  const sample = input({ name: 'sample', placeholder: 'a member id', autocomplete: 'off', spellcheck: 'false' });
  const preview = phonePreview();
  let sampleMember = null;
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create campaign');

  const refresh = () => preview.update({
    title: title.value, body: body.value, link: link.value, channel: channel.value.trim(), member: sampleMember,
  });
  const lookUp = debounce(async () => {
    const id = sample.value.trim();
    if (!id) { sampleMember = null; refresh(); return; }
    try {
      const m = await get(`/api/members/${encodeURIComponent(id)}`);
      // A configured channel reads the address of its type (a webhook channel the member's `webhook` address).
      const kind = (channel.selectedOptions && channel.selectedOptions[0] && channel.selectedOptions[0].dataset.type) || channel.value.trim();
      const address = (m.addresses || {})[kind];
      sampleMember = `To ${m.id}` + (address ? ` · ${address}` : kind === 'log' ? '' : ` · no ${kind} address: skipped`);
    } catch (e) {
      sampleMember = e.status === 404 ? `No member ${id}` : e.message;
    }
    refresh();
  }, 400);
  [title, body, link, channel].forEach((c) => c.addEventListener('input', refresh));
  channel.addEventListener('input', lookUp);
  const channelList = h('datalist', { id: 'channels' }, CHANNELS.map((c) => h('option', { value: c })));
  sample.addEventListener('input', lookUp);

  const form = h('form', { class: 'panel', 'aria-label': 'New campaign', novalidate: true },
    field('Name', name, 'name'),
    h('div', { class: 'row' },
      field('Audience', audience, 'audienceId', 'A campaign starts once its audience is built'),
      field('Channel', channel, 'channel'),
      channelList),
    field('Message from', template, 'template', 'A saved template is copied when the campaign is made'),
    h('fieldset', { 'data-field-box': 'message', 'data-message': '' }, h('legend', {}, 'Message'),
      field('Title', title, 'message.title'),
      field('Body', body, 'message.body'),
      field('Link', link, 'message.link'),
      field('Data (JSON object, optional)', data, 'message.data'),
      h('p', { class: 'field-error', hidden: true })),
    h('fieldset', {}, h('legend', {}, 'Delivery'),
      h('div', { class: 'row' },
        field('Workers', workers, 'workers', '1–256, over all instances'),
        field('Rate limit (messages a second)', qps, 'qps', '0 means unlimited'),
        field('Error budget', errorBudget, 'errorBudget', 'Errors in a row before it fails'),
        field('Batch size', batchSize, 'batchSize', 'Members a send, 1–1000')),
      field('Start at (optional)', startAt, 'startAt', 'Leave empty and start it from its page')),
    h('fieldset', {}, h('legend', {}, 'Consent and expiry'),
      h('div', { class: 'row' },
        field('Category', category, 'category', 'Members opted out of it are skipped'),
        field('Expires at (optional)', expiresAt, 'expiresAt', 'Members not sent by then are counted expired'),
        field('Or expires after (optional)', ttl, 'ttl', 'ISO-8601 from the first start, e.g. PT6H')),
      caps,
      field('Critical', critical, 'critical', 'Admins only: bypasses frequency caps and quiet hours, and still counts toward the caps'),
      h('div', { class: 'row' },
        field('Collapse key (optional)', collapseKey, 'collapseKey', 'A newer push with the same key replaces an undelivered one'),
        field('Priority', priority, 'priority'))),
    h('fieldset', {}, h('legend', {}, 'Delivery time'),
      h('div', { class: 'row' },
        field('Local date (optional)', localDate, 'timing.date', 'Send on this date at the local time in each member\'s zone'),
        field('Local time', localTime, 'timing.localTime'),
        field('Zone of members without one', timezone, 'timing.timezone', 'An IANA zone, e.g. Europe/Paris'),
        field('Local time already passed', passed, 'timing.passed', 'For members whose time has passed when the campaign starts')),
      h('div', { class: 'row' },
        field('Quiet hours', quiet, 'timing.quietHours', 'No push inside them, member-local; held until they end'),
        field('From', quietStart, 'timing.quietHours.start'),
        field('Until', quietEnd, 'timing.quietHours.end'))),
    formError(),
    h('div', { class: 'form-actions' }, submit, h('a', { class: 'button', href: '#/campaigns' }, 'Cancel')));

  // Only what the operator filled in: a campaign without any of it has no timing (the global quiet hours apply).
  const timingOf = () => {
    const timing = {};
    if (timezone.value.trim()) timing.timezone = timezone.value.trim();
    if (localDate.value || localTime.value) {
      timing.date = localDate.value || null;
      timing.localTime = localTime.value || null;
      timing.passed = passed.value;
    }
    if (quiet.value === 'off') timing.quietHours = { enabled: false };
    if (quiet.value === 'on') timing.quietHours = { start: quietStart.value || null, end: quietEnd.value || null };
    return Object.keys(timing).length ? timing : null;
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    let dataValue;
    if (data.value.trim()) {
      try { dataValue = JSON.parse(data.value); } catch { dataValue = null; }
      if (!dataValue || typeof dataValue !== 'object' || Array.isArray(dataValue)) {
        showErrors(form, { fieldErrors: [{ field: 'message.data', message: 'must be a JSON object' }] });
        return;
      }
    }
    let message = { title: title.value || null, body: body.value || null, link: link.value || null };
    if (dataValue) message.data = dataValue;
    if (template.value) message = null;
    const request = {
      name: name.value.trim(), audienceId: audience.value ? Number(audience.value) : null, channel: channel.value.trim(),
      message, template: template.value || null, workers: Number(workers.value), qps: Number(qps.value), errorBudget: Number(errorBudget.value),
      batchSize: Number(batchSize.value), startAt: startAt.value ? new Date(startAt.value).toISOString() : null,
      category: category.value, expiresAt: expiresAt.value ? new Date(expiresAt.value).toISOString() : null,
      ttl: ttl.value.trim() || null, collapseKey: collapseKey.value.trim() || null, priority: priority.value || null,
      timing: timingOf(),
      critical: critical.checked || null,
    };
    submit.disabled = true;
    try {
      const created = await post('/api/campaigns', request);
      go(`#/campaigns/${created.id}`);
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  replace(main, pageHeader('New campaign'),
    h('div', { class: 'with-preview' }, form,
      h('aside', { class: 'preview-col', 'aria-label': 'Message preview' }, preview.el,
        field('Preview for member', sample, null, 'Shows whether this member has an address on the channel'))));
  refresh();
  loadCaps(caps, category, () => channel.value.trim());
  loadAudiences(audience, query.get('audience'));
  loadTemplates(template, form.querySelector('[data-message]'), (t) => {
    if (t) { title.value = t.title || ''; body.value = t.body || ''; link.value = t.link || ''; }
    refresh();
  });
  loadChannels().then((select) => {
    if (!select) return;
    for (const a of ['id', 'aria-describedby', 'data-field']) select.setAttribute(a, channel.getAttribute(a));
    select.value = channel.value.trim();
    if (!select.value) select.value = 'log';
    [refresh, lookUp].forEach((fn) => select.addEventListener('change', fn));
    channel.replaceWith(select);
    channelList.remove();
    channel = select;
  });
  return () => lookUp.cancel();
}

/** Reads out the frequency cap a push of the chosen category on the chosen channel counts under (docs/consent.md). */
async function loadCaps(out, category, channelName) {
  let policies = [];
  try { policies = await get('/api/frequency-caps'); } catch { return; }
  const show = () => {
    const c = category.value;
    const p = policies.find((x) => x.category === c && x.channel === channelName())
      || policies.find((x) => x.category === c && !x.channel);
    out.textContent = p
      ? `Frequency cap for ${c}${p.channel ? ` on ${p.channel}` : ' over all channels'}: `
        + p.limits.map((l) => `at most ${l.max} per ${l.window}`).join(', ') + '. Members at the cap are skipped.'
      : `No frequency cap for ${c}.`;
  };
  out.closest('form').addEventListener('change', show);
  show();
}

/** A select of `log` and the configured channels; null when the list cannot be had, so the free-text field stays. */
async function loadChannels() {
  try {
    const configured = await get('/api/channels');
    return h('select', { name: 'channel', required: true },
      h('option', { value: 'log', 'data-type': 'log' }, 'log (built in: writes to the service log)'),
      configured.map((c) => h('option', { value: c.name, 'data-type': c.type }, `${c.name} (${c.type})`)));
  } catch {
    return null;
  }
}

/** The saved templates to choose from; choosing one hides the inline message and previews the template's default. */
async function loadTemplates(select, messageBox, chosen) {
  let list = [];
  try { list = await get('/api/templates'); } catch { return; }
  select.append(...list.map((t) => h('option', { value: t.name }, `${t.name}${t.title ? ` — ${t.title}` : ''}`)));
  select.addEventListener('change', () => {
    const t = list.find((x) => x.name === select.value);
    messageBox.hidden = Boolean(t);
    chosen(t || null);
  });
}

async function loadAudiences(select, chosen) {
  try {
    const page = await get('/api/audiences?limit=500');
    const options = page.items.map((a) => h('option', { value: a.id },
      `#${a.id} ${a.name} — ${a.state === 'finished' ? `${num(a.progress.sent)} members` : a.state}`));
    replace(select, h('option', { value: '' }, page.items.length ? 'Choose an audience' : 'No audience yet: create one first'), options);
    if (chosen) select.value = chosen;
  } catch (e) {
    replace(select, h('option', { value: '' }, `Could not load audiences: ${e.message}`));
  }
}
