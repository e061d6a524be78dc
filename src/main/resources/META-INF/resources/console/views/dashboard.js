// The operator's home: what runs now, what ran recently, today's totals and the live instances.
// The API has no event stream over many tasks, so this page polls the lists every two seconds.
import { get } from '../api.js';
import { ago, alertBox, empty, every, h, isToday, loading, num, pageHeader, replace, table } from '../ui.js';
import { taskTable } from './tasklist.js';

const ACTIVE = new Set(['started', 'reboot', 'paused']);
// The instances API also lists the worker slots of tasks that ended; the service judges which are live.
const heartBeating = (w) => w.live;

export function dashboard(main) {
  const body = h('div', { class: 'dashboard' }, loading('the dashboard'));
  replace(main, pageHeader('Dashboard',
    h('a', { class: 'button', href: '#/audiences/new' }, 'New audience'),
    h('a', { class: 'button primary', href: '#/campaigns/new' }, 'New campaign')), body);
  let first = true;
  return every(2000, async () => {
    try {
      const [campaigns, audiences, instances] = await Promise.all([
        get('/api/campaigns?limit=200'), get('/api/audiences?limit=200'), get('/api/instances')]);
      replace(body, ...render(campaigns.items, audiences.items, instances));
    } catch (e) {
      if (first) replace(body, alertBox(`Could not load the dashboard: ${e.message}`));
    }
    first = false;
  });
}

function render(campaigns, audiences, instances) {
  const all = [...campaigns, ...audiences].sort((a, b) => b.id - a.id);
  const active = all.filter((t) => ACTIVE.has(t.state));
  const recent = all.filter((t) => !ACTIVE.has(t.state)).slice(0, 8);
  const today = campaigns.filter((t) => isToday(t.startedAt));
  const sum = (list, key) => list.reduce((n, t) => n + (t.progress[key] || 0), 0);
  const built = audiences.filter((t) => t.state === 'finished' && isToday(t.finishedAt));
  const live = instances.filter((i) => i.live);
  return [
    h('section', { 'aria-labelledby': 'totals-h' },
      h('h2', { id: 'totals-h' }, 'Today'),
      h('div', { class: 'cards' },
        card('Campaigns run', today.length, 'campaigns'),
        card('Messages sent', sum(today, 'sent'), 'sent'),
        card('Failed', sum(today, 'failed'), 'failed'),
        card('Unknown', sum(today, 'unknown'), 'unknown'),
        card('Audiences built', built.length, 'audiences'),
        card('Live instances', live.length, 'instances'))),
    h('section', { 'aria-labelledby': 'running-h' },
      h('h2', { id: 'running-h' }, 'Running'),
      active.length ? taskTable(active, true, { 'data-list': 'running' })
        : empty('Nothing is running.', h('a', { href: '#/campaigns/new' }, 'Create a campaign'))),
    h('section', { 'aria-labelledby': 'recent-h' },
      h('h2', { id: 'recent-h' }, 'Recent'),
      recent.length ? taskTable(recent, true, { 'data-list': 'recent' }) : empty('No audience or campaign yet.')),
    h('section', { 'aria-labelledby': 'instances-h' },
      h('h2', { id: 'instances-h' }, 'Live instances'),
      live.length ? table(['Instance', 'Host', 'Version', 'Heartbeat', 'Workers'],
        live.map((i) => h('tr', {}, h('td', {}, i.id), h('td', {}, i.host), h('td', {}, i.version),
          h('td', {}, ago(i.heartbeatAgeMs)), h('td', { class: 'num' }, num(i.workers.filter(heartBeating).length)))))
        : empty('No live instance: the engine is not heart-beating.')),
  ];
}

function card(label, value, key) {
  return h('div', { class: 'card', 'data-total': key },
    h('div', { class: 'card-value' }, num(value)), h('div', { class: 'card-label' }, label));
}
