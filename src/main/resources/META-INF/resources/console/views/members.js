// Members: find one by id, import a file of them (NDJSON or CSV) and see the lines refused.
import { CATEGORIES, get, put, sendFile } from '../api.js';
import {
  bar, clearErrors, empty, field, formError, h, input, num, pageHeader, replace, setBar, showErrors, table, when,
} from '../ui.js';

export function members(main, query) {
  const found = h('div', { class: 'member-result', 'aria-live': 'polite' });
  const idInput = input({ name: 'id', placeholder: 'e.g. user-42', autocomplete: 'off', spellcheck: 'false', required: true });
  const searchForm = h('form', { class: 'inline-form', role: 'search', 'aria-label': 'Find a member' },
    field('Member id', idInput, 'id'), h('button', { type: 'submit', class: 'primary' }, 'Find'), formError());
  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    find(searchForm, idInput.value.trim(), found);
  });

  replace(main, pageHeader('Members'),
    h('div', { class: 'two-col' },
      h('section', { class: 'panel', 'aria-labelledby': 'find-h' }, h('h2', { id: 'find-h' }, 'Find a member'), searchForm, found),
      h('section', { class: 'panel', 'aria-labelledby': 'import-h' }, h('h2', { id: 'import-h' }, 'Import members'), importForm())));
  const id = query.get('id');
  if (id) { idInput.value = id; find(searchForm, id, found); }
}

async function find(form, id, out) {
  clearErrors(form);
  if (!id) { replace(out); return; }
  replace(out, h('p', { class: 'loading', role: 'status' }, 'Looking up…'));
  try {
    const m = await get(`/api/members/${encodeURIComponent(id)}`);
    const prefs = await get(`/api/members/${encodeURIComponent(id)}/preferences`);
    replace(out, memberCard(m), preferencesForm(m.id, prefs));
  } catch (e) {
    if (e.status === 404) replace(out, empty(`No member with id ${id}.`));
    else { replace(out); showErrors(form, e); }
  }
}

function memberCard(m) {
  const attrs = Object.entries(m.attributes || {});
  const addresses = Object.entries(m.addresses || {}).filter(([, v]) => v);
  return h('article', { class: 'member', 'data-member': m.id },
    h('h3', {}, m.id),
    h('p', { class: 'muted small' }, `Updated ${when(m.updatedAt)}`),
    h('h4', {}, 'Attributes'),
    attrs.length ? table(['Name', 'Value'], attrs.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'mono' }, JSON.stringify(v)))))
      : h('p', { class: 'muted' }, 'No attributes.'),
    h('h4', {}, 'Addresses'),
    addresses.length ? table(['Channel', 'Address'], addresses.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'mono' }, v))))
      : h('p', { class: 'muted' }, 'No addresses.'),
    h('h4', {}, 'Devices'),
    devicesTable(m.devices || []));
}

/** The member's devices; an inactive one (its token rejected by the provider) is marked so. */
function devicesTable(devices) {
  if (!devices.length) return h('p', { class: 'muted' }, 'No devices.');
  const target = (d) => d.token || (d.subscription && d.subscription.endpoint) || '';
  return table(['Device', 'Channel', 'App', 'Platform', 'Locale', 'Last seen', 'State', 'Token or endpoint'],
    devices.map((d) => h('tr', { 'data-device': d.id },
      h('td', {}, d.id), h('td', {}, d.channel), h('td', {}, d.app || ''), h('td', {}, d.platform || ''),
      h('td', {}, d.locale || ''), h('td', {}, d.lastSeen ? when(d.lastSeen) : ''),
      h('td', {}, d.active ? 'active' : 'inactive'), h('td', { class: 'mono' }, target(d)))));
}

