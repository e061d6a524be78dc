// The page of one audience or campaign, kept live by the task's server-sent events.
import { get, kinds, me, patch, post, topRole } from '../api.js';
import { rateChart } from '../chart.js';
import {
  ago, alertBox, bar, badge, clearErrors, duration, empty, field, formError, fraction, h, loading, num, numberInput,
  input, rate, replace, setBar, showErrors, table, when,
} from '../ui.js';
import { previewFor, retry, testSend } from './campaignactions.js';
import { abPanel } from './abtest.js';
import { recurrencePanel } from './recurrence.js';
import { funnelPanel } from './funnel.js';
import { phonePreview } from './preview.js';
import { unitGrid } from './units.js';

// The buttons; the task view says which commands its state allows now (t.commands).
const COMMANDS = [
  ['start', (s) => (s === 'ready' ? 'Start' : 'Start again')],
  ['pause', () => 'Pause'],
  ['resume', () => 'Resume'],
  ['stop', () => 'Stop'],
];

export function taskDetail(main, kind, id) {
  const path = `/api/${kinds(kind)}/${id}`;
  let events = null;
  let page = null;
  let closed = false;
  replace(main, loading(`${kind} #${id}`));
  get(path).then((t) => {
    if (closed) return;
    page = build(main, kind, path, t);
    events = new EventSource(`/api/tasks/${id}/events`);
    events.onopen = () => page.live(true);
    events.onmessage = (e) => page.update(JSON.parse(e.data));
    events.onerror = () => page.live(false);
  }).catch((e) => {
    if (closed) return;
    replace(main, h('div', {}, alertBox(e.status === 404 ? `There is no ${kind} #${id}.` : `Could not load ${kind} #${id}: ${e.message}`),
      h('a', { href: `#/${kinds(kind)}` }, `All ${kinds(kind)}`)));
  });
  return () => { closed = true; if (events) events.close(); if (page) page.close(); };
}

function stat(key, label) {
  return h('div', { class: `stat stat-${key}` }, h('div', { class: 'stat-value', 'data-stat': key }, '—'), h('div', { class: 'stat-label' }, label));
}

