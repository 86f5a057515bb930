import { h, replace, clear, responsive, badge, fileBadge, empty, errorCallout, callout, skeletonRows, icon, toast, fmtInt, fmtUsd, fmtRelative, fmtDateTime, copyText } from '../dom.js';
import { get, post, put, del, enc } from '../api.js';
import { openDialog, confirmDialog, field, formErrors, busyButton, numberOrNull, windowSelect, windowShort, uid, menuButton } from '../ui.js';
import { ownershipNote } from './providers.js';
import { setPlaygroundKey } from '../state.js';

const TABS = [['keys', 'Virtual keys', '#/keys'], ['teams', 'Teams', '#/keys/teams'], ['customers', 'Customers', '#/keys/customers']];

export default function render(outlet, route) {
  const tab = ['teams', 'customers'].includes(route.parts[0]) ? route.parts[0] : 'keys';
  const data = { keys: [], teams: [], customers: [], providers: [] };
  const counts = {};
  const content = h('div', { class: 'stack' });
  const errorBox = h('div', { class: 'slot' });
  const addLabel = { keys: 'Create virtual key', teams: 'Create team', customers: 'Create customer' }[tab];
  let seq = 0;

  outlet.append(h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('div', { class: 'titles' }, h('h1', null, 'Virtual keys'),
        h('p', null, 'Keys your clients present (sk-bf-…), with the providers and models they may use, their budgets and rate limits.')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', id: 'create-' + tab, onClick: () => create() }, icon('plus'), addLabel))),
    h('nav', { class: 'tabs', 'aria-label': 'Governance' }, TABS.map(([k, l, href]) => {
      counts[k] = h('span', { class: 'count' });
      return h('a', { href, 'aria-current': k === tab ? 'page' : null }, l, counts[k]);
    })),
    ownershipNote(), errorBox, content));

  replace(content, h('section', { class: 'card' }, h('table', { class: 'table' }, h('tbody', null, skeletonRows(6, 4)))));
  load();
  const poll = setInterval(() => load(true), 15000);

  async function load(quiet = false) {
    const mine = ++seq;
    try {
      const [keys, teams, customers, providers] = await Promise.all([
        get('/api/governance/virtual-keys'), get('/api/governance/teams'), get('/api/governance/customers'),
        tab === 'keys' ? get('/api/providers') : Promise.resolve({ providers: data.providers }),
      ]);
      if (mine !== seq) return;
      const next = { keys: keys.virtual_keys, teams: teams.teams, customers: customers.customers, providers: providers.providers };
      const same = quiet && JSON.stringify(next) === JSON.stringify(data);
      Object.assign(data, next);
      counts.keys.textContent = String(keys.total_count ?? keys.virtual_keys.length);
      counts.teams.textContent = String(teams.total_count ?? teams.teams.length);
      counts.customers.textContent = String(customers.total_count ?? customers.customers.length);
      clear(errorBox);
      if (!same) draw();
    } catch (e) {
      if (mine !== seq) return;
      if (!quiet) { replace(errorBox, errorCallout(e, () => load())); clear(content); }
    }
  }

  function draw() {
    if (tab === 'keys') replace(content, keysTable());
    else if (tab === 'teams') replace(content, teamsTable());
    else replace(content, customersTable());
  }

  function create() {
    if (tab === 'keys') vkDialog(null);
    else groupDialog(tab, null);
  }

  // ---------- virtual keys ----------
  function keysTable() {
    if (!data.keys.length) {
      return h('section', { class: 'card' }, empty('No virtual keys yet', 'Create one to give a client its own providers, models, budget and rate limit.',
        h('button', { type: 'button', class: 'btn primary', onClick: () => vkDialog(null) }, icon('plus'), 'Create virtual key')));
    }
    return h('section', { class: 'card' }, h('div', { class: 'table-wrap' }, responsive(h('table', { class: 'table', id: 'vk-table' },
      h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Status · owner'),
        h('th', null, 'Provider access'), h('th', null, 'Usage'), h('th', { class: 'hide-sm' }, 'Next reset'), h('th', null, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', null, data.keys.map(vkRow))))));
  }

  function vkRow(k) {
    const api = k.source === 'api';
    const resets = (k.limits || []).map((l) => l.resets_at).filter(Boolean).sort()[0];
    return h('tr', { 'data-vk': k.name },
      h('td', { class: 'primary-cell name-cell' }, k.name, h('span', { class: 'sub mono' }, k.id), k.description ? h('span', { class: 'sub' }, k.description) : null),
      h('td', { class: 'nowrap' }, statusBadge(k), k.expires_at ? h('span', { class: 'sub' }, (new Date(k.expires_at) < new Date() ? 'expired ' : 'expires ') + fmtRelative(k.expires_at)) : null,
        k.team_id || k.customer_id ? h('span', { class: 'sub', style: { marginTop: '4px' } }, ownerText(k)) : null),
      h('td', null, access(k.provider_configs)),
      h('td', null, (k.limits || []).length ? h('div', { class: 'meters' }, k.limits.map((l) => limitMeter(l, k))) : h('span', { class: 'muted' }, 'No limits')),
      h('td', { class: 'hide-sm nowrap' }, resets ? h('span', { title: fmtDateTime(resets) }, fmtRelative(resets)) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'actions' }, api ? [
        h('button', { type: 'button', class: 'btn sm', 'data-action': 'edit', onClick: () => vkDialog(k) }, 'Edit'), ' ',
        menuButton(`More actions for ${k.name}`, [
          { label: 'Rotate value…', action: 'rotate', onClick: () => rotate(k) },
          { label: k.is_active ? 'Deactivate' : 'Activate', action: k.is_active ? 'deactivate' : 'activate', onClick: () => setActive(k, !k.is_active) },
          { label: 'Delete…', action: 'delete', danger: true, onClick: () => remove('virtual-keys', k, 'virtual key') },
        ]),
      ] : fileBadge()));
  }

  function ownerText(x) {
    if (x.team_id) {
      const t = data.teams.find((t) => t.id === x.team_id);
      return [h('span', { class: 'muted' }, 'Team '), t ? t.name : x.team_id];
    }
    if (x.customer_id) {
      const c = data.customers.find((c) => c.id === x.customer_id);
      return [h('span', { class: 'muted' }, 'Customer '), c ? c.name : x.customer_id];
    }
    return h('span', { class: 'muted' }, '—');
  }

  function setActive(k, active) {
    put(`/api/governance/virtual-keys/${enc(k.id)}`, { is_active: active })
      .then(() => { toast(`${k.name} ${active ? 'activated' : 'deactivated'}`); load(); })
      .catch((e) => toast(e.message, 'error'));
  }

  function rotate(k) {
    let value = null;
    confirmDialog({
      title: `Rotate ${k.name}?`,
      message: [h('p', null, 'Heimdall gives the key a new value. '), callout('warn', h('strong', null, 'The current value stops working at once. '), 'Clients using it are refused until they get the new one.')],
      confirmLabel: 'Rotate key', danger: true,
      action: async () => { value = (await post(`/api/governance/virtual-keys/${enc(k.id)}/rotate`)).virtual_key.value; },
    }).then((ok) => {
      if (!ok) return;
      load();
      if (value) showOnce(`New value of ${k.name}`, value);
    });
  }

  function remove(path, x, label) {
    confirmDialog({
      title: `Delete ${label} ${x.name}?`,
      message: h('p', null, path === 'virtual-keys'
        ? 'Clients presenting it are refused at once. Its budgets and rate limit created here are deleted with it.'
        : `Its budgets and rate limit created here are deleted with it. A ${label} still named by a virtual key${path === 'customers' ? ' or team' : ''} cannot be deleted.`),
      confirmLabel: 'Delete', danger: true,
      action: () => del(`/api/governance/${path}/${enc(x.id)}`),
    }).then((ok) => { if (ok) { toast(`${x.name} deleted`); load(); } });
  }

  function vkDialog(k) {
    const editing = !!k;
    const top = h('div', { class: 'slot' });
    const errors = formErrors(top);
    const name = h('input', { type: 'text', required: true, value: k ? k.name : '', autocomplete: 'off', id: 'vk-name', placeholder: 'ci-bot' });
    const desc = h('input', { type: 'text', value: (k && k.description) || '', id: 'vk-description', placeholder: 'What this key is for' });
    const owner = h('select', { id: 'vk-owner' }, h('option', { value: '' }, 'None'),
      data.teams.length ? h('optgroup', { label: 'Teams' }, data.teams.map((t) => h('option', { value: 'team:' + t.id, selected: k && k.team_id === t.id }, t.name))) : null,
      data.customers.length ? h('optgroup', { label: 'Customers' }, data.customers.map((c) => h('option', { value: 'customer:' + c.id, selected: k && k.customer_id === c.id }, c.name))) : null);
    const expires = h('input', { type: 'datetime-local', id: 'vk-expires', value: k && k.expires_at ? toLocalInput(k.expires_at) : '' });
    const fName = errors.bind('$.name', field({ label: 'Name', input: name }));
    const fDesc = errors.bind('$.description', field({ label: 'Description', input: desc, optional: true }));
    const fOwner = field({ label: 'Team or customer', input: owner, optional: true, hint: 'Its budgets and limits apply to this key too.' });
    errors.bind('$.team_id', fOwner);
    errors.bind('$.customer_id', fOwner);
    const fExpires = errors.bind('$.expires_at', field({ label: 'Expires', input: expires, optional: true, hint: 'Your local time. Empty: never.' }));

    // Provider access
    const accessRows = [];
    const accessBox = h('div', { class: 'stack-sm', id: 'vk-access' });
    data.providers.forEach((p) => {
      const existing = k ? (k.provider_configs || []).find((a) => a.provider === p.name) : null;
      const known = [...new Set((p.keys || []).flatMap((x) => x.models || []).filter((m) => m !== '*'))];
      const allowed = existing ? existing.allowed_models || ['*'] : ['*'];
      const allByDefault = !existing || allowed.includes('*');
      const on = h('input', { type: 'checkbox', checked: editing ? !!existing : data.providers.length === 1, 'data-provider': p.name, id: uid('acc') });
      const all = h('input', { type: 'checkbox', checked: allByDefault, 'data-all': p.name });
      const models = known.map((m) => h('input', { type: 'checkbox', value: m, checked: !allByDefault && allowed.includes(m), 'data-model': m }));
      const free = known.length ? null : h('input', { type: 'text', placeholder: 'model-a, model-b', value: allByDefault ? '' : allowed.join(', '), 'aria-label': `Models of ${p.name}` });
      const modelsBox = h('div', { class: 'row wrap', style: { paddingLeft: '23px', gap: '6px 14px' } },
        h('label', { class: 'check' }, all, 'All models'),
        models.map((cb) => h('label', { class: 'check mono small' }, cb, cb.value)),
        free);
      const err = h('div', { class: 'error', hidden: true, style: { paddingLeft: '23px' } });
      const sync = () => {
        modelsBox.hidden = !on.checked;
        models.forEach((cb) => { cb.disabled = all.checked; });
        if (free) free.disabled = all.checked;
      };
      on.addEventListener('change', sync);
      all.addEventListener('change', sync);
      sync();
      const row = h('div', { class: 'stack-sm', style: { gap: '6px' } }, h('label', { class: 'check', for: on.id }, on, h('strong', null, p.name)), modelsBox, err);
      accessRows.push({ p, on, all, models, free, existing, err, row });
      accessBox.append(row);
    });
    if (!data.providers.length) accessBox.append(h('p', { class: 'muted' }, 'No providers are configured yet.'));
    const accessErr = h('div', { class: 'error', hidden: true });
    const accessField = {
      input: accessRows[0] ? accessRows[0].on : accessBox,
      setError(msg) { accessErr.hidden = false; accessErr.textContent = msg; },
      clear() { accessErr.hidden = true; accessErr.textContent = ''; accessRows.forEach((r) => { r.err.hidden = true; }); },
    };
    errors.bind('$.provider_configs', accessField);
    accessRows.forEach((r, i) => errors.bind(`$.provider_configs[${i}]`, {
      input: r.on, setError(msg) { r.err.hidden = false; r.err.textContent = msg; }, clear() { r.err.hidden = true; },
    }));

    // Budget and rate limit
    const inlineBudget = k ? (k.budgets || []).find((b) => b.inline) : null;
    const otherBudgets = k ? (k.budgets || []).filter((b) => b !== inlineBudget) : [];
    const budgetMax = h('input', { type: 'number', min: '0', step: 'any', id: 'vk-budget', placeholder: 'No budget', value: inlineBudget ? String(inlineBudget.max_limit) : '' });
    const budgetWin = windowSelect(inlineBudget ? inlineBudget.reset_duration : '1M', { id: 'vk-budget-window' });
    const fBudget = errors.bind('$.budget.max_limit', field({ label: 'Budget (USD)', input: budgetMax, optional: true }));
    const fBudgetWin = errors.bind('$.budget.reset_duration', field({ label: 'Resets', input: budgetWin }));
    errors.bind('$.budget', fBudget);
    errors.bind('$.budgets', fBudget);
    const inlineRl = k && k.rate_limit_inline;
    const rlOf = (kind) => (inlineRl ? (k.limits || []).find((l) => l.kind === kind && l.id === k.rate_limit_id) : null);
    const rq = rlOf('requests');
    const tk = rlOf('tokens');
    const reqMax = h('input', { type: 'number', min: '1', step: '1', id: 'vk-req-limit', placeholder: 'No limit', value: rq ? String(rq.max) : '' });
    const reqWin = windowSelect(rq ? rq.window : '1m', { id: 'vk-req-window' });
    const tokMax = h('input', { type: 'number', min: '1', step: '1', id: 'vk-tok-limit', placeholder: 'No limit', value: tk ? String(tk.max) : '' });
    const tokWin = windowSelect(tk ? tk.window : '1h', { id: 'vk-tok-window' });
    const fReq = errors.bind('$.rate_limit.request_max_limit', field({ label: 'Requests', input: reqMax, optional: true }));
    const fReqWin = errors.bind('$.rate_limit.request_reset_duration', field({ label: 'Per', input: reqWin }));
    const fTok = errors.bind('$.rate_limit.token_max_limit', field({ label: 'Tokens', input: tokMax, optional: true }));
    const fTokWin = errors.bind('$.rate_limit.token_reset_duration', field({ label: 'Per', input: tokWin }));
    errors.bind('$.rate_limit', fReq);
    errors.bind('$.rate_limit_id', fReq);
    const sharedRl = k && k.rate_limit_id && !inlineRl ? k.rate_limit_id : null;

    const save = h('button', { type: 'submit', class: 'btn primary', id: 'vk-save' }, editing ? 'Save changes' : 'Create key');
    const d = openDialog({
      title: editing ? `Edit ${k.name}` : 'Create virtual key',
      wide: true,
      body: [top,
        h('div', { class: 'fields' }, fName.el, fDesc.el, fOwner.el, fExpires.el),
        h('fieldset', null, h('legend', null, 'Provider access'), accessErr, accessBox),
        h('fieldset', null, h('legend', null, 'Budget'),
          otherBudgets.length ? h('p', { class: 'muted small', style: { marginBottom: '8px' } }, `Also limited by ${otherBudgets.map((b) => b.id).join(', ')} (managed separately).`) : null,
          h('div', { class: 'fields' }, fBudget.el, fBudgetWin.el)),
        h('fieldset', null, h('legend', null, 'Rate limit'),
          sharedRl ? h('p', { class: 'muted small', style: { marginBottom: '8px' } }, `Uses the rate limit ${sharedRl}. Filling these in gives the key its own instead.`) : null,
          h('div', { class: 'fields' }, fReq.el, fReqWin.el, fTok.el, fTokWin.el))],
      foot: [h('button', { type: 'button', class: 'btn', onClick: () => d.close() }, 'Cancel'), save],
      onSubmit: async () => {
        errors.clear();
        const body = { name: name.value.trim(), description: desc.value.trim() || null };
        const [ownerKind, ownerId] = owner.value ? owner.value.split(/:(.*)/s) : [null, null];
        body.team_id = ownerKind === 'team' ? ownerId : null;
        body.customer_id = ownerKind === 'customer' ? ownerId : null;
        body.expires_at = expires.value ? new Date(expires.value).toISOString() : null;
        body.provider_configs = accessRows.filter((r) => r.on.checked).map((r) => {
          let allowed = ['*'];
          if (!r.all.checked) allowed = r.free ? r.free.value.split(',').map((s) => s.trim()).filter(Boolean) : r.models.filter((cb) => cb.checked).map((cb) => cb.value);
          const base = r.existing ? Object.fromEntries(Object.entries(r.existing).filter(([, v]) => v != null)) : { provider: r.p.name, weight: 1 };
          return { ...base, allowed_models: allowed };
        });
        if (budgetMax.value.trim() !== '') body.budget = { max_limit: numberOrNull(budgetMax), reset_duration: budgetWin.value };
        else if (inlineBudget) body.budget = null;
        if (reqMax.value.trim() !== '' || tokMax.value.trim() !== '') {
          body.rate_limit = {};
          if (reqMax.value.trim() !== '') Object.assign(body.rate_limit, { request_max_limit: numberOrNull(reqMax), request_reset_duration: reqWin.value });
          if (tokMax.value.trim() !== '') Object.assign(body.rate_limit, { token_max_limit: numberOrNull(tokMax), token_reset_duration: tokWin.value });
        } else if (inlineRl) {
          body.rate_limit = null;
        }
        if (!editing) {
          for (const f of ['description', 'team_id', 'customer_id', 'expires_at']) if (body[f] == null) delete body[f];
        }
        busyButton(save, true, editing ? 'Saving' : 'Creating');
        try {
          if (editing) {
            await put(`/api/governance/virtual-keys/${enc(k.id)}`, body);
            d.close();
            toast(`${body.name} saved`);
          } else {
            const res = await post('/api/governance/virtual-keys', body);
            d.close();
            showOnce(`Virtual key ${res.virtual_key.name} created`, res.virtual_key.value);
          }
          load();
        } catch (e) {
          errors.show(e);
        } finally {
          busyButton(save, false);
        }
      },
    });
  }

  // ---------- teams & customers ----------
  function teamsTable() {
    return groupTable('teams', data.teams, 'No teams yet', 'A team groups virtual keys under one budget and rate limit.');
  }

  function customersTable() {
    return groupTable('customers', data.customers, 'No customers yet', 'A customer groups teams and virtual keys under one budget and rate limit.');
  }

  function groupTable(kind, items, title, hint) {
    if (!items.length) {
      return h('section', { class: 'card' }, empty(title, hint, h('button', { type: 'button', class: 'btn primary', onClick: () => groupDialog(kind, null) }, icon('plus'), kind === 'teams' ? 'Create team' : 'Create customer')));
    }
    const members = (x) => data.keys.filter((k) => (kind === 'teams' ? k.team_id : k.customer_id) === x.id).length
      + (kind === 'customers' ? data.teams.filter((t) => t.customer_id === x.id).length : 0);
    return h('section', { class: 'card' }, h('div', { class: 'table-wrap' }, responsive(h('table', { class: 'table', id: kind + '-table' },
      h('thead', null, h('tr', null, h('th', null, 'Name'), kind === 'teams' ? h('th', null, 'Customer') : null, h('th', { class: 'num' }, kind === 'teams' ? 'Keys' : 'Teams & keys'),
        h('th', null, 'Budgets'), h('th', { class: 'hide-sm' }, 'Rate limit'), h('th', null, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', null, items.map((x) => h('tr', { 'data-id': x.id },
        h('td', { class: 'primary-cell name-cell' }, x.name, h('span', { class: 'sub mono' }, x.id)),
        kind === 'teams' ? h('td', null, x.customer_id ? (data.customers.find((c) => c.id === x.customer_id) || { name: x.customer_id }).name : h('span', { class: 'muted' }, '—')) : null,
        h('td', { class: 'num' }, fmtInt(members(x))),
        h('td', null, (x.budgets || []).length ? h('div', { class: 'meters' }, x.budgets.map((b) => budgetMeter(b))) : h('span', { class: 'muted' }, 'No budget')),
        h('td', { class: 'hide-sm' }, x.rate_limit_id ? h('code', null, x.rate_limit_id) : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'actions' }, x.source === 'api' ? [
          h('button', { type: 'button', class: 'btn sm', onClick: () => groupDialog(kind, x) }, 'Edit'),
          h('button', { type: 'button', class: 'btn sm danger', onClick: () => remove(kind, x, kind === 'teams' ? 'team' : 'customer') }, 'Delete'),
        ] : fileBadge()))))))));
  }

  function groupDialog(kind, x) {
    const editing = !!x;
    const label = kind === 'teams' ? 'team' : 'customer';
    const top = h('div', { class: 'slot' });
    const errors = formErrors(top);
    const name = h('input', { type: 'text', required: true, value: x ? x.name : '', id: 'group-name', autocomplete: 'off' });
    const fName = errors.bind('$.name', field({ label: 'Name', input: name }));
    let customer = null;
    let fCustomer = null;
    if (kind === 'teams') {
      customer = h('select', { id: 'group-customer' }, h('option', { value: '' }, 'None'), data.customers.map((c) => h('option', { value: c.id, selected: x && x.customer_id === c.id }, c.name)));
      fCustomer = errors.bind('$.customer_id', field({ label: 'Customer', input: customer, optional: true }));
    }
    const inline = x ? (x.budgets || []).find((b) => b.inline) : null;
    const max = h('input', { type: 'number', min: '0', step: 'any', id: 'group-budget', placeholder: 'No budget', value: inline ? String(inline.max_limit) : '' });
    const win = windowSelect(inline ? inline.reset_duration : '1M', { id: 'group-budget-window' });
    const fMax = errors.bind('$.budget.max_limit', field({ label: 'Budget (USD)', input: max, optional: true }));
    const fWin = errors.bind('$.budget.reset_duration', field({ label: 'Resets', input: win }));
    errors.bind('$.budget', fMax);
    const save = h('button', { type: 'submit', class: 'btn primary' }, editing ? 'Save changes' : `Create ${label}`);
    const d = openDialog({
      title: editing ? `Edit ${x.name}` : `Create ${label}`,
      body: [top, h('div', { class: 'fields' }, h('div', { class: 'full' }, fName.el), fCustomer ? h('div', { class: 'full' }, fCustomer.el) : null, fMax.el, fWin.el)],
      foot: [h('button', { type: 'button', class: 'btn', onClick: () => d.close() }, 'Cancel'), save],
      onSubmit: async () => {
        errors.clear();
        const body = { name: name.value.trim() };
        if (customer) { if (customer.value) body.customer_id = customer.value; else if (editing) body.customer_id = null; }
        if (max.value.trim() !== '') body.budget = { max_limit: numberOrNull(max), reset_duration: win.value };
        else if (inline) body.budget = null;
        busyButton(save, true, 'Saving');
        try {
          if (editing) await put(`/api/governance/${kind}/${enc(x.id)}`, body);
          else await post(`/api/governance/${kind}`, body);
          d.close();
          toast(editing ? `${body.name} saved` : `${label[0].toUpperCase() + label.slice(1)} ${body.name} created`);
          load();
        } catch (e) {
          errors.show(e);
        } finally {
          busyButton(save, false);
        }
      },
    });
  }

  return () => { seq++; clearInterval(poll); };
}

function statusBadge(k) {
  if (!k.is_active) return badge('Inactive', '');
  if (k.expires_at && new Date(k.expires_at) < new Date()) return badge('Expired', 'red');
  return badge('Active', 'green');
}

function access(configs) {
  if (!configs || !configs.length) return h('span', { class: 'muted' }, 'No provider');
  return h('div', { class: 'stack-sm', style: { gap: '4px' } }, configs.map((a) => {
    const all = !a.allowed_models || a.allowed_models.includes('*');
    return h('div', { class: 'row wrap', style: { gap: '4px' } }, h('strong', { style: { fontWeight: 500, marginRight: '2px' } }, a.provider),
      all ? h('span', { class: 'muted small' }, 'all models') : a.allowed_models.map((m) => h('span', { class: 'chip' }, m)));
  }));
}

const KIND = { requests: 'Requests', request: 'Requests', tokens: 'Tokens', token: 'Tokens', budget: 'Budget' };

function meter({ label, used, reserved, max, format, title }) {
  const frac = max > 0 ? (used + reserved) / max : 0;
  const pct = (v) => Math.min(100, max > 0 ? (v / max) * 100 : 0).toFixed(1) + '%';
  return h('div', { class: ['meter', frac >= 1 ? 'full' : frac > 0.8 ? 'warn' : ''], title },
    h('div', { class: 'meter-label' }, h('span', null, label), h('span', { class: 'num' }, `${format(used + reserved)} / ${format(max)}`)),
    h('div', { class: 'track', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(max), 'aria-valuenow': String(used + reserved), 'aria-label': label },
      h('div', { class: 'used', style: { width: pct(used) } }), reserved > 0 ? h('div', { class: 'reserved', style: { width: pct(reserved) } }) : null));
}

function limitMeter(l, k) {
  const usd = l.kind === 'budget';
  const own = l.owner === `virtual key ${k.name}`;
  const whose = own ? '' : l.owner.startsWith(`virtual key ${k.name} on `) ? ` · ${l.owner.slice(`virtual key ${k.name} on `.length)}` : ` · ${l.owner.split(' ')[0]}`;
  const label = `${KIND[l.kind] || l.kind} / ${windowShort(l.window)}${whose}`;
  return meter({
    label, used: l.used || 0, reserved: l.reserved || 0, max: l.max,
    format: usd ? (v) => fmtUsd(v, { zero: '$0' }) : fmtInt,
    title: `${l.id} (${l.owner}): ${usd ? fmtUsd(l.used) : fmtInt(l.used)} used${l.reserved ? `, ${usd ? fmtUsd(l.reserved) : fmtInt(l.reserved)} reserved by requests in flight` : ''}; resets ${fmtDateTime(l.resets_at)}`,
  });
}

function budgetMeter(b) {
  const inline = b.inline;
  return meter({
    label: `${inline ? 'Budget' : b.id} / ${windowShort(b.reset_duration)}`, used: b.spent_usd || 0, reserved: b.reserved_usd || 0, max: b.max_limit,
    format: (v) => fmtUsd(v, { zero: '$0' }), title: `${b.id}: resets ${fmtDateTime(b.resets_at)}`,
  });
}

function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The generated value, shown this once with a copy button. */
function showOnce(title, value) {
  const copyBtn = h('button', { type: 'button', class: 'btn sm', id: 'copy-secret', onClick: async () => {
    const ok = await copyText(value);
    copyBtn.lastChild.textContent = ok ? 'Copied' : 'Copy failed';
  } }, icon('copy'), h('span', null, 'Copy'));
  const d = openDialog({
    title,
    body: [
      callout('warn', h('strong', null, 'Copy this value now: you will not see it again. '), 'Heimdall keeps only its SHA-256, so nobody can show it later. If it is lost, rotate the key.'),
      h('div', { class: 'secret-box' }, h('code', { id: 'vk-secret' }, value), copyBtn),
      h('div', { class: 'stack-sm' }, h('span', { class: 'muted small' }, 'Clients send it as a bearer token:'),
        h('pre', { class: 'json', style: { borderRadius: '6px', maxHeight: 'none', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } },
          `curl ${location.origin}/v1/chat/completions \\\n  -H "Authorization: Bearer $HEIMDALL_VIRTUAL_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": "…", "messages": [{"role": "user", "content": "Hello"}]}'`)),
    ],
    foot: [
      h('button', { type: 'button', class: 'btn', onClick: () => { setPlaygroundKey(value); d.close(); location.hash = '#/playground'; } }, icon('playground'), 'Try it in the Playground'),
      h('button', { type: 'button', class: 'btn primary', id: 'secret-done', onClick: () => d.close() }, 'I have copied it'),
    ],
  });
}
