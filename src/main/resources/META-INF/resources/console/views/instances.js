// The service instances sharing the database, their heartbeats and the workers each runs.
import { get } from '../api.js';
import { ago, alertBox, empty, every, h, loading, pageHeader, replace, table, when } from '../ui.js';

export function instances(main) {
  const body = h('div', {}, loading('instances'));
  replace(main, pageHeader('Instances'), body);
  let first = true;
  return every(2000, async () => {
    try {
      const list = await get('/api/instances');
      replace(body, list.length ? render(list) : empty('No instance has registered.'));
    } catch (e) {
      if (first) replace(body, alertBox(`Could not load the instances: ${e.message}`));
    }
    first = false;
  });
}

function render(list) {
  return list.sort((a, b) => Number(b.live) - Number(a.live) || a.id.localeCompare(b.id)).map((i) =>
    h('section', { class: 'panel', 'data-instance': i.id, 'aria-label': `Instance ${i.id}` },
      h('div', { class: 'title-line' }, h('h2', {}, i.id),
        h('span', { class: `badge ${i.live ? 'state-started' : 'state-failed'}` }, i.live ? 'live' : 'silent'),
        i.draining ? h('span', { class: 'badge state-paused' }, 'draining') : null),
      h('p', { class: 'muted small' }, `${i.host} · version ${i.version} · up since ${when(new Date(i.startedAt).toISOString())} · heartbeat ${ago(i.heartbeatAgeMs)} ago`),
      i.workers.length
        ? table(['Task', 'Slot', 'Worker', 'Heartbeat'], i.workers.map((w) => h('tr', {},
          h('td', {}, h('a', { href: `#/tasks/${w.task}` }, `#${w.task}`)), h('td', { class: 'num' }, w.slot),
          h('td', { class: 'mono small' }, w.id),
          h('td', { class: w.live ? '' : 'stale' }, ago(w.heartbeatAgeMs), w.live ? '' : ' (stopped)'))))
        : h('p', { class: 'muted' }, 'No worker runs here.')));
}
