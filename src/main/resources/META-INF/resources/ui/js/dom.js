// Building the DOM without innerHTML: every string becomes a text node, so API data is never parsed as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function setProps(el, props) {
  let value;
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'value') value = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'required' || k === 'multiple' || k === 'hidden' || k === 'readOnly') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  return value;
}

export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false || c === true) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** h('div', {class: 'x', onClick}, 'text', child…) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  const value = setProps(el, props);
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

// ---------- icons (24×24, stroke) ----------
const ICONS = {
  overview: 'M4 13h4v7H4zM10 4h4v16h-4zM16 9h4v11h-4z',
  logs: 'M4 6h16M4 12h16M4 18h10',
  providers: 'M5 7h14v4H5zM5 13h14v4H5zM8 9h.01M8 15h.01',
  keys: 'M14.5 9.5a3.5 3.5 0 1 1-7 0 3.5 3.5 0 0 1 7 0zM13.5 12 20 18.5M17 15.5l2-2M15.5 17l1.5-1.5',
  config: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
  playground: 'M7 4v16l13-8z',
  logout: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9',
  menu: 'M4 6h16M4 12h16M4 18h16',
  close: 'M6 6l12 12M18 6 6 18',
  plus: 'M12 5v14M5 12h14',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  info: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 16v-4M12 8h.01',
  warn: 'M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0zM12 9v4M12 17h.01',
  error: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM15 9l-6 6M9 9l6 6',
  inbox: 'M22 12h-6l-2 3h-4l-2-3H2M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1z',
  send: 'M22 2 11 13M22 2l-7 20-4-9-9-4z',
  stop: 'M6 6h12v12H6z',
  external: 'M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14 21 3',
  pause: 'M8 5v14M16 5v14',
};

export function icon(name, extra) {
  return svg('svg', { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linecap': 'round',
    'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false', ...extra }, svg('path', { d: ICONS[name] || '' }));
}

// ---------- formatting ----------
const intFmt = new Intl.NumberFormat('en-US');
export function fmtInt(n) {
  return n == null || Number.isNaN(n) ? '—' : intFmt.format(Math.round(n));
}
export function fmtCompact(n) {
  if (n == null) return '—';
  if (Math.abs(n) < 10000) return fmtInt(n);
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
/** USD with enough digits for fractions of a cent. */
export function fmtUsd(n, { zero = '$0.00' } = {}) {
  if (n == null || Number.isNaN(n)) return '—';
  if (n === 0) return zero;
  const abs = Math.abs(n);
  if (abs >= 100) return '$' + intFmt.format(Math.round(n));
  if (abs >= 1) return '$' + n.toFixed(2);
  if (abs >= 0.01) return '$' + n.toFixed(4).replace(/0{1,2}$/, '');
  const digits = Math.min(8, Math.max(4, 2 - Math.floor(Math.log10(abs)) + 1));
  return '$' + n.toFixed(digits).replace(/0+$/, '');
}
export function fmtMs(ms) {
  if (ms == null || Number.isNaN(ms)) return '—';
  if (ms < 1) return ms.toFixed(2) + ' ms';
  if (ms < 100) return ms.toFixed(1).replace(/\.0$/, '') + ' ms';
  if (ms < 10000) return Math.round(ms) + ' ms';
  return (ms / 1000).toFixed(1) + ' s';
}
export function fmtPct(x, digits = 1) {
  if (x == null || Number.isNaN(x)) return '—';
  return (x * 100).toFixed(digits).replace(/\.0+$/, '') + '%';
}
export function fmtDuration(ms) {
  if (ms == null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + String(s % 60).padStart(2, '0') + 's';
  const hh = Math.floor(m / 60);
  if (hh < 48) return hh + 'h ' + String(m % 60).padStart(2, '0') + 'm';
  return Math.floor(hh / 24) + 'd ' + (hh % 24) + 'h';
}
/** "in 4m 10s" / "3m ago" */
export function fmtRelative(iso, now = Date.now()) {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  const d = t - now;
  if (Math.abs(d) < 1500) return 'now';
  return d > 0 ? 'in ' + fmtDuration(d) : fmtDuration(-d) + ' ago';
}
export function fmtTime(iso, withDate = false) {
  if (!iso) return '—';
  const d = new Date(iso);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (sameDay && !withDate) return time;
  return d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' }) + ' ' + time;
}
export function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// ---------- small components ----------
export function badge(text, tone = '', props = {}) {
  return h('span', { class: ['badge', tone], ...props }, text);
}

/** The mark of an entity config.json owns (read-only here). */
export function fileBadge() {
  return h('span', { class: 'badge file', title: 'Declared in config.json: read-only here. Change it in the file.' }, 'config.json');
}

export function skeletonRows(cols, rows = 4) {
  const widths = ['70%', '45%', '60%', '35%', '55%', '40%', '50%', '30%'];
  return Array.from({ length: rows }, (_, r) => h('tr', { class: 'skeleton-row', 'aria-hidden': 'true' },
    Array.from({ length: cols }, (_, c) => h('td', null, h('span', { class: 'skeleton', style: { width: widths[(r + c) % widths.length] } })))));
}

export function spinner(label = 'Loading') {
  return h('span', { class: 'row muted', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label + '…');
}

export function empty(title, hint, action) {
  return h('div', { class: 'empty' }, icon('inbox'), h('strong', null, title), hint ? h('p', null, hint) : null, action || null);
}

export function callout(tone, ...content) {
  const name = tone === 'warn' ? 'warn' : tone === 'error' ? 'error' : 'info';
  return h('div', { class: ['callout', tone], role: tone === 'error' ? 'alert' : null }, icon(name), h('div', null, content));
}

/** A short error message for where a request failed. */
export function errorCallout(err, retry) {
  return callout('error', h('strong', null, errorTitle(err)), ' ', err.message || String(err),
    retry ? [' ', h('button', { class: 'linklike', type: 'button', onClick: retry }, 'Try again')] : null);
}

export function errorTitle(err) {
  if (!err || !err.status) return 'Could not reach Heimdall.';
  if (err.status === 403) return 'Not allowed.';
  if (err.status === 404) return 'Not found.';
  if (err.status === 409) return 'Conflict.';
  if (err.status === 503) return 'Unavailable.';
  if (err.status >= 500) return 'Heimdall failed.';
  return 'Request refused.';
}

export function toast(message, tone = '') {
  const host = document.getElementById('toasts');
  const t = h('div', { class: ['toast', tone] }, message);
  host.append(t);
  setTimeout(() => t.remove(), tone === 'error' || tone === 'warn' ? 8000 : 3500);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Fallback for non-secure contexts (http on a non-localhost host).
    const ta = h('textarea', { style: { position: 'fixed', left: '-9999px' }, 'aria-hidden': 'true' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
    return ok;
  }
}

/** Debounce */
export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

/** Each cell learns its column's name (data-label), which a phone shows when the table becomes a list of cards. */
export function responsive(table) {
  table.classList.add('responsive');
  const labels = [...table.tHead.rows[0].cells].map((th) => th.textContent.trim());
  for (const tr of table.tBodies[0].rows) labelRow(tr, labels);
  table.labels = labels;
  return table;
}
export function labelRow(tr, labels) {
  [...tr.cells].forEach((td, i) => { if (labels[i]) td.dataset.label = labels[i]; });
  return tr;
}
