// Dialogs, form fields and the mapping of the API's validation problems onto the fields they name.
import { h, icon, append, clear, callout, errorTitle } from './dom.js';
import { problemsOf } from './api.js';

let seq = 0;
export const uid = (p = 'f') => `${p}-${++seq}`;

/**
 * A modal <dialog>: Escape closes it, focus stays inside, and it is removed from the page once closed.
 * With onSubmit the content is a <form>, so Enter submits.
 */
export function openDialog({ title, body = [], foot = [], wide = false, drawer = false, onSubmit, onClose, label }) {
  const titleId = uid('dlg');
  const dlg = h('dialog', { class: [wide && 'wide', drawer && 'drawer'], 'aria-labelledby': titleId });
  const closeBtn = h('button', { type: 'button', class: 'btn ghost sm', 'aria-label': 'Close', onClick: () => close() }, icon('close'));
  const bodyEl = h('div', { class: 'dialog-body' }, body);
  const footEl = foot.length ? h('div', { class: 'dialog-foot' }, foot) : null;
  const head = h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), label || null, closeBtn);
  let busy = false;
  if (onSubmit) {
    const form = h('form', { novalidate: true, onSubmit: async (e) => {
      e.preventDefault();
      if (busy) return;
      busy = true;
      try { await onSubmit(e); } finally { busy = false; }
    } }, head, bodyEl, footEl);
    dlg.append(form);
  } else {
    append(dlg, head, bodyEl, footEl);
  }
  dlg.addEventListener('cancel', (e) => { if (busy) e.preventDefault(); });
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (onClose) onClose();
  });
  // A click on the backdrop (the dialog element itself, outside its box) closes it.
  dlg.addEventListener('mousedown', (e) => {
    if (e.target !== dlg || busy) return;
    const r = dlg.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) close();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = bodyEl.querySelector('[autofocus], input:not([type=hidden]):not([disabled]), select, textarea');
  (first || (footEl && footEl.querySelector('.btn.primary')) || closeBtn).focus();
  function close() {
    if (dlg.open) dlg.close();
  }
  return { dlg, body: bodyEl, foot: footEl, close, setBusy: (b) => { busy = b; } };
}

/** Shows a spinner in a button and disables it while work runs. */
export function busyButton(btn, busy, busyLabel) {
  if (busy) {
    btn.dataset.label = btn.textContent;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    clear(btn).append(h('span', { class: 'spinner', 'aria-hidden': 'true' }), busyLabel || btn.dataset.label);
  } else {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    if (btn.dataset.label != null) clear(btn).append(btn.dataset.label);
  }
}

