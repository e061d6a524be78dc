// Audiences: the list, and the form that creates each kind (ids, upload, query, combine).
import { get, post, sendFile } from '../api.js';
import {
  bar, clearErrors, debounce, field, formError, go, h, input, num, numberInput, pageHeader, replace, setBar, showErrors, table,
} from '../ui.js';
import { listPage } from './listpage.js';

export function audienceList(main, query) {
  return listPage(main, {
    kinds: 'audiences', noun: 'audiences', query,
    header: pageHeader('Audiences', h('a', { class: 'button primary', href: '#/audiences/new' }, 'New audience')),
  });
}

const KINDS = [
  ['query', 'Query', 'Members whose attributes match conditions'],
  ['ids', 'Paste ids', 'A list of member ids'],
  ['upload', 'Upload a file', 'One id a line, or CSV with an id column'],
  ['combine', 'Combine', 'Union, intersection or difference of built audiences'],
];

export function audienceForm(main, query) {
  const name = input({ name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const workers = numberInput({ name: 'workers', min: 1, max: 256, value: 4 });
  const qps = numberInput({ name: 'qps', min: 0, value: 0 });
  const buildNow = h('input', { type: 'checkbox', id: 'build-now', checked: true });
  const kindBoxes = KINDS.map(([value, label, hint]) => h('label', { class: 'segment' },
    h('input', { type: 'radio', name: 'kind', value, checked: value === (query.get('kind') || 'query') }),
    h('span', {}, label), h('span', { class: 'sr-only' }, `: ${hint}`)));
  const sources = {
    query: queryBuilder(),
    ids: idsSource(),
    upload: uploadSource(),
    combine: combineSource(),
  };
  const sourceBox = h('div', { class: 'source' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create audience');
  const form = h('form', { class: 'panel wide-form', 'aria-label': 'New audience', novalidate: true },
    field('Name', name, 'name'),
    h('fieldset', { class: 'segments' }, h('legend', {}, 'Members from'), kindBoxes),
    sourceBox,
    h('div', { class: 'row' },
      field('Workers', workers, 'workers', 'Concurrent builders, 1–256'),
      field('Rate limit (members a second)', qps, 'qps', '0 means unlimited')),
    h('div', { class: 'check' }, buildNow, h('label', { for: 'build-now' }, 'Build it right away')),
    formError(),
    h('div', { class: 'form-actions' }, submit, h('a', { class: 'button', href: '#/audiences' }, 'Cancel')));
  const kind = () => form.querySelector('input[name=kind]:checked').value;
  const showKind = () => {
    replace(sourceBox, sources[kind()].el);
    sources[kind()].shown?.();
  };
  kindBoxes.forEach((b) => b.querySelector('input').addEventListener('change', showKind));
  showKind();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const src = sources[kind()];
    let source;
    try { source = src.source(); } catch (err) { showErrors(form, err); return; }
    submit.disabled = true;
    try {
      const body = { name: name.value.trim(), source, workers: Number(workers.value), qps: Number(qps.value) };
      const created = await post('/api/audiences', body);
      // An upload with rejected lines stays on the form to show them, with a link to the audience.
      const leave = src.afterCreate ? await src.afterCreate(created) : true;
      if (buildNow.checked) {
        try { await post(`/api/audiences/${created.id}/start`); } catch { /* the detail page shows why and offers Start */ }
      }
      if (leave) go(`#/audiences/${created.id}`);
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  replace(main, pageHeader('New audience'), form);
  return () => Object.values(sources).forEach((s) => s.stop?.());
}

function fieldError(field, message) {
  return { fieldErrors: [{ field, message }], message };
}

function idsSource() {
  const ids = h('textarea', { name: 'ids', rows: 8, spellcheck: 'false', placeholder: 'user-1\nuser-2\nuser-3' });
  const count = h('p', { class: 'hint', 'aria-live': 'polite' }, '0 ids');
  const list = () => ids.value.split(/[\s,;]+/).filter(Boolean);
  ids.addEventListener('input', () => { count.textContent = `${num(list().length)} ids`; });
  return {
    el: h('div', {}, field('Member ids (one a line, or separated by commas or spaces)', ids, 'source.ids'), count),
    source: () => {
      if (!list().length) throw fieldError('source.ids', 'paste at least one member id');
      return { kind: 'ids', ids: list() };
    },
  };
}

function uploadSource() {
  const file = h('input', { type: 'file', name: 'file', accept: '.txt,.csv,.ids' });
  const progress = bar(0, 'Upload progress');
  const status = h('p', { class: 'muted small', role: 'status' });
  const progressBox = h('div', { class: 'upload-progress', hidden: true }, progress, status);
  const report = h('div', { 'aria-live': 'polite' });
  return {
    el: h('div', {}, field('File of member ids', file, 'file', 'Plain text, one id a line; or CSV (.csv) with an id column'), progressBox, report),
    source: () => {
      if (!file.files[0]) throw fieldError('file', 'choose a file of member ids');
      return { kind: 'upload' };
    },
    afterCreate: async (created) => {
      const f = file.files[0];
      const type = /\.csv$/i.test(f.name) ? 'text/csv' : 'text/plain';
      progressBox.hidden = false;
      try {
        const r = await sendFile('PUT', `/api/audiences/${created.id}/upload`, f, type, (frac) => {
          setBar(progress, frac);
          status.textContent = frac === null ? 'Sent; the service is sorting the ids into shards…' : `Sending ${f.name}: ${Math.round(frac * 100)}%`;
        });
        setBar(progress, 1);
        status.textContent = `${num(r.accepted)} ids accepted, ${num(r.rejected)} rejected.`;
        if (!r.rejected) return true;
        replace(report, h('h3', {}, 'Rejected lines'),
          table(['Line', 'Reason'], r.rejects.map((x) => h('tr', {}, h('td', { class: 'num' }, x.line), h('td', {}, x.reason)))),
          h('a', { class: 'button primary', href: `#/audiences/${created.id}` }, `Open audience #${created.id}`));
        return false;
      } catch (err) {
        progressBox.hidden = true;
        throw { ...err, message: `Audience #${created.id} was created but its upload failed: ${err.message}`, fieldErrors: err.fieldErrors };
      }
    },
  };
}

const OPERATORS = [
  ['$eq', '='], ['$ne', '≠'], ['$gt', '>'], ['$gte', '≥'], ['$lt', '<'], ['$lte', '≤'],
  ['$in', 'is one of'], ['$nin', 'is none of'], ['$exists', 'exists'],
];

/** A typed value: numbers, true, false and null as such; quotes force text ("42"). */
export function parseValue(text) {
  const t = text.trim();
  if (/^".*"$/.test(t)) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return t;
}

/** Rows of attribute / operator / value, joined by all (AND) or any (OR), as the API's filter JSON. */
export function filterOf(rows, join) {
  const conditions = rows.filter((r) => r.attribute).map((r) => {
    let value;
    if (r.operator === '$exists') value = r.value !== 'false';
    else if (r.operator === '$in' || r.operator === '$nin') value = r.value.split(',').map(parseValue).filter((v) => v !== '');
    else value = parseValue(r.value);
    return { [r.attribute]: { [r.operator]: value } };
  });
  if (conditions.length === 0) return {};
  if (conditions.length === 1) return conditions[0];
  if (join === 'any') return { $or: conditions };
  const names = conditions.map((c) => Object.keys(c)[0]);
  if (new Set(names).size === names.length) return Object.assign({}, ...conditions);
  return { $and: conditions };
}

function queryBuilder() {
  const rowsBox = h('div', { class: 'query-rows' });
  const join = h('select', { id: 'query-join', 'aria-label': 'Join conditions' },
    h('option', { value: 'all' }, 'all of'), h('option', { value: 'any' }, 'any of'));
  const preview = h('pre', { class: 'filter-json', 'aria-label': 'Filter sent to the API' });
  const count = h('p', { class: 'live-count', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  let seq = 0;
  const rows = [];

  const read = () => rows.map((r) => ({
    attribute: r.attribute.value.trim(), operator: r.operator.value,
    value: r.operator.value === '$exists' ? r.exists.value : r.value.value,
  }));
  const filter = () => filterOf(read(), join.value);

  const countNow = async () => {
    const mine = ++seq;
    const f = filter();
    count.textContent = 'Counting…';
    count.dataset.state = 'counting';
    error.hidden = true;
    try {
      const c = await post('/api/audiences/count', { kind: 'query', filter: f });
      if (mine !== seq) return;
      count.textContent = c.timedOut
        ? `at least ${num(c.members)} members match (the count ran out of time)`
        : `${num(c.members)} members match`;
      count.dataset.count = c.members;
      count.dataset.state = 'done';
    } catch (err) {
      if (mine !== seq) return;
      count.textContent = '';
      count.dataset.state = 'error';
      error.textContent = err.fieldErrors.length ? err.fieldErrors.map((x) => `${x.field}: ${x.message}`).join('; ') : err.message;
      error.hidden = false;
    }
  };
  const countLater = debounce(countNow, 600);
  const changed = () => {
    preview.textContent = JSON.stringify(filter(), null, 1);
    count.dataset.state = 'pending';
    countLater();
  };

  const addRow = (attribute = '', operator = '$eq', value = '') => {
    const n = rows.length + 1;
    const r = {
      attribute: input({ 'aria-label': `Condition ${n}: attribute`, placeholder: 'attribute, e.g. country', value: attribute, 'data-role': 'attribute' }),
      operator: h('select', { 'aria-label': `Condition ${n}: operator`, 'data-role': 'operator' }, OPERATORS.map(([v, l]) => h('option', { value: v }, `${l}  (${v})`))),
      value: input({ 'aria-label': `Condition ${n}: value`, placeholder: 'value; "quotes" keep text', value, 'data-role': 'value' }),
      exists: h('select', { 'aria-label': `Condition ${n}: exists`, hidden: true }, h('option', { value: 'true' }, 'yes'), h('option', { value: 'false' }, 'no')),
    };
    r.operator.value = operator;
    const syncOperator = () => {
      const exists = r.operator.value === '$exists';
      r.exists.hidden = !exists;
      r.value.hidden = exists;
      r.value.placeholder = r.operator.value === '$in' || r.operator.value === '$nin' ? 'values separated by commas' : 'value; "quotes" keep text';
    };
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': `Remove condition ${n}` }, '×');
    r.el = h('div', { class: 'query-row' }, r.attribute, r.operator, r.value, r.exists, remove);
    remove.addEventListener('click', () => { rows.splice(rows.indexOf(r), 1); r.el.remove(); changed(); });
    r.operator.addEventListener('change', () => { syncOperator(); changed(); });
    [r.attribute, r.value, r.exists].forEach((c) => c.addEventListener('input', changed));
    r.exists.addEventListener('change', changed);
    syncOperator();
    rows.push(r);
    rowsBox.append(r.el);
    return r;
  };
  join.addEventListener('change', changed);
  addRow();
  preview.textContent = JSON.stringify(filter(), null, 1);

  const el = h('div', { class: 'query-builder', 'data-field-box': 'source.filter' },
    h('div', { class: 'query-head' }, h('span', {}, 'Members matching'), join, h('span', {}, 'these conditions on their attributes:')),
    rowsBox,
    h('button', { type: 'button', class: 'link', onclick: () => { addRow().attribute.focus(); changed(); } }, '+ Add a condition'),
    error, count,
    h('details', {}, h('summary', {}, 'Filter JSON'), preview));
  return {
    el,
    shown: () => countLater(),
    source: () => ({ kind: 'query', filter: filter() }),
    stop: () => { countLater.cancel(); seq++; },
  };
}

function combineSource() {
  const op = h('select', { name: 'op' },
    h('option', { value: 'union' }, 'union — in any of them'),
    h('option', { value: 'intersect' }, 'intersect — in all of them'),
    h('option', { value: 'exclude' }, 'exclude — in the first and none of the others'));
  const list = h('fieldset', { class: 'checklist', 'data-field-box': 'source.audiences' },
    h('legend', {}, 'Audiences (built ones), in order'), h('p', { class: 'loading' }, 'Loading audiences…'),
    h('p', { class: 'field-error', hidden: true }));
  const picked = [];
  let loaded = false;
  return {
    el: h('div', {}, field('Operation', op, 'source.op'), list),
    shown: async () => {
      if (loaded) return;
      loaded = true;
      try {
        const page = await get('/api/audiences?state=finished&limit=500');
        const boxes = page.items.map((a) => {
          const box = h('input', { type: 'checkbox', value: a.id, id: `combine-${a.id}` });
          box.addEventListener('change', () => {
            if (box.checked) picked.push(a.id); else picked.splice(picked.indexOf(a.id), 1);
          });
          return h('div', { class: 'check' }, box, h('label', { for: `combine-${a.id}` }, `#${a.id} ${a.name} — ${num(a.progress.sent)} members`));
        });
        list.querySelector('.loading').replaceWith(...(boxes.length ? boxes : [h('p', { class: 'muted' }, 'No audience is built yet.')]));
      } catch (err) {
        list.querySelector('.loading').textContent = `Could not load the audiences: ${err.message}`;
      }
    },
    source: () => ({ kind: 'combine', op: op.value, audiences: [...picked] }),
  };
}
