import { h, replace, clear } from '../dom.js';
import { post } from '../api.js';
import { busyButton } from '../ui.js';

export default function render(root, onLoggedIn) {
  const username = h('input', { type: 'text', id: 'login-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { id: 'login-error', class: 'slot', role: 'alert', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'login-title', onSubmit: async (e) => {
    e.preventDefault();
    clear(error);
    if (!username.value || !password.value) {
      error.append(h('div', { class: 'form-problems' }, 'Enter the admin username and password.'));
      (username.value ? password : username).focus();
      return;
    }
    busyButton(submit, true, 'Signing in');
    try {
      await post('/api/session/login', { username: username.value, password: password.value });
      password.value = '';
      onLoggedIn();
    } catch (err) {
      let msg = err.message;
      if (err.status === 401) msg = 'Wrong username or password.';
      else if (err.status === 429) {
        const wait = Number(err.retryAfter);
        msg = 'Too many failed sign-ins from this address. Try again' + (wait ? ` in ${Math.ceil(wait / 60)} minutes.` : ' in a few minutes.');
      } else if (err.status === 403 && err.code === 'auth_not_enabled') {
        onLoggedIn();
        return;
      }
      error.append(h('div', { class: 'form-problems' }, msg));
      busyButton(submit, false);
      password.select();
      password.focus();
    }
  } },
  h('div', { class: 'brand-row' }, h('img', { src: '/ui/favicon.svg', alt: '' }), h('div', null,
    h('h1', { id: 'login-title' }, 'Sign in to Heimdall'),
    h('p', { class: 'muted small' }, 'Use the admin credentials of governance.auth_config.'))),
  h('div', { class: 'field' }, h('label', { for: 'login-username' }, 'Username'), username),
  h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
  error,
  submit);
  replace(root, h('div', { class: 'login' }, form));
  username.focus();
}
