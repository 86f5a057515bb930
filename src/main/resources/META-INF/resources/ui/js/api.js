// The management API client: JSON in and out, errors as ApiError carrying the API's {"error": {…}} body.

import { toast } from './dom.js';

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const e = (body && body.error) || {};
    super(e.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || null;
    this.type = e.type || null;
    this.param = e.param || null;
    this.problems = Array.isArray(e.problems) ? e.problems : [];
  }
}

let unauthorizedHandler = () => {};

/** Called on any 401 of the management API (the session ended): the app goes back to its login. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

async function readBody(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 300) } };
  }
}

/**
 * A management API call. The X-Heimdall-UI header makes a 401 come without a Basic challenge, so the
 * browser never shows its own login popup.
 */
export async function api(path, { method = 'GET', body, signal, query } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v != null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { 'X-Heimdall-UI': '1', Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null, 'Heimdall did not answer (network error). Is the gateway running?');
  }
  const data = await readBody(res);
  if (res.status === 401 && !path.startsWith('/api/session/')) {
    unauthorizedHandler();
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    err.retryAfter = res.headers.get('Retry-After');
    throw err;
  }
  // A write the other replicas will not see (SQLite, several replicas) says so; so does the console.
  if (method !== 'GET' && data && data.warning) toast(data.warning, 'warn');
  return data;
}

export const get = (path, query, signal) => api(path, { query, signal });
export const post = (path, body) => api(path, { method: 'POST', body: body === undefined ? {} : body });
export const put = (path, body) => api(path, { method: 'PUT', body });
export const del = (path) => api(path, { method: 'DELETE' });

export const enc = encodeURIComponent;

/** The path a refusal names: `param`, the problems', or a "$.x …" at the start of the message. */
export function problemsOf(err) {
  if (!err) return [];
  if (err.problems && err.problems.length) return err.problems;
  const path = err.param || ((err.message || '').match(/^(\$[\w.[\]-]*)/) || [])[1];
  return path ? [{ path, reason: err.message.replace(path, '').replace(/^[\s:]+/, '') || err.message }] : [];
}

/** Whether the session still holds; when it ended, the app is sent to its login (as on any 401). */
export async function checkSession() {
  try {
    const s = await api('/api/session/is-auth-enabled');
    if (s.is_auth_enabled && !s.has_valid_token) {
      unauthorizedHandler();
      return false;
    }
    return true;
  } catch {
    return true; // unreachable for now, not logged out: the caller tries again
  }
}

// ---------- the session state ----------
let authState = null;
export function setAuthState(s) {
  authState = s;
}
export function auth() {
  return authState || { is_auth_enabled: false, auth_type: 'none' };
}
