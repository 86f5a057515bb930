// Heimdall's console: session, shell (left nav, a top bar on phones) and hash routes.
import { h, icon, replace, clear, callout, errorCallout } from './dom.js';
import { get, post, onUnauthorized, setAuthState, auth } from './api.js';

const ROUTES = {
  overview: { title: 'Overview', icon: 'overview', load: () => import('./pages/overview.js') },
  logs: { title: 'Request log', icon: 'logs', load: () => import('./pages/logs.js') },
  providers: { title: 'Providers & keys', icon: 'providers', load: () => import('./pages/providers.js') },
  keys: { title: 'Virtual keys', icon: 'keys', load: () => import('./pages/virtual-keys.js') },
  config: { title: 'Configuration', icon: 'config', load: () => import('./pages/config.js') },
  playground: { title: 'Playground', icon: 'playground', load: () => import('./pages/playground.js') },
};
const NEXT_KEY = 'heimdall.next';

const app = document.getElementById('app');
let shell = null; // {nav, outlet, links}
let cleanup = null;
let renderSeq = 0;
let firstRender = true;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || 'overview', parts: parts.slice(1), query: new URLSearchParams(qs || '') };
}

export function navigate(hash, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, '', hash);
  else if (location.hash !== hash) { location.hash = hash; return; }
  route();
}

async function route() {
  const r = parseHash();
  const state = auth();
  const needsLogin = state.is_auth_enabled && !state.has_valid_token;
  if (r.name === 'login') {
    if (!state.is_auth_enabled || state.has_valid_token) return navigate('#/overview', { replace: true });
    return showLogin();
  }
  if (needsLogin) {
    sessionStorage.setItem(NEXT_KEY, location.hash || '#/overview');
    return navigate('#/login', { replace: true });
  }
  const def = ROUTES[r.name];
  if (!def) return navigate('#/overview', { replace: true });
  ensureShell();
  shell.links.forEach((a, name) => (name === r.name ? a.setAttribute('aria-current', 'page') : a.removeAttribute('aria-current')));
  shell.nav.classList.remove('open');
  shell.toggle.setAttribute('aria-expanded', 'false');
  document.title = `${def.title} · Heimdall`;
  if (cleanup) { try { cleanup(); } catch { /* a page's cleanup must not stop the next */ } cleanup = null; }
  const seq = ++renderSeq;
  const outlet = shell.outlet;
  try {
    const mod = await def.load();
    if (seq !== renderSeq) return;
    clear(outlet);
    const c = mod.default(outlet, r);
    cleanup = typeof c === 'function' ? c : null;
  } catch (e) {
    if (seq !== renderSeq) return;
    replace(outlet, h('div', { class: 'page' }, errorCallout(e)));
  }
  if (!firstRender) {
    const h1 = outlet.querySelector('h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

function ensureShell() {
  if (shell && app.contains(shell.nav)) return;
  const links = new Map();
  const navList = h('ul', { class: 'nav-links', id: 'nav-links' }, Object.entries(ROUTES).map(([name, d]) => {
    const a = h('a', { href: '#/' + name, 'data-nav': name }, icon(d.icon), d.title);
    links.set(name, a);
    return h('li', null, a);
  }));
  const toggle = h('button', { type: 'button', class: 'btn sm menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav-links', 'aria-label': 'Menu',
    onClick: () => {
      const open = !nav.classList.contains('open');
      nav.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', String(open));
    } }, icon('menu'));
  const state = auth();
  const foot = h('div', { class: 'nav-foot' },
    state.is_auth_enabled
      ? h('button', { type: 'button', class: 'btn sm', id: 'logout', onClick: logout }, icon('logout'), 'Log out')
      : h('span', { title: 'No admin credentials are configured: the console answers loopback clients only.' }, 'Open access (loopback only)'),
    h('a', { href: '/q/swagger-ui', target: '_blank', rel: 'noopener', style: { color: '#8a93a6' } }, 'API reference ↗'));
  const nav = h('nav', { class: 'nav', 'aria-label': 'Main' },
    h('div', { class: 'brand' }, h('img', { src: '/ui/favicon.svg', alt: '' }), h('div', null, 'Heimdall', h('small', null, 'AI gateway console'))),
    toggle, navList, foot);
  const outlet = h('main', { class: 'main', id: 'main' });
  replace(app, h('div', { class: 'shell' }, nav, outlet));
  shell = { nav, outlet, links, toggle };
}

async function logout() {
  try { await post('/api/session/logout'); } catch { /* the cookie is cleared or gone either way */ }
  setAuthState({ ...auth(), has_valid_token: false });
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  shell = null;
  sessionStorage.removeItem(NEXT_KEY);
  navigate('#/login');
}

function showLogin() {
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  shell = null;
  document.title = 'Sign in · Heimdall';
  import('./pages/login.js').then((m) => {
    m.default(app, async () => {
      setAuthState({ ...auth(), has_valid_token: true });
      const next = sessionStorage.getItem(NEXT_KEY);
      sessionStorage.removeItem(NEXT_KEY);
      navigate(next && next !== '#/login' ? next : '#/overview');
    });
  });
}

let redirecting = false;
onUnauthorized(() => {
  if (redirecting || !auth().is_auth_enabled) return;
  redirecting = true;
  setAuthState({ ...auth(), has_valid_token: false });
  if (!location.hash.startsWith('#/login')) sessionStorage.setItem(NEXT_KEY, location.hash || '#/overview');
  setTimeout(() => { redirecting = false; navigate('#/login'); }, 0);
});

async function boot() {
  try {
    setAuthState(await get('/api/session/is-auth-enabled'));
  } catch (e) {
    replace(app, h('div', { class: 'login' }, h('div', { class: 'card' },
      h('h1', null, 'Heimdall is not answering'),
      callout('error', e.message),
      h('button', { class: 'btn primary', type: 'button', onClick: boot }, 'Try again'))));
    return;
  }
  route();
}

window.addEventListener('hashchange', route);
boot();