function build(main, kind, path, first) {
  const campaign = kind === 'campaign';
  const title = h('h1', {}, first.name);
  const badgeBox = h('span', { class: 'badge-box', 'aria-live': 'polite' });
  const liveDot = h('span', { class: 'live', role: 'status' }, 'Connecting…');
  const actionError = h('p', { class: 'alert', role: 'alert', hidden: true });
  const buttons = COMMANDS.map(([command]) => h('button', { type: 'button', class: command === 'stop' ? 'danger' : '', 'data-command': command, hidden: true }));
  const progressBar = bar(0, 'Progress');
  const percent = h('span', { class: 'muted', 'data-stat': 'percent' });
  const observed = h('strong', { 'data-stat': 'observed' });
  const configured = h('span', { 'data-stat': 'configured' });
  const eta = h('strong', { 'data-stat': 'eta' });
  const timing = h('p', { class: 'muted small' });
  const chart = rateChart(300);
  const workersBox = h('div', {});
  const errorsBox = h('div', {});
  const historyBox = h('div', {});
  // Who changed what, with the state before and after: the audit trail, which only admins may read.
  const auditLink = h('a', { href: `#/audit?target=${kinds(kind)}/${first.id}`, 'data-audit-link': true, hidden: true }, 'Audit entries →');
  me().then((m) => { auditLink.hidden = topRole(m.roles) !== 'admin'; }).catch(() => {});
  let current = first;

  buttons.forEach((b) => b.addEventListener('click', async () => {
    actionError.hidden = true;
    buttons.forEach((x) => { x.disabled = true; });
    try {
      update(await post(`${path}/${b.dataset.command}`));
    } catch (e) {
      actionError.textContent = e.message;
      actionError.hidden = false;
    } finally {
      buttons.forEach((x) => { x.disabled = false; });
    }
  }));

  const units = unitGrid(first.id, campaign);
  const extra = campaign ? campaignParts(first, () => get(path).then(update).catch(() => {})) : audienceParts(first);

  replace(main,
    h('header', { class: 'page-head task-head' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: `#/${kinds(kind)}` }, campaign ? 'Campaigns' : 'Audiences'), ` / #${first.id}`),
        h('div', { class: 'title-line' }, title, badgeBox, liveDot)),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Commands' }, buttons)),
    actionError,
    h('section', { class: 'panel', 'aria-labelledby': 'progress-h' },
      h('h2', { id: 'progress-h' }, 'Progress'),
      h('div', { class: 'stats' },
        stat('total', campaign ? 'members' : 'to read'), stat('processed', 'processed'),
        stat('sent', campaign ? 'sent' : 'added'), stat('failed', 'failed'), stat('skipped', 'skipped'), stat('unknown', 'unknown'),
        campaign ? stat('held', 'held for their time') : null),
      h('p', { class: 'muted', 'data-next-release': true, hidden: true }),
      h('div', { class: 'progress-line' }, progressBar, percent),
      h('div', { class: 'rate-line' },
        h('span', {}, 'Observed ', observed, ' a second'),
        h('span', {}, 'Configured ', configured),
        h('span', {}, 'ETA ', eta)),
      timing),
    units.el,
    h('div', { class: 'two-col' },
      h('section', { class: 'panel', 'aria-labelledby': 'rate-h' },
        h('h2', { id: 'rate-h' }, 'Rate a second'),
        h('div', { class: 'legend' }, h('span', { class: 'key observed' }, 'observed'), h('span', { class: 'key configured' }, 'configured'),
          h('span', { class: 'right' }, 'sampled while this page is open')),
        chart.el),
      h('section', { class: 'panel', 'aria-labelledby': 'workers-h' }, h('h2', { id: 'workers-h' }, 'Workers'), workersBox)),
    extra.el,
    h('div', { class: 'two-col' },
      h('section', { class: 'panel', 'aria-labelledby': 'errors-h' }, h('h2', { id: 'errors-h' }, 'Errors'), errorsBox),
      settings(path, first, (t) => update(t))),
    h('section', { class: 'panel', 'aria-labelledby': 'history-h' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'history-h' }, 'History'), auditLink), historyBox));

  function update(t) {
    const previous = current;
    current = t;
    title.textContent = t.name;
    document.title = `${t.name} · Push`;
    if (!badgeBox.firstChild || badgeBox.firstChild.dataset.state !== t.state) replace(badgeBox, badge(t.state));
    COMMANDS.forEach(([command, label], i) => {
      buttons[i].hidden = !t.commands.includes(command);
      buttons[i].textContent = label(t.state);
      // The command the state most calls for stands out; starting again a paused task is allowed but rarely meant.
      buttons[i].classList.toggle('primary', (i === 0 && t.state === 'ready') || (i === 2));
    });
    for (const key of ['total', 'processed', 'sent', 'failed', 'skipped', 'unknown', 'held']) {
      const cell = main.querySelector(`[data-stat="${key}"]`);
      if (cell) cell.textContent = num(t.progress[key] || 0);
    }
    // A timed campaign sleeping until its next wave says when, and for whom (docs/timing.md).
    const next = main.querySelector('[data-next-release]');
    const waiting = t.state === 'paused' && t.timing && t.timing.waiting;
    next.hidden = !waiting;
    next.textContent = waiting ? `Next release ${when(t.timing.next)}: waiting for ${t.timing.wave}` : '';
    const running = t.state === 'started' || t.state === 'reboot';
    const f = fraction(t.progress);
    setBar(progressBar, f === null && running ? null : (f ?? (t.state === 'finished' ? 1 : 0)));
    percent.textContent = f === null ? (running ? 'counting…' : '') : `${Math.floor(f * 1000) / 10}%`;
    observed.textContent = rate(t.rate.observed);
    configured.textContent = t.rate.configured ? `${num(t.rate.configured)} a second` : 'unlimited';
    eta.textContent = running ? duration(t.eta) : t.state === 'finished' ? 'done' : '—';
    const took = t.startedAt && t.finishedAt ? ` · took ${duration((new Date(t.finishedAt) - new Date(t.startedAt)) / 1000)}` : '';
    timing.textContent = `Created ${when(t.createdAt)} · started ${when(t.startedAt)} · finished ${when(t.finishedAt)}${took}`;
    chart.add(Date.now(), running ? (t.rate.observed ?? 0) : 0, t.rate.configured || null);
    renderWorkers(workersBox, t);
    renderErrors(errorsBox, t);
    renderHistory(historyBox, t);
    units.update(t);
    extra.update(t, previous);
  }

  update(first);
  return {
    update,
    close: () => { units.close(); if (extra.close) extra.close(); },
    live: (on) => {
      liveDot.textContent = on ? 'Live' : 'Reconnecting…';
      liveDot.classList.toggle('off', !on);
    },
  };
}

