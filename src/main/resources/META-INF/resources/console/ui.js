// Small DOM helpers shared by the views: element builder, formatting, badges, bars, form errors.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const numberFormat = new Intl.NumberFormat('en-US');
export const num = (n) => (n === null || n === undefined ? '—' : numberFormat.format(n));

export function rate(r) {
  if (r === null || r === undefined) return '—';
  return r >= 100 ? numberFormat.format(Math.round(r)) : r.toFixed(1);
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export function ago(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export const isToday = (iso) => !!iso && new Date(iso).toDateString() === new Date().toDateString();

export function badge(state) {
  return h('span', { class: `badge state-${state}`, 'data-state': state }, state);
}

/** Share of the work done; a task whose total is not known yet (a query audience) has none. */
export function fraction(p) {
  if (!p || !p.total) return null;
  return Math.min(1, p.processed / p.total);
}

export function bar(value, label) {
  const pct = value === null ? null : Math.round(value * 1000) / 10;
  const el = h('div', {
    class: 'bar' + (pct === null ? ' indeterminate' : ''), role: 'progressbar', 'aria-label': label || 'Progress',
    'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct === null ? null : pct,
  }, h('div', { class: 'fill' }));
  // Set through the style object, not a style attribute: the Content-Security-Policy allows no inline style.
  el.firstChild.style.width = `${pct === null ? 100 : pct}%`;
  return el;
}

export function setBar(el, value) {
  const pct = value === null ? null : Math.round(value * 1000) / 10;
  el.classList.toggle('indeterminate', pct === null);
  if (pct === null) el.removeAttribute('aria-valuenow'); else el.setAttribute('aria-valuenow', pct);
  el.firstChild.style.width = `${pct === null ? 100 : pct}%`;
}

let fieldSeq = 0;

/** A labelled control with a slot for the server's message about it; `name` is the API field. */
export function field(label, control, name, hint) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  if (name) control.dataset.field = name;
  return h('div', { class: 'field', 'data-field-box': name || null },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    error);
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const general = form.querySelector('.form-error');
  if (general) { general.hidden = true; general.textContent = ''; }
}

/**
 * Shows a failed request on a form: each `errors[].message` at the control whose API field
 * matches (or is the closest parent path: `source.ids[3]` lands on `source.ids`); the rest on top.
 */
export function showErrors(form, err) {
  clearErrors(form);
  const unplaced = [];
  for (const fe of err.fieldErrors || []) {
    const box = findFieldBox(form, fe.field || '');
    if (!box) { unplaced.push(`${fe.field}: ${fe.message}`); continue; }
    const slot = box.querySelector('.field-error');
    slot.textContent = slot.textContent ? `${slot.textContent}; ${fe.message}` : fe.message;
    slot.hidden = false;
    const control = box.querySelector('[data-field]');
    if (control) control.setAttribute('aria-invalid', 'true');
  }
  if (!err.fieldErrors || err.fieldErrors.length === 0 || unplaced.length) {
    const general = form.querySelector('.form-error');
    general.textContent = unplaced.length ? unplaced.join('; ') : err.message;
    general.hidden = false;
  }
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

function findFieldBox(form, field) {
  let path = field;
  while (path) {
    const box = form.querySelector(`[data-field-box="${CSS.escape(path)}"]`);
    if (box) return box;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return null;
}

export const formError = () => h('p', { class: 'form-error alert', role: 'alert', hidden: true });

export function alertBox(message) {
  return h('p', { class: 'alert', role: 'alert' }, message);
}

export function empty(message, ...extra) {
  return h('div', { class: 'empty' }, h('p', {}, message), ...extra);
}

export const loading = (what) => h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);

export function table(headers, rows, attrs) {
  return h('table', attrs || {},
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows));
}

export function input(attrs) {
  return h('input', { type: 'text', ...attrs });
}

export function numberInput(attrs) {
  return h('input', { type: 'number', inputmode: 'numeric', ...attrs });
}

/** Runs fn after the user stopped typing for `ms`. */
export function debounce(fn, ms) {
  let t = null;
  const run = (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  run.cancel = () => clearTimeout(t);
  return run;
}

export function pageHeader(title, ...actions) {
  return h('header', { class: 'page-head' }, h('h1', {}, title), h('div', { class: 'actions' }, actions));
}

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Calls fn now and every `ms` until the returned stop is called; one call at a time. */
export function every(ms, fn) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    try { await fn(); } finally { if (!stopped) timer = setTimeout(tick, ms); }
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}
