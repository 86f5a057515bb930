import { h, replace, clear, responsive, labelRow, fmtInt, fmtUsd, fmtMs, fmtTime, fmtDateTime, badge, empty, errorCallout, skeletonRows, icon, copyText, toast } from '../dom.js';
import { get, enc } from '../api.js';
import { openDialog, busyButton } from '../ui.js';
import { followLog } from '../live.js';

const RANGES = [['15m', 'Last 15 minutes', 15 * 60e3], ['1h', 'Last hour', 3600e3], ['24h', 'Last 24 hours', 86400e3], ['7d', 'Last 7 days', 7 * 86400e3], ['all', 'All time', null]];
const PAGE = 50;
const FILTER_KEYS = ['range', 'model', 'provider', 'virtual_key', 'status', 'stream'];

export default function render(outlet, route) {
  const f = {};
  for (const k of FILTER_KEYS) f[k] = route.query.get(k) || '';
  if (!RANGES.some(([k]) => k === f.range)) f.range = '24h';

  let rows = [];
  const ids = new Set();
  let nextBefore = null;
  let total = 0;
  let live = true;
  let queued = [];
  let stopFeed = () => {};
  let early = null; // entries that arrive while the first page loads
  let loadSeq = 0;

  // ---------- filters ----------
  const rangeSel = h('select', { id: 'f-range', onChange: () => set('range', rangeSel.value) },
    RANGES.map(([k, l]) => h('option', { value: k, selected: k === f.range }, l)));
  const modelList = h('datalist', { id: 'models-list' });
  const modelIn = h('input', { type: 'search', id: 'f-model', list: 'models-list', placeholder: 'Any model', value: f.model, onChange: () => set('model', modelIn.value.trim()) });
  const providerSel = h('select', { id: 'f-provider', onChange: () => set('provider', providerSel.value) }, h('option', { value: '' }, 'Any provider'),
    f.provider ? h('option', { value: f.provider, selected: true }, f.provider) : null);
  const vkSel = h('select', { id: 'f-vk', onChange: () => set('virtual_key', vkSel.value) }, h('option', { value: '' }, 'Any virtual key'),
    f.virtual_key ? h('option', { value: f.virtual_key, selected: true }, f.virtual_key) : null);
  const statusSel = h('select', { id: 'f-status', onChange: () => set('status', statusSel.value) },
    [['', 'Any status'], ['success', 'Success (< 400)'], ['error', 'Error (≥ 400)']].map(([v, l]) => h('option', { value: v, selected: v === f.status }, l)),
    /^\d{3}$/.test(f.status) ? h('option', { value: f.status, selected: true }, 'Status ' + f.status) : null);
  const streamSel = h('select', { id: 'f-stream', onChange: () => set('stream', streamSel.value) },
    [['', 'Streamed or not'], ['true', 'Streamed'], ['false', 'Not streamed']].map(([v, l]) => h('option', { value: v, selected: v === f.stream }, l)));
  const ff = (label, input) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);

  // ---------- live switch ----------
  const dot = h('span', { class: 'live-dot', 'aria-hidden': 'true' });
  const liveLabel = h('span', null, 'Live');
  const liveBtn = h('button', { type: 'button', class: 'switch', id: 'live-toggle', 'aria-pressed': 'true', title: 'Pause or resume live updates',
    onClick: () => setLive(!live) }, dot, liveLabel);
  const newBtn = h('button', { type: 'button', class: 'btn sm', hidden: true, id: 'show-new', onClick: () => setLive(true) });

  const tbody = h('tbody', { id: 'log-rows' });
  const table = h('table', { class: 'table', 'aria-label': 'Requests' },
    h('thead', null, h('tr', null,
      h('th', null, 'Time'), h('th', null, 'Status'), h('th', null, 'Model'), h('th', { class: 'hide-sm' }, 'Provider · key'),
      h('th', null, 'Virtual key'), h('th', { class: 'num hide-sm' }, 'Tokens in → out'), h('th', { class: 'num' }, 'Latency'), h('th', { class: 'num' }, 'Cost'))),
    tbody);
  responsive(table);
  const tableWrap = h('div', { class: 'table-wrap' }, table);
  const emptyBox = h('div', { class: 'slot' });
  const countText = h('span', { id: 'log-count' });
  const olderBtn = h('button', { type: 'button', class: 'btn sm', id: 'load-older', hidden: true, onClick: loadOlder }, 'Load older');
  const errorBox = h('div', { class: 'slot' });
  const hasFilters = () => FILTER_KEYS.some((k) => k !== 'range' && f[k]);
  const clearBtn = h('button', { type: 'button', class: 'btn ghost sm', hidden: !hasFilters(), onClick: () => {
    for (const k of FILTER_KEYS) if (k !== 'range') f[k] = '';
    modelIn.value = ''; providerSel.value = ''; vkSel.value = ''; statusSel.value = ''; streamSel.value = '';
    apply();
  } }, 'Clear filters');

  outlet.append(h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('div', { class: 'titles' }, h('h1', null, 'Request log'), h('p', null, 'Every request through this gateway, newest first. Click a row for its details.')),
      h('div', { class: 'actions' }, newBtn, liveBtn)),
    errorBox,
    h('section', { class: 'card' },
      h('div', { class: 'filters', role: 'search', 'aria-label': 'Filter requests' },
        ff('Time range', rangeSel), ff('Model', modelIn), ff('Provider', providerSel), ff('Virtual key', vkSel), ff('Status', statusSel), ff('Stream', streamSel)),
      modelList, tableWrap, emptyBox,
      h('div', { class: 'log-foot' }, countText, clearBtn, h('span', { class: 'grow' }), olderBtn))));

  fillChoices();
  load();
  const openId = route.query.get('id');
  if (openId) get('/api/logs/' + enc(openId)).then(showDetail).catch((e) => toast(e.message, 'error'));

  function set(key, value) {
    if (f[key] === value) return;
    f[key] = value;
    apply();
  }

  function apply() {
    const qs = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k] && !(k === 'range' && f[k] === '24h')) qs.set(k, f[k]);
    const s = qs.toString();
    history.replaceState(null, '', '#/logs' + (s ? '?' + s : ''));
    clearBtn.hidden = !hasFilters();
    load();
  }

  function apiFilters() {
    return { model: f.model, provider: f.provider, virtual_key: f.virtual_key, status: f.status, stream: f.stream };
  }

  function since() {
    const r = RANGES.find(([k]) => k === f.range);
    return r && r[2] ? new Date(Date.now() - r[2]).toISOString() : null;
  }

  async function load() {
    const seq = ++loadSeq;
    stopFeed();
    rows = []; ids.clear(); queued = []; nextBefore = null;
    updateNew();
    clear(errorBox); clear(emptyBox);
    replace(tbody, skeletonRows(8, 6));
    olderBtn.hidden = true;
    countText.textContent = 'Loading…';
    early = [];
    stopFeed = followLog(apiFilters(), { onEntry, onState: (s) => { dot.classList.toggle('off', s !== 'live' || !live); } });
    try {
      const page = await get('/api/logs', { ...apiFilters(), since: since(), limit: PAGE });
      if (seq !== loadSeq) return;
      const arrived = early;
      early = null;
      clear(tbody);
      total = page.total_count;
      nextBefore = page.next_before;
      page.data.forEach((e) => add(e, false, 'end'));
      // Entries that came live while the page loaded: newer ones go on top.
      arrived.sort((a, b) => a.id - b.id).forEach((e) => { if (!ids.has(e.id)) { total++; add(e, true, 'top'); } });
      refreshFoot();
    } catch (e) {
      if (seq !== loadSeq) return;
      early = null;
      clear(tbody);
      countText.textContent = '';
      replace(errorBox, errorCallout(e, load));
    }
  }

  function onEntry(e) {
    if (early) { early.push(e); return; }
    if (ids.has(e.id)) return;
    if (!live) { queued.push(e); updateNew(); return; }
    total++;
    add(e, true, 'top');
    refreshFoot();
  }

  function setLive(on) {
    live = on;
    liveBtn.setAttribute('aria-pressed', String(on));
    liveLabel.textContent = on ? 'Live' : 'Paused';
    dot.classList.toggle('off', !on);
    if (on && queued.length) {
      queued.sort((a, b) => a.id - b.id).forEach((e) => { if (!ids.has(e.id)) { total++; add(e, true, 'top'); } });
      queued = [];
      refreshFoot();
    }
    updateNew();
  }

  function updateNew() {
    newBtn.hidden = live || !queued.length;
    newBtn.textContent = `Show ${queued.length} new`;
  }

  async function loadOlder() {
    busyButton(olderBtn, true, 'Loading');
    try {
      const page = await get('/api/logs', { ...apiFilters(), since: since(), limit: PAGE, before: nextBefore });
      page.data.forEach((e) => add(e, false, 'end'));
      nextBefore = page.next_before;
      total = Math.max(total, page.total_count);
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      busyButton(olderBtn, false);
      refreshFoot();
    }
  }

  function refreshFoot() {
    countText.textContent = rows.length ? `Showing ${fmtInt(rows.length)} of ${fmtInt(total)} requests` : '';
    olderBtn.hidden = nextBefore == null;
    if (!rows.length) {
      const range = RANGES.find(([k]) => k === f.range);
      replace(emptyBox, hasFilters()
        ? empty('No requests match these filters', live ? 'Matching requests appear here as they happen. Widen the time range or clear the filters to see more.' : 'Widen the time range or clear the filters.')
        : empty(f.range === 'all' ? 'No requests yet' : `No requests in the ${range[1].toLowerCase()}`,
          'Requests appear here live as they happen. Send one from the Playground, or point a client at this gateway’s /v1.',
          h('a', { class: 'btn primary', href: '#/playground' }, 'Open the Playground')));
    } else {
      clear(emptyBox);
    }
  }

  function add(e, fresh, where) {
    if (ids.has(e.id)) return;
    ids.add(e.id);
    const tr = labelRow(rowEl(e, fresh), table.labels);
    if (where === 'top') { rows.unshift(e); tbody.prepend(tr); } else { rows.push(e); tbody.append(tr); }
    if (emptyBox.firstChild) clear(emptyBox);
  }

  function rowEl(e, fresh) {
    const served = e.model && e.model !== e.requested_model ? e.model : null;
    return h('tr', { class: ['clickable', fresh && 'fresh'], 'data-id': e.id, onClick: (ev) => { if (!ev.target.closest('a,button')) showDetail(e); } },
      h('td', { class: 'nowrap' }, h('button', { type: 'button', class: 'linklike', title: fmtDateTime(e.time), onClick: () => showDetail(e), 'aria-label': `Request ${e.id} at ${fmtDateTime(e.time)}` }, fmtTime(e.time))),
      h('td', null, statusBadge(e)),
      h('td', { class: 'primary-cell' }, e.requested_model || e.model || '—', served ? h('span', { class: 'sub' }, '→ ' + served) : null,
        e.stream ? h('span', { class: 'sub' }, 'streamed') : null),
      h('td', { class: 'hide-sm' }, e.provider || '—', e.key_name ? h('span', { class: 'sub' }, e.key_name) : null),
      h('td', null, e.virtual_key || h('span', { class: 'muted' }, '—')),
      h('td', { class: 'num hide-sm' }, e.input_tokens == null && e.output_tokens == null ? '—' : `${fmtInt(e.input_tokens)} → ${fmtInt(e.output_tokens)}`),
      h('td', { class: 'num' }, fmtMs(e.latency_ms), e.attempts > 1 ? h('span', { class: 'sub' }, `${e.attempts} attempts`) : null),
      h('td', { class: 'num', 'data-cost': e.cost_usd == null ? '' : String(e.cost_usd) }, e.cost_usd == null ? h('span', { class: 'muted', title: 'No price known for this model' }, '—') : fmtUsd(e.cost_usd)));
  }

  async function fillChoices() {
    const [providers, keys, models] = await Promise.allSettled([get('/api/providers'), get('/api/governance/virtual-keys'), fetch('/v1/models').then((r) => (r.ok ? r.json() : null))]);
    if (providers.status === 'fulfilled') {
      for (const p of providers.value.providers) if (p.name !== f.provider) providerSel.append(h('option', { value: p.name }, p.name));
    }
    if (keys.status === 'fulfilled') {
      for (const k of keys.value.virtual_keys) if (k.name !== f.virtual_key) vkSel.append(h('option', { value: k.name }, k.name));
    }
    if (models.status === 'fulfilled' && models.value) {
      const names = new Set();
      for (const m of models.value.data || []) { names.add(m.id); if (m.id.includes('/')) names.add(m.id.slice(m.id.indexOf('/') + 1)); }
      replace(modelList, [...names].sort().map((n) => h('option', { value: n })));
    }
  }

  return () => { loadSeq++; stopFeed(); };
}