function renderWorkers(box, t) {
  if (!t.liveWorkers.length) {
    replace(box, empty(t.state === 'started' || t.state === 'reboot' ? 'Workers are starting…' : 'No worker runs: the task is not started.'));
    return;
  }
  const byInstance = new Map();
  t.liveWorkers.forEach((w) => byInstance.set(w.instance, (byInstance.get(w.instance) || 0) + 1));
  replace(box,
    h('p', { class: 'muted small' }, `${t.liveWorkers.length} of ${t.workers} workers on ${byInstance.size} instance${byInstance.size === 1 ? '' : 's'}: `
      + [...byInstance].map(([i, n]) => `${i} (${n})`).join(', ')),
    table(['Slot', 'Instance', 'Worker', 'Heartbeat'], t.liveWorkers.map((w) => h('tr', { 'data-worker': w.slot },
      h('td', { class: 'num' }, w.slot), h('td', {}, w.instance), h('td', { class: 'mono small' }, w.id),
      h('td', { class: w.live ? '' : 'stale' }, ago(w.heartbeatAgeMs))))));
}

function renderErrors(box, t) {
  const lastErrors = t.lastErrors || [];
  const parts = [];
  if (t.stateReason) {
    const trouble = t.state === 'failed' || t.state === 'reboot';
    parts.push(h('p', { class: trouble ? 'alert' : 'muted' }, `${trouble ? 'Why' : 'Last change'}: `, h('span', { 'data-state-reason': true }, t.stateReason)));
  }
  if (t.errorStreak) parts.push(h('p', {}, `${num(t.errorStreak)} errors in a row (budget ${num(t.errorBudget)})`));
  if (lastErrors.length) parts.push(h('ul', { class: 'errors' }, lastErrors.map((e) => h('li', { class: 'mono small' }, e))));
  else parts.push(h('p', { class: 'muted' }, 'No recent errors.'));
  replace(box, parts);
}

function renderHistory(box, t) {
  const rows = [...(t.history || [])].reverse().map((x) => h('tr', {},
    h('td', {}, when(x.at)), h('td', {}, x.from ? badge(x.from) : '—', ' → ', badge(x.to)), h('td', {}, x.by), h('td', {}, x.reason || '')));
  replace(box, rows.length ? table(['When', 'State', 'By', 'Why'], rows, { 'data-list': 'history' }) : empty('No history.'));
}

/** Name, workers and qps may change at any time; workers and qps take effect while it runs. */
function settings(path, t, onSaved) {
  const name = input({ value: t.name, maxlength: 200 });
  const workers = numberInput({ value: t.workers, min: 1, max: 256 });
  const qps = numberInput({ value: t.qps, min: 0 });
  const saved = h('span', { class: 'muted small', role: 'status' });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Settings' },
    field('Name', name, 'name'), field('Workers', workers, 'workers'), field('Rate limit (a second, 0 = unlimited)', qps, 'qps'),
    h('button', { type: 'submit' }, 'Save'), saved, formError());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    saved.textContent = '';
    try {
      onSaved(await patch(path, { name: name.value.trim(), workers: Number(workers.value), qps: Number(qps.value) }));
      saved.textContent = 'Saved.';
    } catch (err) {
      showErrors(form, err);
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'settings-h' }, h('h2', { id: 'settings-h' }, 'Settings'), form);
}

