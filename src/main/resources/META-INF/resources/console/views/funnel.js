// A campaign's funnel, kept live while its page is open: sent → delivered → opened → clicked → converted, the
// members at each step (unique) with their rate over sent, and unique clicks per hour since the start.
import { get } from '../api.js';
import { hourlyBars } from '../chart.js';
import { bar, h, num, setBar } from '../ui.js';

const STAGES = ['sent', 'delivered', 'opened', 'clicked', 'converted'];
const POLL_MS = 2000;

function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

export function funnelPanel(id) {
  const rows = new Map(STAGES.map((name) => {
    const count = h('strong', { 'data-funnel-count': name }, '—');
    const rate = h('span', { class: 'muted', 'data-funnel-rate': name }, '');
    const meter = bar(0, `${name} of sent`);
    return [name, { count, rate, meter, el: h('div', { class: 'funnel-row', 'data-funnel-stage': name },
      h('span', { class: 'funnel-name' }, name), meter, count, rate) }];
  }));
  const extra = h('p', { class: 'muted small', 'data-funnel-extra': true });
  const chart = hourlyBars('Members who clicked, per hour');
  const ctr = h('strong', { 'data-click-through': true }, '—');
  const el = h('div', { class: 'two-col' },
    h('section', { class: 'panel', 'aria-labelledby': 'funnel-h' },
      h('h2', { id: 'funnel-h' }, 'Funnel'),
      h('div', { class: 'funnel', 'data-funnel': true }, [...rows.values()].map((r) => r.el)),
      extra),
    h('section', { class: 'panel', 'aria-labelledby': 'ctr-h' },
      h('h2', { id: 'ctr-h' }, 'Click-through'),
      h('p', {}, ctr, ' of the members sent to clicked; members who clicked, per hour:'),
      chart.el));

  const show = (f) => {
    for (const s of f.stages) {
      const r = rows.get(s.name);
      if (!r) continue;
      r.count.textContent = num(s.members);
      r.rate.textContent = s.name === 'sent' ? '' : percent(s.rate);
      setBar(r.meter, s.rate ?? 0);
    }
    extra.textContent = `${num(f.clicks)} clicks in all · ${num(f.previews)} link previews (not counted as clicks)`
      + (f.value ? ` · conversions worth ${num(f.value)}` : '');
    const clicked = f.stages.find((s) => s.name === 'clicked');
    ctr.textContent = percent(clicked && clicked.rate);
    chart.draw(f.hours || [], f.stages[0].members);
  };
  let timer = null;
  const load = () => get(`/api/campaigns/${id}/funnel`).then(show).catch(() => {});
  load();
  timer = setInterval(load, POLL_MS);
  return { el, close: () => clearInterval(timer) };
}