/** A confirmation; `action` runs on confirm, its error is shown in the dialog. Resolves true once done. */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = false, action }) {
  return new Promise((resolve) => {
    const errBox = h('div', { class: 'slot' });
    const ok = h('button', { type: 'submit', class: ['btn', danger ? 'danger solid' : 'primary'], 'data-test': 'confirm' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn', onClick: () => d.close() }, 'Cancel');
    let done = false;
    const d = openDialog({
      title,
      body: [h('div', { class: 'stack-sm' }, message), errBox],
      foot: [cancel, ok],
      onSubmit: async () => {
        busyButton(ok, true, confirmLabel);
        clear(errBox);
        try {
          if (action) await action();
          done = true;
          d.close();
        } catch (e) {
          errBox.append(callout('error', h('strong', null, errorTitle(e)), ' ', e.message));
          busyButton(ok, false);
        }
      },
      onClose: () => resolve(done),
    });
    ok.focus();
  });
}

/** A labelled form field with its hint and its error line. */
export function field({ label, input, hint, full = false, optional = false }) {
  const id = input.id || uid();
  input.id = id;
  const errId = id + '-err';
  const hintId = hint ? id + '-hint' : null;
  const err = h('div', { class: 'error', id: errId, hidden: true });
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const el = h('div', { class: ['field', full && 'full'] },
    h('label', { for: id }, label, optional ? h('span', { class: 'muted', style: { fontWeight: 400 } }, ' (optional)') : null),
    input, hint ? h('div', { class: 'hint', id: hintId }, hint) : null, err);
  return {
    el, input,
    setError(msg) {
      el.classList.add('invalid');
      err.hidden = false;
      err.textContent = msg ? msg[0].toUpperCase() + msg.slice(1) : msg;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
    },
    clear() {
      el.classList.remove('invalid');
      err.hidden = true;
      err.textContent = '';
      input.removeAttribute('aria-invalid');
      if (hintId) input.setAttribute('aria-describedby', hintId); else input.removeAttribute('aria-describedby');
    },
  };
}

/**
 * Puts each problem of a refused write next to the field whose path it names ($.name, $.budget.max_limit…);
 * what names no field is listed at the top of the form.
 */
export function formErrors(topEl) {
  const bound = [];
  const api = {
    bind(path, f) {
      bound.push([path, f]);
      return f;
    },
    clear() {
      bound.forEach(([, f]) => f.clear());
      clear(topEl);
    },
    show(err) {
      api.clear();
      const problems = problemsOf(err);
      const unmatched = [];
      let firstField = null;
      for (const p of problems) {
        const f = match(p.path);
        if (f) {
          f.setError(p.reason);
          firstField = firstField || f;
        } else {
          unmatched.push(p);
        }
      }
      if (!problems.length || unmatched.length) {
        const list = unmatched.length ? h('ul', null, unmatched.map((p) => h('li', null, h('code', null, p.path), ' ', p.reason))) : null;
        topEl.append(h('div', { class: 'form-problems', role: 'alert' }, h('strong', null, errorTitle(err)), ' ',
          problems.length ? 'Some problems name no field of this form:' : err.message, list));
      }
      if (firstField) firstField.input.focus();
    },
  };
  function match(path) {
    let best = null;
    for (const [p, f] of bound) {
      if (path === p || path.startsWith(p + '.') || path.startsWith(p + '[')) {
        if (!best || p.length > best[0].length) best = [p, f];
      }
    }
    if (best) return best[1];
    const child = bound.find(([p]) => p.startsWith(path + '.') || p.startsWith(path + '['));
    return child ? child[1] : null;
  }
  return api;
}

/** "a, b ,c" → ["a","b","c"] */
export function splitList(text) {
  return String(text || '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}

/** A number input's value, or null when empty. */
export function numberOrNull(input) {
  const v = input.value.trim();
  if (v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : v; // a non-number goes to the API, which names the problem
}

/** Reset windows the API accepts, for selects. */
export const WINDOWS = [['1m', '1 minute'], ['1h', '1 hour'], ['1d', '1 day'], ['1w', '1 week'], ['1M', '1 month'], ['1Y', '1 year']];

export function windowSelect(value, extra = {}) {
  const opts = WINDOWS.slice();
  if (value && !opts.some(([v]) => v === value)) opts.push([value, value]);
  return h('select', extra, opts.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
}

export function windowLabel(w) {
  const m = /^(\d+)([smhdwMY])$/.exec(w || '');
  if (!m) return w || '';
  const units = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', M: 'month', Y: 'year' };
  const n = Number(m[1]);
  return n === 1 ? 'per ' + units[m[2]] : `per ${n} ${units[m[2]]}s`;
}

/** A "more actions" menu: a button opening a list of actions; arrows move, Escape closes, focus returns. */
export function menuButton(label, items, { icon: ic } = {}) {
  const id = uid('menu');
  const btn = h('button', { type: 'button', class: 'btn sm', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': id, 'aria-label': label, title: label }, ic || '⋯');
  const menu = h('div', { class: 'menu', role: 'menu', id, hidden: true });
  const wrap = h('span', { class: 'menu-wrap' }, btn, menu);
  const buttons = items.filter(Boolean).map((it) => h('button', { type: 'button', role: 'menuitem', class: it.danger ? 'danger' : null, tabindex: '-1', 'data-action': it.action || null,
    onClick: () => { close(false); it.onClick(); } }, it.label));
  menu.append(...buttons);
  const outside = (e) => { if (!wrap.contains(e.target)) close(false); };
  function open() {
    menu.hidden = false;
    btn.setAttribute('aria-expanded', 'true');
    // Fixed to the viewport, so a scrolling table does not clip it.
    const r = btn.getBoundingClientRect();
    const up = window.innerHeight - r.bottom < 40 * buttons.length + 16;
    menu.style.right = Math.max(8, window.innerWidth - r.right) + 'px';
    menu.style.top = up ? '' : r.bottom + 4 + 'px';
    menu.style.bottom = up ? window.innerHeight - r.top + 4 + 'px' : '';
    buttons[0].focus({ preventScroll: true });
    document.addEventListener('mousedown', outside);
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onScroll);
  }
  function close(refocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    btn.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside);
    window.removeEventListener('scroll', onScroll, true);
    window.removeEventListener('resize', onScroll);
    if (refocus) btn.focus();
  }
  function onScroll() { close(false); }
  btn.addEventListener('click', () => (menu.hidden ? open() : close(true)));
  menu.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') { e.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
    else if (e.key === 'Home') { e.preventDefault(); buttons[0].focus(); }
    else if (e.key === 'End') { e.preventDefault(); buttons[buttons.length - 1].focus(); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(true); }
    else if (e.key === 'Tab') close(false);
  });
  return wrap;
}

/** "1h" → "hour", "5m" → "5 min", "1M" → "month" */
export function windowShort(w) {
  const m = /^(\d+)([smhdwMY])$/.exec(w || '');
  if (!m) return w || '';
  const units = { s: 'sec', m: 'min', h: 'hour', d: 'day', w: 'week', M: 'month', Y: 'year' };
  return m[1] === '1' ? units[m[2]] : `${m[1]} ${units[m[2]]}`;
}
