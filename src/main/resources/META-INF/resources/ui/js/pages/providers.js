import { h, replace, clear, responsive, badge, fileBadge, empty, errorCallout, callout, skeletonRows, icon, toast, fmtDuration, fmtInt } from '../dom.js';
import { get, post, put, del, enc } from '../api.js';
import { openDialog, confirmDialog, field, formErrors, busyButton, splitList, menuButton } from '../ui.js';

// Heimdall's built-in providers (the API has no list of them).
const BUILT_IN = ['openai', 'anthropic', 'azure', 'gemini', 'mistral', 'groq', 'cohere', 'perplexity', 'xai', 'cerebras', 'deepseek',
  'openrouter', 'fireworks', 'huggingface', 'nebius', 'parasail', 'ollama', 'sgl', 'vllm', 'bedrock', 'vertex'];
const FAMILY = { openai_compatible: 'OpenAI-compatible', anthropic: 'Anthropic', azure_openai: 'Azure OpenAI', unsupported: 'Unsupported' };

export default function render(outlet) {
  const list = h('div', { class: 'stack', id: 'providers' });
  const errorBox = h('div', { class: 'slot' });
  let providers = [];
  let fetchedAt = 0;
  let seq = 0;

  outlet.append(h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('div', { class: 'titles' }, h('h1', null, 'Providers & keys'), h('p', null, 'The upstreams this gateway routes to, the keys it uses for each, and how healthy each key is.')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', id: 'add-provider', onClick: addProvider }, icon('plus'), 'Add provider'))),
    ownershipNote(),
    errorBox, list));

  replace(list, h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('span', { class: 'skeleton', style: { width: '140px' } })),
    h('table', { class: 'table' }, h('tbody', null, skeletonRows(5, 2)))));
  load();
  const poll = setInterval(load, 10000);
  const tick = setInterval(updateCountdowns, 1000);

  async function load() {
    const mine = ++seq;
    try {
      const data = await get('/api/providers');
      // Disabled keys are not in force, so only a provider's own key list shows them.
      const withDisabled = await Promise.all(data.providers.map(async (p) => {
        if (p.source !== 'api') return p;
        try {
          const k = await get(`/api/providers/${enc(p.name)}/keys`);
          return { ...p, keys: k.keys };
        } catch {
          return p;
        }
      }));
      if (mine !== seq) return;
      fetchedAt = Date.now();
      clear(errorBox);
      // Redraw only on a change, so a poll does not take the keyboard focus away.
      const same = JSON.stringify(withDisabled) === JSON.stringify(providers) && list.querySelector('[data-provider]');
      providers = withDisabled;
      if (!same) draw();
    } catch (e) {
      if (mine !== seq) return;
      replace(errorBox, errorCallout(e, load));
      if (!providers.length) clear(list);
    }
  }

  function draw() {
    if (!providers.length) {
      replace(list, h('section', { class: 'card' }, empty('No providers yet', 'Add the upstream your clients should reach (OpenAI, Anthropic, a vLLM server…).',
        h('button', { type: 'button', class: 'btn primary', onClick: addProvider }, icon('plus'), 'Add provider'))));
      return;
    }
    replace(list, providers.map(providerCard));
  }

  function providerCard(p) {
    const api = p.source === 'api';
    const n = p.network_config || {};
    const keys = p.keys || [];
    return h('section', { class: 'card', 'data-provider': p.name },
      h('div', { class: 'card-head' },
        h('h2', null, p.name),
        badge(FAMILY[p.api] || p.api, 'plain'),
        api ? badge('created here', 'blue plain', { title: 'Created through the API; kept across restarts and reloads.' }) : fileBadge(),
        h('span', { class: 'grow' }),
        api ? [
          h('button', { type: 'button', class: 'btn sm', onClick: () => keyDialog(p, null) }, icon('plus'), 'Add key'),
          h('button', { type: 'button', class: 'btn sm danger', onClick: () => deleteProvider(p) }, 'Delete'),
        ] : null),
      h('div', { class: 'card-body', style: { paddingBottom: '12px' } }, h('div', { class: 'provider-meta' },
        h('span', null, 'Base URL ', h('code', null, n.base_url || 'provider default')),
        h('span', null, `Timeout ${n.default_request_timeout_in_seconds ?? '—'} s`),
        h('span', null, `Retries ${n.max_retries ?? 0}`),
        Object.keys(n.extra_headers || {}).length ? h('span', null, 'Extra headers ', h('code', null, Object.keys(n.extra_headers).join(', '))) : null)),
      keys.length ? h('div', { class: 'table-wrap' }, responsive(h('table', { class: 'table' },
        h('thead', null, h('tr', null, h('th', null, 'Key'), h('th', null, 'Value'), h('th', null, 'Models'), h('th', { class: 'num' }, 'Weight'),
          h('th', null, 'Health'), api ? h('th', null, h('span', { class: 'sr-only' }, 'Actions')) : null)),
        h('tbody', null, keys.map((k) => keyRow(p, k, api))))))
        : h('div', { class: 'card-body' }, empty('No keys', 'Add a key so this provider can serve requests.')));
  }

  function keyRow(p, k, api) {
    const disabled = k.enabled === false;
    const v = k.value || {};
    const models = k.models && k.models.length && !(k.models.length === 1 && k.models[0] === '*') ? k.models : null;
    return h('tr', { class: disabled && 'disabled', 'data-key': k.name },
      h('td', null, h('span', { class: 'key-name' }, k.name)),
      h('td', null, h('span', { class: 'key-value' }, v.from_env ? v.env_var : (v.value || h('span', { class: 'muted' }, 'none (keyless)')))),
      h('td', null, models ? h('div', { class: 'chips' }, models.map((m) => h('span', { class: 'chip' }, m))) : h('span', { class: 'muted' }, 'All models')),
      h('td', { class: 'num' }, k.weight ?? 1),
      h('td', null, disabled ? badge('Disabled', '') : health(k.health)),
      api ? h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'btn sm', 'data-action': 'edit', onClick: () => keyDialog(p, k) }, 'Edit'), ' ',
        menuButton(`More actions for key ${k.name}`, [
          { label: disabled ? 'Enable' : 'Disable', action: disabled ? 'enable' : 'disable', onClick: () => toggleKey(p, k) },
          { label: 'Delete…', action: 'delete', danger: true, onClick: () => deleteKey(p, k) },
        ])) : null);
  }

  function health(hl) {
    if (!hl) return badge('Unknown', '');
    const failures = hl.consecutive_failures ? `${fmtInt(hl.consecutive_failures)} consecutive failure${hl.consecutive_failures === 1 ? '' : 's'}` : null;
    if (hl.state === 'cooling_down') {
      return h('span', null, badge('Cooling down', 'amber'),
        h('span', { class: 'health-sub', 'data-cooldown': String(hl.cooldown_remaining_ms || 0) }, left(hl.cooldown_remaining_ms)), failures ? h('span', { class: 'health-sub' }, failures) : null);
    }
    if (hl.state === 'probing') return h('span', null, badge('Probing', 'blue'), h('span', { class: 'health-sub' }, 'trying one request'));
    return h('span', null, badge('Healthy', failures ? 'amber' : 'green'), failures ? h('span', { class: 'health-sub' }, failures) : null);
  }

  function left(ms) {
    return ms > 0 ? `${fmtDuration(ms)} left` : 'ending';
  }

  function updateCountdowns() {
    const elapsed = Date.now() - fetchedAt;
    list.querySelectorAll('[data-cooldown]').forEach((el) => { el.textContent = left(Number(el.dataset.cooldown) - elapsed); });
  }

  // ---------- writes ----------
  function addProvider() {
    const top = h('div', { class: 'slot' });
    const errors = formErrors(top);
    const nameIn = h('input', { type: 'text', list: 'builtin-providers', required: true, autocomplete: 'off', placeholder: 'openai', id: 'new-provider-name' });
    const urlIn = h('input', { type: 'url', placeholder: 'http://vllm-service:8000', id: 'new-provider-url' });
    const keyName = h('input', { type: 'text', placeholder: 'primary', value: 'primary', id: 'new-provider-key-name' });
    const keyValue = h('input', { type: 'password', autocomplete: 'new-password', placeholder: 'sk-… or env.OPENAI_API_KEY', id: 'new-provider-key-value' });
    const keyModels = h('input', { type: 'text', placeholder: 'gpt-4o, gpt-4o-mini', id: 'new-provider-key-models' });
    const fName = errors.bind('$.provider', field({ label: 'Provider', input: nameIn, hint: 'One of Heimdall’s built-in providers.' }));
    const fUrl = errors.bind('$.network_config', field({ label: 'Base URL', input: urlIn, optional: true, hint: 'Leave empty for the provider’s own API.' }));
    const fKeyName = errors.bind('$.keys[0].name', field({ label: 'Key name', input: keyName }));
    const fKeyValue = errors.bind('$.keys[0].value', field({ label: 'Key value', input: keyValue, optional: true, hint: 'A literal, or env.NAME read from Heimdall’s environment. Empty for a keyless upstream. Write-only.' }));
    const fModels = errors.bind('$.keys[0].models', field({ label: 'Models', input: keyModels, optional: true, full: true, hint: 'Comma-separated. Empty: every model.' }));
    errors.bind('$.keys', fKeyName);
    errors.bind('$', fName);
    const save = h('button', { type: 'submit', class: 'btn primary' }, 'Add provider');
    const d = openDialog({
      title: 'Add provider',
      body: [top, h('datalist', { id: 'builtin-providers' }, BUILT_IN.map((b) => h('option', { value: b }))),
        h('div', { class: 'fields' }, fName.el, fUrl.el),
        h('fieldset', null, h('legend', null, 'First key'), h('div', { class: 'fields' }, fKeyName.el, fKeyValue.el, fModels.el))],
      foot: [h('button', { type: 'button', class: 'btn', onClick: () => d.close() }, 'Cancel'), save],
      onSubmit: async () => {
        errors.clear();
        const body = { provider: nameIn.value.trim() };
        if (urlIn.value.trim()) body.network_config = { base_url: urlIn.value.trim() };
        if (keyName.value.trim() || keyValue.value) {
          const key = { name: keyName.value.trim() || undefined, value: keyValue.value, weight: 1 };
          const models = splitList(keyModels.value);
          if (models.length) key.models = models;
          body.keys = [key];
        }
        busyButton(save, true, 'Adding');
        try {
          await post('/api/providers', body);
          d.close();
          toast(`Provider ${body.provider} added`);
          load();
        } catch (e) {
          errors.show(e);
        } finally {
          busyButton(save, false);
        }
      },
    });
  }

  function keyDialog(p, k) {
    const editing = !!k;
    const top = h('div', { class: 'slot' });
    const errors = formErrors(top);
    const v = (k && k.value) || {};
    const masked = v.from_env ? v.env_var : v.value;
    const nameIn = h('input', { type: 'text', required: true, autocomplete: 'off', value: k ? k.name : '', placeholder: 'primary', id: 'key-name' });
    const valueIn = h('input', { type: 'password', autocomplete: 'new-password', id: 'key-value', placeholder: editing ? (masked || 'no value stored') : 'sk-… or env.NAME' });
    const allModels = !k || !k.models || !k.models.length || (k.models.length === 1 && k.models[0] === '*');
    const modelsIn = h('input', { type: 'text', value: allModels ? '' : k.models.join(', '), placeholder: 'Every model', id: 'key-models' });
    const weightIn = h('input', { type: 'number', min: '0', step: 'any', value: String(k ? k.weight ?? 1 : 1), id: 'key-weight' });
    const enabledIn = h('input', { type: 'checkbox', checked: !k || k.enabled !== false, id: 'key-enabled' });
    const fName = errors.bind('$.name', field({ label: 'Name', input: nameIn, hint: editing ? 'Renaming keeps the key’s value.' : null }));
    const fValue = errors.bind('$.value', field({ label: 'Value', input: valueIn, full: true,
      hint: editing ? 'Write-only. Leave empty to keep the stored value; type a new one (or env.NAME) to replace it.' : 'A literal, or env.NAME read from Heimdall’s environment. Write-only: it is never shown again.' }));
    const fModels = errors.bind('$.models', field({ label: 'Models', input: modelsIn, hint: 'Comma-separated. Empty: every model.' }));
    const fWeight = errors.bind('$.weight', field({ label: 'Weight', input: weightIn, hint: 'Share of traffic among the keys serving a model.' }));
    errors.bind('$', fName);
    const save = h('button', { type: 'submit', class: 'btn primary' }, editing ? 'Save key' : 'Add key');
    const d = openDialog({
      title: editing ? `Edit key ${k.name}` : `Add a key to ${p.name}`,
      body: [top, h('div', { class: 'fields' }, fName.el, fWeight.el, fValue.el, h('div', { class: 'full' }, fModels.el),
        h('label', { class: 'check full' }, enabledIn, 'Enabled (a disabled key is kept but serves nothing)'))],
      foot: [h('button', { type: 'button', class: 'btn', onClick: () => d.close() }, 'Cancel'), save],
      onSubmit: async () => {
        errors.clear();
        const body = keyBody(k, { name: nameIn.value.trim(), weight: weightIn.value === '' ? undefined : Number(weightIn.value), models: splitList(modelsIn.value), enabled: enabledIn.checked });
        if (valueIn.value) body.value = valueIn.value;
        else if (!editing) body.value = '';
        busyButton(save, true, 'Saving');
        try {
          if (editing) await put(`/api/providers/${enc(p.name)}/keys/${enc(k.name)}`, body);
          else await post(`/api/providers/${enc(p.name)}/keys`, body);
          valueIn.value = '';
          d.close();
          toast(editing ? `Key ${body.name} saved` : `Key added to ${p.name}`);
          load();
        } catch (e) {
          errors.show(e);
        } finally {
          busyButton(save, false);
        }
      },
    });
  }

  async function toggleKey(p, k) {
    const enable = k.enabled === false;
    try {
      await put(`/api/providers/${enc(p.name)}/keys/${enc(k.name)}`, keyBody(k, { enabled: enable }));
      toast(`Key ${k.name} ${enable ? 'enabled' : 'disabled'}`);
      load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  function deleteKey(p, k) {
    confirmDialog({
      title: `Delete key ${k.name}?`,
      message: [h('p', null, `Requests to ${p.name} stop using this key at once.`),
        (p.keys || []).length === 1 ? callout('warn', 'It is the provider’s last key: the provider is left with one keyless key, default.') : null],
      confirmLabel: 'Delete key', danger: true,
      action: () => del(`/api/providers/${enc(p.name)}/keys/${enc(k.name)}`),
    }).then((ok) => { if (ok) { toast(`Key ${k.name} deleted`); load(); } });
  }

  function deleteProvider(p) {
    confirmDialog({
      title: `Delete provider ${p.name}?`,
      message: h('p', null, `Requests for ${p.name}'s models stop being served. Virtual keys and aliases that name it must be changed first.`),
      confirmLabel: 'Delete provider', danger: true,
      action: () => del(`/api/providers/${enc(p.name)}`),
    }).then((ok) => { if (ok) { toast(`Provider ${p.name} deleted`); load(); } });
  }

  return () => { seq++; clearInterval(poll); clearInterval(tick); };
}

/** A key's body for PUT, which replaces the key: what it had (aliases, Azure settings) plus the changes. */
function keyBody(k, changes) {
  const body = { name: k ? k.name : undefined, weight: k ? k.weight : 1, enabled: k ? k.enabled !== false : true };
  if (k && k.models && !(k.models.length === 1 && k.models[0] === '*') && k.models.length) body.models = k.models;
  if (k && k.aliases && Object.keys(k.aliases).length) body.aliases = k.aliases;
  if (k && k.azure_key_config) body.azure_key_config = k.azure_key_config;
  for (const [key, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    if (key === 'models') { if (v.length) body.models = v; else delete body.models; } else body[key] = v;
  }
  if (!body.name) delete body.name;
  return body;
}

export function ownershipNote() {
  return callout('info', h('strong', null, 'Who owns what. '),
    'config.json owns what it declares: those entries are marked ', fileBadge(), ' and are read-only here (change the file). ',
    'What you create here is kept across restarts and reloads.');
}
