// Saved templates: the list, and the form that saves or changes one with its locale variants.
import { api, get, post } from '../api.js';
import {
  alertBox, clearErrors, empty, field, formError, go, h, input, loading, pageHeader, replace, showErrors, table, when,
} from '../ui.js';

export function templateList(main) {
  const body = h('div', {}, loading('templates'));
  replace(main, pageHeader('Templates', h('a', { class: 'button primary', href: '#/templates/new' }, 'New template')), body);
  get('/api/templates').then((list) => replace(body, list.length
    ? table(['Name', 'Title', 'Locales', 'Version', 'Changed'], list.map((t) => h('tr', { 'data-template': t.name },
      h('td', {}, h('a', { href: `#/templates/${encodeURIComponent(t.name)}` }, t.name)),
      h('td', {}, t.title || ''),
      h('td', { 'data-locales': '' }, Object.keys(t.locales || {}).join(', ') || '—'),
      h('td', { class: 'num' }, t.version),
      h('td', {}, when(t.updatedAt)))))
    : empty('No template yet.', h('p', { class: 'muted' }, 'A template is a message that sends and campaigns name.'))))
    .catch((e) => replace(body, alertBox(`Could not load the templates: ${e.message}`)));
}

/** The fields of one message: the default's or a locale's; `at` is the API path of its fields ('' or 'locales.fr'). */
function messageFields(at, values) {
  const path = (f) => (at ? `${at}.${f}` : f);
  const c = {
    title: input({ name: 'title', maxlength: 500, autocomplete: 'off', value: values.title || '' }),
    body: h('textarea', { name: 'body', rows: 3, maxlength: 4000 }, values.body || ''),
    link: input({ name: 'link', placeholder: 'https://', maxlength: 2000, autocomplete: 'off', value: values.link || '' }),
    data: h('textarea', { name: 'data', rows: 2, class: 'mono', spellcheck: 'false', placeholder: '{"kind": "welcome"}' },
      values.data ? JSON.stringify(values.data) : ''),
  };
  const box = [field('Title', c.title, path('title')), field('Body', c.body, path('body')),
    field('Link', c.link, path('link')), field('Data (JSON object, optional)', c.data, path('data'))];
  const read = () => {
    const out = {};
    for (const f of ['title', 'body', 'link']) if (c[f].value) out[f] = c[f].value;
    if (c.data.value.trim()) {
      let d = null;
      try { d = JSON.parse(c.data.value); } catch { d = null; }
      if (!d || typeof d !== 'object' || Array.isArray(d)) throw { fieldErrors: [{ field: path('data'), message: 'must be a JSON object' }] };
      out.data = d;
    }
    return out;
  };
  return { box, read };
}

export function templateForm(main, name) {
  if (!name) { render(main, null); return; }
  replace(main, loading('the template'));
  get(`/api/templates/${encodeURIComponent(name)}`)
    .then((t) => render(main, t))
    .catch((e) => replace(main, alertBox(e.status === 404 ? `There is no template ${name}.` : e.message)));
}

function render(main, saved) {
  const name = input({ name: 'name', required: true, maxlength: 64, autocomplete: 'off', spellcheck: 'false',
    value: saved ? saved.name : '', readonly: saved ? true : null });
  const main0 = messageFields('', saved || {});
  const locales = [];
  const localeBox = h('div', { 'data-locale-rows': '' });
  const addLocale = (tag, values) => {
    const tagInput = input({ name: 'locale', maxlength: 40, autocomplete: 'off', spellcheck: 'false', placeholder: 'fr-CA', value: tag || '' });
    let fields = messageFields(`locales.${tag || ''}`, values || {});
    const row = h('fieldset', { class: 'locale', 'data-locale': tag || '' }, h('legend', {}, 'Locale'),
      field('Locale tag', tagInput, `locales.${tag || ''}`, 'fr, fr-CA, pt-BR: a member gets the closest to their locale attribute'),
      ...fields.box,
      h('button', { type: 'button', onclick: () => { row.remove(); locales.splice(locales.indexOf(entry), 1); } }, 'Remove locale'));
    const entry = { tagInput, read: () => fields.read(), row };
    // The server names a locale's fields by its tag: keep the boxes' names in step with what is typed.
    tagInput.addEventListener('input', () => {
      const t = tagInput.value.trim();
      tagInput.closest('[data-field-box]').setAttribute('data-field-box', `locales.${t}`);
      row.querySelectorAll('[data-field-box]').forEach((b) => {
        const f = b.getAttribute('data-field-box').split('.').pop();
        if (b.contains(tagInput)) return;
        b.setAttribute('data-field-box', `locales.${t}.${f}`);
      });
      row.dataset.locale = t;
    });
    locales.push(entry);
    localeBox.append(row);
  };
  Object.entries((saved && saved.locales) || {}).forEach(([tag, values]) => addLocale(tag, values));
  const submit = h('button', { type: 'submit', class: 'primary' }, saved ? 'Save changes' : 'Save template');
  const remove = saved ? h('button', { type: 'button', class: 'danger', 'data-action': 'delete' }, 'Delete') : null;
  const form = h('form', { class: 'panel', 'aria-label': saved ? `Template ${saved.name}` : 'New template', novalidate: true },
    field('Name', name, 'name', 'Lower-case letters, digits, _ and -; sends and campaigns name it'),
    h('fieldset', {}, h('legend', {}, 'Default message'), ...main0.box,
      h('p', { class: 'hint' }, 'Qute over the member: {member.id}, {member.attributes.firstName ?: \'there\'}')),
    h('fieldset', {}, h('legend', {}, 'Locales'), localeBox,
      h('button', { type: 'button', 'data-action': 'add-locale', onclick: () => addLocale('', {}) }, 'Add locale'),
      h('p', { class: 'hint' }, 'A locale gives only what differs: fr-CA takes what it leaves out from fr, then from the default.')),
    saved ? h('p', { class: 'muted small' }, `Version ${saved.version}, changed ${when(saved.updatedAt)}. Campaigns and sends keep the copy they took when they were made.`) : null,
    formError(),
    h('div', { class: 'form-actions' }, submit, remove, h('a', { class: 'button', href: '#/templates' }, 'Cancel')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    let request;
    try {
      request = { name: name.value.trim(), ...main0.read(), locales: {} };
      for (const l of locales) request.locales[l.tagInput.value.trim()] = l.read();
    } catch (err) {
      showErrors(form, err);
      return;
    }
    submit.disabled = true;
    try {
      const t = saved ? await api('PUT', `/api/templates/${encodeURIComponent(saved.name)}`, request)
        : await post('/api/templates', request);
      go(`#/templates/${encodeURIComponent(t.name)}`);
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  if (remove) {
    remove.addEventListener('click', async () => {
      if (!window.confirm(`Delete template ${saved.name}? Campaigns made from it keep their copy.`)) return;
      try {
        await api('DELETE', `/api/templates/${encodeURIComponent(saved.name)}`);
        go('#/templates');
      } catch (err) {
        showErrors(form, err);
      }
    });
  }
  replace(main, pageHeader(saved ? `Template ${saved.name}` : 'New template'), form);
}
