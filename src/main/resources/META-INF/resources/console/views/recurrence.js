// A campaign's recurrence: make a ready campaign recur (cron, time zone, what a missed occurrence does); then its
// next five occurrences, Skip next / Pause / Resume, and the occurrences decided so far with their runs.
import { api, get, post } from '../api.js';
import { clearErrors, field, formError, h, input, replace, showErrors, table, when } from '../ui.js';

export function recurrencePanel(t) {
  const body = h('div', {});
  const el = h('section', { class: 'panel', 'aria-labelledby': 'recurrence-h', 'data-recurrence': '' },
    h('h2', { id: 'recurrence-h' }, 'Recurrence'), body);

  const load = async () => {
    let r;
    try {
      r = await get(`/api/campaigns/${t.id}/recurrence`);
    } catch (e) {
      if (e.status === 404) { replace(body, t.state === 'ready' ? setUp() : h('p', { class: 'muted' }, 'Runs once.')); return; }
      replace(body, h('p', { class: 'alert' }, e.message));
      return;
    }
    const runs = await get(`/api/campaigns/${t.id}/recurrence/runs?limit=20`).catch(() => []);
    replace(body, show(r, runs));
  };

  const setUp = () => {
    const cron = input({ name: 'cron', placeholder: '0 9 * * MON', autocomplete: 'off', spellcheck: 'false' });
    const zone = input({ name: 'zone', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', autocomplete: 'off' });
    const missed = h('select', { name: 'missed' },
      h('option', { value: 'run' }, 'runs once when an instance is back'),
      h('option', { value: 'skip' }, 'is skipped (and recorded)'));
    const audience = h('select', { name: 'audience' },
      h('option', { value: 'fixed' }, 'its audience as built'),
      h('option', { value: 'rebuild' }, 'its query, rebuilt at each occurrence'));
    const days = h('input', { type: 'number', name: 'skipReachedDays', min: 1, max: 366, inputmode: 'numeric' });
    const form = h('form', { 'aria-label': 'Recurrence', novalidate: true },
      h('div', { class: 'row' },
        field('Cron', cron, 'cron', 'minute hour day-of-month month day-of-week'),
        field('Time zone', zone, 'zone', 'e.g. Europe/Paris'),
        field('A missed occurrence', missed, 'missed'),
        field('Each run sends to', audience, 'audience'),
        field('Skip members reached in the last … days', days, 'skipReachedDays', 'Optional: by earlier runs of this series')),
      formError(),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Recur')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        await api('PUT', `/api/campaigns/${t.id}/recurrence`, {
          cron: cron.value.trim(), zone: zone.value.trim(), missed: missed.value,
          skipReachedDays: days.value ? Number(days.value) : null, audience: audience.value,
        });
        load();
      } catch (err) {
        showErrors(form, err);
      }
    });
    return h('div', {}, h('p', { class: 'muted' }, 'Each occurrence runs as a new campaign made from this one, which stays ready.'), form);
  };

  const action = (label, path) => h('button', { type: 'button', 'data-action': path, onclick: async () => {
    await post(`/api/campaigns/${t.id}/recurrence/${path}`);
    load();
  } }, label);

  const show = (r, runs) => h('div', {},
    h('p', {}, h('span', { class: 'mono' }, r.cron), ` in ${r.zone} · a missed occurrence ${r.missed === 'run' ? 'runs once' : 'is skipped'}`,
      r.audience === 'rebuild' ? ' · audience rebuilt from its query at each occurrence' : '',
      r.skipReachedDays ? ` · skips members reached in the last ${r.skipReachedDays} days` : '',
      r.paused ? h('span', { class: 'badge state-paused' }, 'paused') : null),
    r.next.length ? h('div', {}, h('h3', {}, 'Next occurrences'),
      h('ol', { 'data-next': '' }, r.next.map((at) => h('li', {}, when(at), at === r.skip ? ' (skipped)' : ''))))
      : h('p', { class: 'muted' }, 'No next occurrence while paused.'),
    h('div', { class: 'form-actions' },
      r.paused ? action('Resume', 'resume') : [action('Skip next', 'skip-next'), action('Pause', 'pause')]),
    h('h3', {}, 'Occurrences'),
    runs.length ? table(['When', 'Outcome', 'Run', 'Decided by'], runs.map((o) => h('tr', { 'data-occurrence': o.at },
      h('td', {}, when(o.at)), h('td', {}, o.outcome, o.missed ? ` (${o.missed} missed)` : ''),
      h('td', {}, o.run ? h('a', { href: `#/campaigns/${o.run}` }, `#${o.run}`) : '—', o.runState ? ` ${o.runState}` : '',
        o.pending ? h('span', { class: 'muted', 'data-pending': '' }, ' being made') : '', o.reason ? h('span', { class: 'small' }, ` · ${o.reason}`) : ''),
      h('td', { class: 'mono small' }, o.by))))
      : h('p', { class: 'muted' }, 'None yet.'));

  load();
  return { el };
}
