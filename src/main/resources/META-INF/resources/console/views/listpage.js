// A paged list of audiences or campaigns with a state filter, refreshed every two seconds.
import { get } from '../api.js';
import { alertBox, empty, every, h, loading, replace } from '../ui.js';
import { taskTable } from './tasklist.js';

const STATES = ['ready', 'started', 'paused', 'reboot', 'stopped', 'finished', 'failed'];
const PAGE = 25;

export function listPage(main, { kinds, noun, header, query }) {
  const state = h('select', { id: 'state-filter' },
    h('option', { value: '' }, 'Any state'), STATES.map((s) => h('option', { value: s }, s)));
  state.value = query.get('state') || '';
  let offset = Number(query.get('offset') || 0);
  const body = h('div', {}, loading(noun));
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  replace(main, header,
    h('div', { class: 'toolbar' }, h('label', { for: 'state-filter' }, 'State'), state),
    body, pager);
  let first = true;
  const load = async () => {
    const q = new URLSearchParams({ offset, limit: PAGE });
    if (state.value) q.set('state', state.value);
    try {
      const page = await get(`/api/${kinds}?${q}`);
      replace(body, page.items.length ? taskTable(page.items, false, { 'data-list': kinds })
        : empty(state.value ? `No ${noun} is ${state.value}.` : `No ${noun} yet.`));
      const prev = h('button', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, '← Newer');
      const next = h('button', { type: 'button', disabled: offset + PAGE >= page.total, onclick: () => { offset += PAGE; load(); } }, 'Older →');
      replace(pager, page.total > PAGE ? [prev, h('span', { class: 'muted' }, `${offset + 1}–${Math.min(page.total, offset + PAGE)} of ${page.total}`), next] : []);
    } catch (e) {
      if (first) replace(body, alertBox(`Could not load the ${noun}: ${e.message}`));
    }
    first = false;
  };
  state.addEventListener('change', () => { offset = 0; load(); });
  return every(2000, load);
}
