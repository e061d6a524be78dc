// How a task looks in a list: the dashboard, audiences and campaigns share it.
import { kinds } from '../api.js';
import { badge, bar, duration, fraction, h, num, rate, table, when } from '../ui.js';

export function progressCell(t) {
  const f = fraction(t.progress);
  const running = t.state === 'started' || t.state === 'reboot';
  return h('div', { class: 'progress-cell' },
    bar(f === null && !running ? 0 : f, `Progress of ${t.name}`),
    h('span', { class: 'muted small' },
      `${num(t.progress.processed)} / ${t.progress.total ? num(t.progress.total) : '?'}`
      + (f === null ? '' : ` · ${Math.floor(f * 100)}%`)));
}

export function rateCell(t) {
  const configured = t.rate.configured ? num(t.rate.configured) : 'unlimited';
  return h('span', {}, h('strong', {}, rate(t.rate.observed)), h('span', { class: 'muted' }, ` / ${configured}`));
}

export function taskRow(t, withKind) {
  return h('tr', { 'data-task': t.id },
    h('td', { class: 'name' }, h('a', { href: `#/${kinds(t.kind)}/${t.id}` }, t.name), h('div', { class: 'muted small' }, `#${t.id}`)),
    withKind ? h('td', {}, t.kind) : null,
    h('td', {}, badge(t.state)),
    h('td', { class: 'wide' }, progressCell(t)),
    h('td', { class: 'num' }, num(t.progress.sent)),
    h('td', { class: 'num' }, num(t.progress.failed + t.progress.unknown)),
    h('td', { class: 'num' }, rateCell(t)),
    h('td', { class: 'num' }, t.state === 'started' || t.state === 'reboot' ? duration(t.eta) : '—'),
    h('td', { class: 'muted small nowrap' }, when(t.startedAt || t.createdAt)));
}

export function taskTable(tasks, withKind, attrs) {
  return table(['Name', withKind ? 'Kind' : null, 'State', 'Progress', 'Sent', 'Failed / unknown',
    'Rate /s (observed / limit)', 'ETA', 'Started'].filter(Boolean),
  tasks.map((t) => taskRow(t, withKind)), { class: 'tasks', ...(attrs || {}) });
}
