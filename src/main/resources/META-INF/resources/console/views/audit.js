// The audit trail (admins): who changed what and when, newest first, with each target's state
// before → after. Filters are the API's (actor, target, after); pages follow the entries' ids.
import { get } from '../api.js';
import { alertBox, empty, field, h, input, loading, pageHeader, replace, table, when } from '../ui.js';

const PAGE = 50;

export function audit(main, query) {
  const actor = input({ name: 'actor', value: query.get('actor') || '', placeholder: 'any user', autocomplete: 'off' });
  const target = input({ name: 'target', value: query.get('target') || '', placeholder: 'e.g. campaigns/12', autocomplete: 'off' });
  const since = h('input', { type: 'datetime-local', name: 'since', value: query.get('since') || '', step: 1 });
  const body = h('div', {}, loading('the audit trail'));
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const form = h('form', { class: 'inline-form filters', 'aria-label': 'Filters' },
    field('User', actor, 'actor'), field('Target', target, 'target'), field('Since', since, 'after'),
    h('button', { type: 'submit', class: 'primary' }, 'Show'));
  const filters = h('section', { class: 'panel' }, form);
  replace(main, pageHeader('Audit trail'), filters, body, pager);

  // Cursors of the pages shown before this one: "Newer" goes back through them.
  let cursors = [];
  let before = null;

  const load = async () => {
    const q = new URLSearchParams({ order: 'newest', limit: PAGE });
    if (actor.value.trim()) q.set('actor', actor.value.trim());
    if (target.value.trim()) q.set('target', target.value.trim());
    if (since.value) q.set('after', new Date(since.value).toISOString());
    if (before) q.set('before', before);
    // The filters stay in the address, so a filtered view can be linked to and reloaded.
    const shown = new URLSearchParams();
    for (const [k, v] of [['actor', actor.value.trim()], ['target', target.value.trim()], ['since', since.value]]) if (v) shown.set(k, v);
    history.replaceState(null, '', `#/audit${shown.toString() ? `?${shown}` : ''}`);
    replace(body, loading('the audit trail'));
    try {
      const entries = await get(`/api/audit?${q}`);
      replace(body, entries.length ? render(entries) : empty('No audit entry matches.'));
      const newer = h('button', { type: 'button', disabled: cursors.length === 0,
        onclick: () => { before = cursors.pop(); load(); } }, '← Newer');
      const older = h('button', { type: 'button', disabled: entries.length < PAGE,
        onclick: () => { cursors.push(before); before = entries[entries.length - 1].id; load(); } }, 'Older →');
      replace(pager, cursors.length || entries.length === PAGE ? [newer, older] : []);
    } catch (e) {
      replace(pager);
      replace(body, alertBox(e.status === 403
        ? 'The audit trail is for admins only: your user does not have the admin role.'
        : `Could not load the audit trail: ${e.message}`));
      body.firstChild.dataset.denied = e.status === 403 ? 'true' : 'false';
      filters.hidden = e.status === 403;
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); cursors = []; before = null; load(); });
  load();
}

function render(entries) {
  return table(['When', 'Who', 'Action', 'Target', 'Before → after'], entries.map((e) => h('tr', { 'data-entry': e.id },
    h('td', { class: 'nowrap', title: e.at }, when(e.at)),
    h('td', { 'data-actor': true }, e.actor),
    h('td', { class: 'mono small' }, e.action),
    h('td', {}, targetLink(e.target)),
    h('td', { class: 'change' }, change(e.before, e.after)))), { 'data-list': 'audit' });
}

/** Tasks link to their page; other targets (channels, users, tokens, op calls) are shown as they are. */
function targetLink(target) {
  const m = /^(audiences|campaigns)\/(\d+)$/.exec(target || '');
  return m ? h('a', { href: `#/${m[1]}/${m[2]}` }, target) : h('span', {}, target || '—');
}

const show = (v) => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Compactly: the fields that changed as "field: before → after" (unchanged ones are left out:
 * the target column says which task or channel it is); a creation lists what it made, a deletion
 * what was there.
 */
export function change(before, after) {
  if (!before && !after) return h('span', { class: 'muted' }, '—');
  if (!before || !after) {
    const what = before || after;
    const fields = Object.entries(what).map(([k, v]) => `${k} ${show(v)}`).join(', ');
    return h('span', { 'data-change': before ? 'deleted' : 'created' }, before ? `${fields} → deleted` : `→ ${fields}`);
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => show(before[k]) !== show(after[k]));
  if (!changed.length) return h('span', { class: 'muted', 'data-change': 'none' }, 'no change');
  return h('ul', { class: 'changes' }, changed.map((k) => h('li', { 'data-key': k },
    h('span', { class: 'muted' }, `${k}: `), h('span', { class: 'was' }, show(before[k])), ' → ', h('strong', {}, show(after[k])))));
}