function describeSource(s) {
  if (!s) return '';
  switch (s.kind) {
    case 'ids': return `${num(s.idCount)} pasted ids`;
    case 'upload': return 'an uploaded file';
    case 'query': return 'members matching a query';
    case 'combine': return `${s.op} of audiences`;
    default: return s.kind;
  }
}

function audienceParts(t) {
  const count = h('span', { role: 'status', 'data-count': true });
  const countButton = h('button', { type: 'button' }, 'Count now');
  countButton.addEventListener('click', async () => {
    count.textContent = 'Counting…';
    try {
      const c = await post(`/api/audiences/${t.id}/count`);
      count.textContent = `${num(c.members)} members would be selected now`;
    } catch (e) {
      count.textContent = e.message;
    }
  });
  const s = t.source || {};
  const members = pagedList((after) => get(`/api/audiences/${t.id}/members?limit=50${after ? `&after=${encodeURIComponent(after)}` : ''}`)
    .then((p) => ({ rows: p.members.map((m) => h('tr', {}, h('td', {}, h('a', { href: `#/members?id=${encodeURIComponent(m)}` }, m)))), next: p.next })),
  ['Member'], 'members');
  const campaignLink = h('a', { class: 'button primary', href: `#/campaigns/new?audience=${t.id}`, hidden: true }, 'New campaign for this audience');
  const el = h('div', { class: 'two-col' },
    h('section', { class: 'panel', 'aria-labelledby': 'source-h' },
      h('h2', { id: 'source-h' }, 'Source'),
      h('p', {}, `Built from ${describeSource(s)}.`),
      s.kind === 'query' ? h('pre', { class: 'filter-json' }, JSON.stringify(s.filter, null, 1)) : null,
      s.kind === 'combine' ? h('p', {}, (s.audiences || []).map((a, i) => [i ? ', ' : '', h('a', { href: `#/audiences/${a}` }, `#${a}`)])) : null,
      h('p', {}, countButton, ' ', count),
      campaignLink),
    h('section', { class: 'panel', 'aria-labelledby': 'members-h' }, h('h2', { id: 'members-h' }, 'Members'), members.el));
  return {
    el,
    update: (now, previous) => {
      campaignLink.hidden = now.state !== 'finished';
      if (now.state === 'finished' && (previous === now || previous.state !== 'finished')) members.load();
      else if (now.state !== 'finished' && !members.loaded) members.message(now.state === 'started' ? 'Members appear once the audience is built.' : 'Not built yet: start it to build it.');
    },
  };
}