export function statusBadge(e) {
  const tone = e.status < 300 ? 'green' : e.status < 500 ? 'amber' : 'red';
  return h('span', null, badge(String(e.status), tone), e.error_type ? h('span', { class: 'sub' }, e.error_type) : null);
}

function showDetail(e) {
  const link = (label, q) => h('li', null, h('a', { href: '#/logs?' + new URLSearchParams(q).toString() }, label));
  const rows = [
    ['Request id', h('code', null, String(e.id))],
    ['Time', fmtDateTime(e.time)],
    ['Status', [statusBadge(e)]],
    ['Error type', e.error_type || '—'],
    ['Operation', e.operation || '—'],
    ['Requested model', e.requested_model || '—'],
    ['Served model', e.model || '—'],
    ['Provider', e.provider || '—'],
    ['Provider key', e.key_name || '—'],
    ['Virtual key', e.virtual_key || '—'],
    ['Streamed', e.stream ? 'Yes' : 'No'],
    ['Attempts', fmtInt(e.attempts)],
    ['Latency', fmtMs(e.latency_ms)],
    ['Gateway overhead', fmtMs(e.overhead_ms)],
    ['Time to first token', e.ttft_ms == null ? '—' : fmtMs(e.ttft_ms)],
    ['Input tokens', e.input_tokens == null ? '—' : fmtInt(e.input_tokens)],
    ['Output tokens', e.output_tokens == null ? '—' : fmtInt(e.output_tokens)],
    ['Trace id', e.trace_id ? h('code', { title: 'The trace this request was exported in (the otel plugin): search it in Langfuse' }, e.trace_id) : '— (not traced)'],
    ['Cost', e.cost_usd != null ? fmtUsd(e.cost_usd) : e.input_tokens == null && e.output_tokens == null ? '— (no usage reported)' : '— (no price known for this model)'],
  ];
  const model = e.requested_model || e.model;
  const related = [
    model ? link(`All requests for ${model}`, { model, range: '7d' }) : null,
    model && e.status >= 400 ? link(`Errors for ${model}`, { model, status: 'error', range: '7d' }) : null,
    e.provider ? link(`All requests served by ${e.provider}`, { provider: e.provider, range: '7d' }) : null,
    e.virtual_key ? link(`All requests with virtual key ${e.virtual_key}`, { virtual_key: e.virtual_key, range: '7d' }) : null,
  ].filter(Boolean);
  const d = openDialog({
    title: `Request ${e.id}`,
    drawer: true,
    body: [
      h('dl', { class: 'props', id: 'log-detail' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      related.length ? h('div', { class: 'stack-sm' }, h('h3', null, 'Related'), h('ul', { class: 'stack-sm', style: { margin: 0, paddingLeft: '18px' } }, related)) : null,
    ],
    foot: [
      h('button', { type: 'button', class: 'btn', onClick: async () => {
        const url = location.origin + location.pathname + '#/logs?range=all&id=' + e.id;
        toast((await copyText(url)) ? 'Link copied' : 'Could not copy', '');
      } }, icon('copy'), 'Copy link'),
      h('button', { type: 'button', class: 'btn primary', onClick: () => d.close() }, 'Close'),
    ],
  });
  d.body.addEventListener('click', (ev) => { if (ev.target.closest('a')) d.close(); });
}
