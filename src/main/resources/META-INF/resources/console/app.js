// The console's shell: hash routes to views; each view may return a cleanup that closes its
// event streams and timers when the operator leaves it.
import { dashboard } from './views/dashboard.js';
import { members } from './views/members.js';
import { audienceList, audienceForm } from './views/audiences.js';
import { campaignList, campaignForm } from './views/campaigns.js';
import { taskDetail } from './views/task.js';
import { instances } from './views/instances.js';
import { templateForm, templateList } from './views/templates.js';
import { audit } from './views/audit.js';
import { get, kinds, logout, me, topRole } from './api.js';
import { alertBox, h, replace } from './ui.js';

/** A task link that does not know its kind (from the instances page) finds it and goes there. */
function taskById(id) {
  return (main) => {
    get(`/api/tasks/${id}`)
      .then((t) => location.replace(`#/${kinds(t.kind)}/${t.id}`))
      .catch((e) => replace(main, alertBox(e.status === 404 ? `There is no task #${id}.` : e.message)));
  };
}

const routes = [
  [/^\/?$/, 'dashboard', () => dashboard],
  [/^\/members$/, 'members', () => members],
  [/^\/audiences$/, 'audiences', () => audienceList],
  [/^\/audiences\/new$/, 'audiences', () => audienceForm],
  [/^\/audiences\/(\d+)$/, 'audiences', (m) => (main, q) => taskDetail(main, 'audience', Number(m[1]), q)],
  [/^\/campaigns$/, 'campaigns', () => campaignList],
  [/^\/campaigns\/new$/, 'campaigns', () => campaignForm],
  [/^\/campaigns\/(\d+)$/, 'campaigns', (m) => (main, q) => taskDetail(main, 'campaign', Number(m[1]), q)],
  [/^\/templates$/, 'templates', () => templateList],
  [/^\/templates\/new$/, 'templates', () => (main) => templateForm(main, null)],
  [/^\/templates\/([a-z0-9_-]+)$/, 'templates', (m) => (main) => templateForm(main, m[1])],
  [/^\/instances$/, 'instances', () => instances],
  [/^\/audit$/, 'audit', () => audit],
  [/^\/tasks\/(\d+)$/, null, (m) => taskById(Number(m[1]))],
];

let cleanup = null;

function render() {
  const main = document.getElementById('main');
  if (cleanup) { cleanup(); cleanup = null; }
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search] = raw.split('?');
  const query = new URLSearchParams(search || '');
  let section = null;
  let view = null;
  for (const [re, name, make] of routes) {
    const m = path.match(re);
    if (m) { section = name; view = make(m); break; }
  }
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  main.replaceChildren();
  if (!view) {
    replace(main, alertBox(`There is no page at ${path}.`));
    return;
  }
  const result = view(main, query);
  if (typeof result === 'function') cleanup = result;
  main.focus({ preventScroll: true });
}

/** Who is signed in, with a sign-out button; the audit link only for admins (others get 403 from the API). */
function userBox() {
  const box = document.getElementById('user');
  me().then((m) => {
    const role = topRole(m.roles);
    replace(box,
      h('div', { class: 'user-name', 'data-user': m.name }, m.name),
      h('div', { class: 'user-role', 'data-role': role }, role),
      m.via === 'session'
        ? h('button', { type: 'button', class: 'signout', onclick: (e) => { e.target.disabled = true; logout(); } }, 'Sign out')
        : null);
    box.hidden = false;
    document.querySelector('[data-nav="audit"]').closest('li').hidden = role !== 'admin';
  }).catch(() => { /* a 401 has already opened the login page */ });
}

window.addEventListener('hashchange', render);
userBox();
render();