/** What the member opted out of: a box per category and one for everything; saving replaces the opt-outs. */
function preferencesForm(id, prefs) {
  const box = (name, checked) => h('input', { type: 'checkbox', name, checked: checked || null });
  const boxes = CATEGORIES.map((c) => [c, box(c, (prefs.optedOutOf || []).includes(c))]);
  const all = box('all', prefs.optedOutOfAll);
  const status = h('p', { class: 'muted small', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save preferences');
  const form = h('form', { 'aria-label': 'Member preferences', 'data-field-box': 'optedOutOf' },
    h('h4', {}, 'Opted out of'),
    ...boxes.map(([c, b]) => h('label', { class: 'check' }, b, ` ${c}`)),
    h('label', { class: 'check' }, all, ' everything'),
    h('p', { class: 'field-error', hidden: true }),
    formError(),
    h('div', { class: 'form-actions' }, submit), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const saved = await put(`/api/members/${encodeURIComponent(id)}/preferences`, {
        optedOutOf: boxes.filter(([, b]) => b.checked).map(([c]) => c), optedOutOfAll: all.checked,
      });
      status.textContent = saved.optedOutOfAll ? 'Saved: opted out of everything.'
        : saved.optedOutOf.length ? `Saved: opted out of ${saved.optedOutOf.join(', ')}.` : 'Saved: opted in to everything.';
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** NDJSON unless the file says CSV; the operator can override. */
function formatOf(file) {
  return /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/x-ndjson';
}

function importForm() {
  const file = h('input', { type: 'file', name: 'file', accept: '.ndjson,.jsonl,.json,.csv,.txt', required: true });
  const format = h('select', { name: 'format' },
    h('option', { value: 'application/x-ndjson' }, 'NDJSON — one {"id", "attributes", "addresses"} a line'),
    h('option', { value: 'text/csv' }, 'CSV — header with id, email, …, attr.NAME'));
  file.addEventListener('change', () => { if (file.files[0]) format.value = formatOf(file.files[0]); });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const progress = bar(0, 'Upload progress');
  const status = h('p', { class: 'muted small', role: 'status' });
  const progressBox = h('div', { class: 'upload-progress', hidden: true }, progress, status);
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = h('form', { 'aria-label': 'Import members' },
    field('File', file, 'file', 'Members are upserted: an existing id gets the new profile.'),
    field('Format', format, 'format'),
    formError(),
    h('div', { class: 'form-actions' }, submit),
    progressBox, result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const f = file.files[0];
    if (!f) { showErrors(form, { fieldErrors: [{ field: 'file', message: 'choose a file to import' }] }); return; }
    submit.disabled = true;
    progressBox.hidden = false;
    replace(result);
    setBar(progress, 0);
    status.textContent = `Sending ${f.name}…`;
    try {
      const report = await sendFile('POST', '/api/members/import', f, format.value, (frac) => {
        setBar(progress, frac);
        status.textContent = frac === null ? 'Sent; the service is importing…' : `Sending ${f.name}: ${Math.round(frac * 100)}%`;
      });
      setBar(progress, 1);
      status.textContent = `Imported ${f.name}.`;
      replace(result, importReport(report));
    } catch (err) {
      progressBox.hidden = true;
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function importReport(r) {
  return h('div', { 'data-import-report': true },
    h('div', { class: 'cards' },
      h('div', { class: 'card', 'data-count': 'imported' }, h('div', { class: 'card-value' }, num(r.imported)), h('div', { class: 'card-label' }, 'new')),
      h('div', { class: 'card', 'data-count': 'updated' }, h('div', { class: 'card-value' }, num(r.updated)), h('div', { class: 'card-label' }, 'updated')),
      h('div', { class: 'card', 'data-count': 'rejected' }, h('div', { class: 'card-value' }, num(r.rejectedCount)), h('div', { class: 'card-label' }, 'rejected'))),
    r.rejected.length
      ? h('div', {},
        h('h3', {}, r.rejectedCount > r.rejected.length ? `Rejected lines (first ${r.rejected.length} of ${num(r.rejectedCount)})` : 'Rejected lines'),
        table(['Line', 'Reason'], r.rejected.map((x) => h('tr', { 'data-rejected-line': x.line }, h('td', { class: 'num' }, x.line), h('td', {}, x.reason)))))
      : h('p', { class: 'muted' }, 'Every line was imported.'));
}
