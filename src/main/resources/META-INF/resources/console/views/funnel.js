// A campaign's funnel, kept live while its page is open: sent → delivered → opened → clicked → converted, the
// members at each step (unique) with their rate over sent, and unique clicks per hour since the start; for an A/B
// campaign, the same per variant in a table, the winner marked.
import { get } from '../api.js';
import { hourlyBars } from '../chart.js';
import { bar, h, num, replace, setBar, table } from '../ui.js';

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
  const variantBox = h('div', {});
  const variants = h('section', { class: 'panel', 'aria-labelledby': 'variants-h', hidden: true },
    h('h2', { id: 'variants-h' }, 'Variants'), variantBox);
  const el = h('div', { class: 'stack' }, h('div', { class: 'two-col' },
    h('section', { class: 'panel', 'aria-labelledby': 'funnel-h' },
      h('h2', { id: 'funnel-h' }, 'Funnel'),
      h('div', { class: 'funnel', 'data-funnel': true }, [...rows.values()].map((r) => r.el)),
      extra),
    h('section', { class: 'panel', 'aria-labelledby': 'ctr-h' },
      h('h2', { id: 'ctr-h' }, 'Click-through'),
      h('p', {}, ctr, ' of the members sent to clicked; members who clicked, per hour:'),
      chart.el)), variants);

  const showVariants = (list) => {
    variants.hidden = !list;
    if (!list) return;
    const rows = list.map((v) => h('tr', { 'data-variant': v.name },
      h('th', { scope: 'row' }, v.name, v.winner ? [' ', h('span', { class: 'badge state-finished', 'data-winner': true }, 'winner')] : ''),
      h('td', { class: 'num', 'data-variant-count': 'sent' }, num(v.sent)),
      ...STAGES.slice(1).map((s) => h('td', { class: 'num', 'data-variant-count': s }, num(v[s]))),
      h('td', { class: 'num', 'data-variant-rate': 'clicked' }, percent(v.rates.clicked)),
      h('td', { class: 'num', 'data-variant-rate': 'converted' }, percent(v.rates.converted))));
    replace(variantBox, table(['Variant', ...STAGES, 'Click rate', 'Conversion rate'], rows, { 'data-variants': true }));
  };

  const show = (f) => {
    showVariants(f.variants);
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
