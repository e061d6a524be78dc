// An A/B campaign's variants and winner mode: each variant's split and title, the holdout and how the winner is
// decided, the phase it is in with the decision, and, while it waits for a winner (paused), the operator's pick.
import { post } from '../api.js';
import { h, replace, table, when } from '../ui.js';

const PHASES = {
  test: 'sending the test split',
  waiting: 'test split sent, waiting for the decision',
  asking: 'no significant winner: pick one',
  winner: 'sending the winner to the holdout',
};

export function abPanel(t, onPicked) {
  const w = t.winner;
  const variants = table(['Variant', 'Split', 'Title'], t.variants.map((v) => h('tr', { 'data-ab-variant': v.name },
    h('th', { scope: 'row' }, v.name), h('td', { class: 'num' }, `${v.split}%`), h('td', {}, v.message.title || ''))));
  const phase = h('p', { 'data-ab-phase': true });
  const choice = h('select', { 'aria-label': 'Winner', name: 'variant' }, t.variants.map((v) => h('option', { value: v.name }, v.name)));
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send this winner to the holdout');
  const problem = h('p', { class: 'alert', role: 'alert', hidden: true });
  const pick = h('form', { 'aria-label': 'Pick the winner', hidden: true }, h('label', {}, 'Winner ', choice), ' ', submit, problem);
  pick.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    problem.hidden = true;
    try {
      onPicked(await post(`/api/campaigns/${t.id}/winner`, { variant: choice.value }));
    } catch (err) {
      problem.textContent = err.message;
      problem.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  const update = (now) => {
    if (!w) return;
    const nw = now.winner || {};
    const decided = nw.variant ? ` · winner ${now.variants[nw.variant - 1].name}` : '';
    const at = nw.phase === 'waiting' && nw.decideAt ? ` at ${when(nw.decideAt)}` : '';
    replace(phase, `Phase: ${PHASES[nw.phase] || nw.phase}${at}${decided}`);
    pick.hidden = !(now.state === 'paused' && (nw.phase === 'waiting' || nw.phase === 'asking'));
  };
  update(t);
  const el = h('section', { class: 'panel', 'aria-labelledby': 'ab-h', 'data-ab': true },
    h('h2', { id: 'ab-h' }, 'A/B test'),
    variants,
    w ? h('p', { class: 'muted small' }, `Holdout ${w.holdout}% · winner by ${w.metric} after ${w.wait}`
      + ` · significant below p = ${w.alpha} · otherwise ${w.fallback === 'stop' ? 'ask' : `send ${w.fallback}`}`)
      : h('p', { class: 'muted small' }, 'Every member gets their variant; no winner is picked.'),
    w ? phase : null,
    pick);
  return { el, update };
}
