// The shard grid of a task page: one square per unit of work of the current run, from
// GET /api/tasks/{id}/units, read again every two seconds while the task runs.
import { get } from '../api.js';
import { ago, empty, every, h, num, replace } from '../ui.js';

const STATES = ['done', 'running', 'waiting'];
const REFRESH_MS = 2000;

export function unitGrid(taskId, campaign) {
  const summary = h('p', { class: 'muted small', role: 'status', 'data-units-summary': true });
  const legend = h('div', { class: 'legend unit-legend' },
    STATES.map((s) => h('span', { class: `unit-key key-${s}` }, h('span', { 'data-unit-count': s }, '0'), ` ${s}`)));
  const grid = h('div', { class: 'unit-grid', 'data-units': true });
  const problem = h('p', { class: 'alert', role: 'alert', hidden: true });
  let stop = null;
  let shownState = null;

  const load = async () => {
    try {
      draw(await get(`/api/tasks/${taskId}/units`));
      problem.hidden = true;
    } catch (e) {
      problem.textContent = `Could not load the units: ${e.message}`;
      problem.hidden = false;
    }
  };

  function draw(units) {
    const counts = { done: 0, running: 0, waiting: 0 };
    units.forEach((u) => { counts[u.state] = (counts[u.state] || 0) + 1; });
    STATES.forEach((s) => { legend.querySelector(`[data-unit-count="${s}"]`).textContent = num(counts[s]); });
    grid.setAttribute('aria-label', `${units.length} units: ${counts.done} done, ${counts.running} running, ${counts.waiting} waiting`);
    summary.textContent = units.length
      ? `${num(units.length)} unit${units.length === 1 ? '' : 's'} in this run; hover a square for its owner, cursor and counters.`
      : '';
    if (!units.length) {
      replace(grid, empty('No units yet: the task has not been started.'));
      return;
    }
    replace(grid, units.map((u) => h('span', {
      class: `unit unit-${u.state}`, 'data-unit': u.unit, 'data-unit-state': u.state, title: describe(u, campaign),
    })));
  }

  return {
    el: h('section', { class: 'panel', 'aria-labelledby': 'units-h' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'units-h' }, 'Units'), legend),
      problem, grid, summary),
    /** Reads the units at every state change, and every two seconds while the task runs. */
    update: (t) => {
      const running = t.state === 'started' || t.state === 'reboot';
      if (running && !stop) stop = every(REFRESH_MS, load);
      if (!running && stop) { stop(); stop = null; }
      if (!running && shownState !== t.state) load();
      shownState = t.state;
    },
    close: () => { if (stop) stop(); stop = null; },
  };
}

function describe(u, campaign) {
  const c = u.counts || {};
  const lines = [`Unit ${u.unit}: ${u.state}`];
  if (u.owner) lines.push(`owner ${u.owner}, lease ${ago(u.leaseLeftMs)} left`);
  lines.push(`cursor ${num(u.cursor)}`);
  lines.push(`${num(c.processed)} processed: ${num(c.sent)} ${campaign ? 'sent' : 'added'}, ${num(c.failed)} failed, ${num(c.skipped)} skipped, ${num(c.unknown)} unknown`);
  return lines.join('\n');
}