function campaignParts(t, reload) {
  const preview = phonePreview();
  // An A/B campaign's message is its first variant's until a member is picked.
  const m = (t.variants ? t.variants[0].message : t.message) || {};
  const showTemplate = () => preview.update({ title: m.title, body: m.body, link: m.link, channel: t.channel });
  showTemplate();
  const forMember = previewFor(t.id, (rendered, member) => (rendered
    ? preview.update({ title: rendered.title, body: rendered.body, link: rendered.link, channel: t.channel, member: `As ${member} gets it` })
    : showTemplate()));
  const retries = retry(t.id, reload);
  const state = h('select', { id: 'delivery-state', 'aria-label': 'Outcome' },
    h('option', { value: '' }, 'Any outcome'), ['sent', 'failed', 'skipped', 'unknown', 'expired', 'held', 'pending'].map((s) => h('option', { value: s }, s)));
  const deliveries = pagedList((after) => {
    const q = new URLSearchParams({ limit: 50 });
    if (after) q.set('after', after);
    if (state.value) q.set('state', state.value);
    return get(`/api/campaigns/${t.id}/deliveries?${q}`).then((p) => ({
      rows: p.items.map((d) => h('tr', {}, h('td', {}, h('a', { href: `#/members?id=${encodeURIComponent(d.memberId)}` }, d.memberId)),
        h('td', {}, h('span', { class: `outcome outcome-${d.state}` }, d.state)), h('td', { class: 'small' }, d.reason || '', d.releaseAt ? h('span', { 'data-release': '' }, ` · released at ${when(d.releaseAt)}`) : null))),
      next: p.next,
    }));
  }, ['Member', 'Outcome', 'Reason'], 'deliveries');
  const refresh = h('button', { type: 'button', onclick: () => deliveries.load() }, 'Refresh');
  state.addEventListener('change', () => deliveries.load());
  const funnel = funnelPanel(t.id);
  const ab = t.variants ? abPanel(t, reload) : null;
  const recurrence = recurrencePanel(t);
  const el = h('div', { class: 'stack' }, funnel.el, ab ? ab.el : null, recurrence.el, h('div', { class: 'two-col' },
    h('section', { class: 'panel', 'aria-labelledby': 'message-h' },
      h('h2', { id: 'message-h' }, 'Message'),
      h('p', {}, 'To audience ', h('a', { href: `#/audiences/${t.audienceId}` }, `#${t.audienceId}`), ` through ${t.channel}`,
        ` · batches of ${num(t.batchSize)} · error budget ${num(t.errorBudget)}`, t.startAt ? ` · starts at ${when(t.startAt)}` : '',
        t.category ? ` · category ${t.category}` : '', t.critical ? ' · critical (bypasses frequency caps)' : '', t.expiresAt ? ` · expires at ${when(t.expiresAt)}` : (t.ttl ? ` · expires ${t.ttl} after its start` : '')),
      preview.el,
      forMember,
      m.link ? h('p', { class: 'small' }, 'Link: ', h('a', { href: m.link, rel: 'noopener', target: '_blank' }, m.link)) : null),
    h('section', { class: 'panel', 'aria-labelledby': 'deliveries-h' },
      h('h2', { id: 'deliveries-h' }, 'Deliveries'),
      h('div', { class: 'toolbar' }, state, refresh), deliveries.el)),
    h('div', { class: 'two-col' }, testSend(t.id), retries.el));
  return {
    el,
    close: funnel.close,
    update: (now, previous) => {
      retries.update(now);
      if (ab) ab.update(now);
      const running = now.state === 'started' || now.state === 'reboot';
      const recounted = !running && JSON.stringify(previous.progress) !== JSON.stringify(now.progress);
      if (previous === now || previous.state !== now.state || recounted) deliveries.load();
    },
  };
}

/** A table paged by the API's opaque cursors; keeps the cursors seen to go back. */
function pagedList(fetchPage, headers, noun) {
  const body = h('div', {});
  const prev = h('button', { type: 'button' }, '← Previous');
  const next = h('button', { type: 'button' }, 'Next →');
  const pager = h('nav', { class: 'pager', 'aria-label': `Pages of ${noun}`, hidden: true }, prev, next);
  const cursors = [''];
  let at = 0;
  let nextCursor = null;
  const state = { loaded: false };
  const show = async () => {
    try {
      const page = await fetchPage(cursors[at]);
      state.loaded = true;
      nextCursor = page.next;
      replace(body, page.rows.length ? table(headers, page.rows, { 'data-list': noun }) : empty(`No ${noun}${at ? ' on this page' : ''}.`));
      prev.disabled = at === 0;
      next.disabled = !nextCursor || !page.rows.length;
      pager.hidden = at === 0 && !nextCursor;
    } catch (e) {
      replace(body, e.status === 409 ? empty(e.message) : alertBox(`Could not load the ${noun}: ${e.message}`));
      pager.hidden = true;
    }
  };
  prev.addEventListener('click', () => { at = Math.max(0, at - 1); show(); });
  next.addEventListener('click', () => { cursors[at + 1] = nextCursor; at++; show(); });
  return {
    el: h('div', {}, body, pager),
    load: () => { cursors.length = 1; at = 0; return show(); },
    message: (text) => replace(body, empty(text)),
    get loaded() { return state.loaded; },
  };
}
