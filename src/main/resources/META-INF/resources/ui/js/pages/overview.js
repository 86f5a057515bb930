import { h, replace, clear, fmtInt, fmtCompact, fmtUsd, fmtMs, fmtPct, empty, errorCallout, icon } from '../dom.js';
import { get } from '../api.js';
import { timeChart, legend } from '../charts.js';
import { followLog } from '../live.js';

const RANGES = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 };
const RANGE_TEXT = { '1h': 'the last hour', '24h': 'the last 24 hours', '7d': 'the last 7 days' };
const C = { accent: '#3b4fd8', red: '#d64535', amber: '#d98a0b', violet: '#9a7be0', teal: '#0f9d8a', light: '#a9b3f0' };

export default function render(outlet, route) {
  let range = RANGES[route.query.get('range')] ? route.query.get('range') : '24h';
  let loading = false;
  let pending = false;
  const controller = new AbortController();

  const rangeButtons = Object.keys(RANGES).map((k) => h('button', { type: 'button', 'aria-pressed': String(k === range), 'data-range': k,
    onClick: () => {
      range = k;
      rangeButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.range === k)));
      history.replaceState(null, '', '#/overview?range=' + k);
      subtitle.textContent = `Traffic through this gateway over ${RANGE_TEXT[range]}.`;
      load(true);
    } }, k));
  const updated = h('span', { class: 'muted small', 'aria-live': 'off' });
  const subtitle = h('p', null, `Traffic through this gateway over ${RANGE_TEXT[range]}.`);
  const stats = h('div', { class: 'stats', id: 'overview-stats' });
  const charts = h('div', { class: 'grid-2' });
  const tops = h('div', { class: 'grid-2' });
  const errorBox = h('div', { class: 'slot' });

  outlet.append(h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('div', { class: 'titles' }, h('h1', null, 'Overview'), subtitle),
      h('div', { class: 'actions' }, updated,
        h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, rangeButtons),
        h('button', { type: 'button', class: 'btn', onClick: () => load(false), 'aria-label': 'Refresh' }, icon('refresh'), h('span', { class: 'hide-sm' }, 'Refresh')))),
    errorBox, stats, charts, tops));

  skeleton();
  load(true);

  // New requests refresh the numbers (at most every 3 s, whatever the traffic), and the window moves on by itself.
  let soon = null;
  const refreshSoon = () => { if (!soon) soon = setTimeout(() => { soon = null; load(false); }, 3000); };
  const stop = followLog({}, { onEntry: refreshSoon });
  const tick = setInterval(() => load(false), 60000);

  function skeleton() {
    replace(stats, ['Requests', 'Error rate', 'p95 latency', 'Tokens', 'Cost'].map((l) => h('div', { class: 'card stat' },
      h('span', { class: 'label' }, l), h('span', { class: 'skeleton', style: { height: '26px', width: '60%' } }), h('span', { class: 'hint' }))));
    replace(charts, ['Requests', 'Latency', 'Tokens', 'Cost'].map((t) => h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, t)), h('div', { class: 'card-body' }, h('span', { class: 'skeleton', style: { height: '200px' } })))));
    clear(tops);
  }

  async function load(showSkeleton) {
    if (loading) { pending = true; return; }
    loading = true;
    if (showSkeleton) skeleton();
    const since = new Date(Date.now() - RANGES[range]).toISOString();
    try {
      const [byModel, byKey] = await Promise.all([
        get('/api/logs/summary', { since, group_by: 'model', top: 6 }, controller.signal),
        get('/api/logs/summary', { since, group_by: 'virtual_key', top: 6 }, controller.signal),
      ]);
      clear(errorBox);
      draw(byModel, byKey);
      updated.textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB');
    } catch (e) {
      if (e.name === 'AbortError') return;
      replace(errorBox, errorCallout(e, () => load(true)));
    } finally {
      loading = false;
      if (pending) { pending = false; load(false); }
    }
  }

  function draw(sum, byKey) {
    const t = sum.totals;
    const errRate = t.requests ? t.errors / t.requests : null;
    replace(stats,
      stat('Requests', fmtInt(t.requests), `${fmtInt(t.requests - t.errors)} succeeded`, 'requests'),
      stat('Error rate', errRate == null ? '—' : fmtPct(errRate), `${fmtInt(t.errors)} errors`, 'errors', errRate > 0.05),
      stat('p95 latency', fmtMs(t.latency_p95_ms), t.latency_p50_ms == null ? 'no requests' : `p50 ${fmtMs(t.latency_p50_ms)} · p99 ${fmtMs(t.latency_p99_ms)}`, 'p95'),
      stat('Tokens', fmtCompact(t.input_tokens + t.output_tokens), `${fmtCompact(t.input_tokens)} in · ${fmtCompact(t.output_tokens)} out`, 'tokens'),
      stat('Cost', fmtUsd(t.cost_usd), t.requests ? `${fmtUsd(t.cost_usd / t.requests)} per request` : 'no requests', 'cost'));

    const times = sum.series.map((p) => new Date(p.start));
    const interval = sum.interval_seconds * 1000;
    const col = (f) => sum.series.map(f);
    const chartCard = (title, id, series, opts) => h('section', { class: 'card', id },
      h('div', { class: 'card-head' }, h('h2', null, title), h('span', { class: 'sub' }, `per ${bucketText(sum.interval_seconds)}`), legend(series)),
      h('div', { class: 'card-body' }, timeChart({ times, intervalMs: interval, series, label: title, ...opts })));
    const reqSeries = [
      { name: 'Succeeded', color: C.accent, values: col((p) => p.requests - p.errors) },
      { name: 'Errors', color: C.red, values: col((p) => p.errors) },
    ];
    replace(charts,
      chartCard('Requests', 'chart-requests', reqSeries, { stacked: true, integer: true, format: fmtInt, axis: fmtCompact }),
      chartCard('Latency', 'chart-latency', [
        { name: 'p50', color: C.accent, type: 'line', values: col((p) => p.latency_p50_ms) },
        { name: 'p95', color: C.amber, type: 'line', values: col((p) => p.latency_p95_ms) },
      ], { format: fmtMs, axis: (v) => (v >= 1000 ? (v / 1000).toFixed(1).replace(/\.0$/, '') + 's' : Math.round(v) + 'ms') }),
      chartCard('Tokens', 'chart-tokens', [
        { name: 'Input', color: C.accent, values: col((p) => p.input_tokens) },
        { name: 'Output', color: C.violet, values: col((p) => p.output_tokens) },
      ], { stacked: true, integer: true, format: fmtInt, axis: fmtCompact }),
      chartCard('Cost', 'chart-cost', [{ name: 'Cost', color: C.teal, values: col((p) => p.cost_usd) }],
        { format: (v) => fmtUsd(v), axis: (v) => (v === 0 ? '$0' : fmtUsd(v)) }));
    if (!t.requests) {
      charts.prepend(h('div', { class: 'card', style: { gridColumn: '1 / -1' } }, empty('No requests in this range yet',
        'Send one from the Playground, or point an OpenAI client at this gateway’s /v1.',
        h('a', { class: 'btn primary', href: '#/playground' }, icon('playground'), 'Open the Playground'))));
    }
    replace(tops,
      topTable('Top models', 'model', sum.groups, t.requests, 'top-models'),
      topTable('Top virtual keys', 'virtual_key', byKey.groups, t.requests, 'top-keys'));
  }

  return () => {
    controller.abort();
    stop();
    clearInterval(tick);
    clearTimeout(soon);
  };
}

function stat(label, value, hint, key, bad = false) {
  return h('div', { class: 'card stat', 'data-stat': key },
    h('span', { class: 'label' }, label), h('span', { class: ['value', bad && 'bad', String(value).length > 9 && 'long'], 'data-value': key, title: String(value) }, value), h('span', { class: 'hint' }, hint));
}

function bucketText(s) {
  if (s < 3600) return `${s / 60} min`;
  if (s < 86400) return s === 3600 ? 'hour' : `${s / 3600} h`;
  return 'day';
}

function topTable(title, kind, groups, total, id) {
  const label = kind === 'model' ? 'Model' : 'Virtual key';
  const body = groups.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, label), h('th', { class: 'num' }, 'Requests'),
        h('th', { class: 'num' }, 'Errors'), h('th', { class: 'num' }, 'Cost'), h('th', { class: 'num hide-sm' }, 'p95'))),
      h('tbody', null, groups.map((g) => {
        const none = g.key == null || g.key === '';
        const name = none ? (kind === 'model' ? '(unknown)' : '(no virtual key)') : g.key;
        const share = total ? g.requests / total : 0;
        return h('tr', null,
          h('td', { class: 'primary-cell', style: { width: '45%' } },
            none ? h('span', { class: 'muted' }, name)
              : h('a', { href: `#/logs?${kind}=${encodeURIComponent(g.key)}`, title: `Open the request log for ${name}` }, name),
            h('div', { class: 'share', title: `${fmtPct(share)} of requests`, style: { marginTop: '6px' } }, h('div', { style: { width: (share * 100).toFixed(1) + '%' } }))),
          h('td', { class: 'num' }, fmtInt(g.requests), h('span', { class: 'sub' }, fmtPct(share))),
          h('td', { class: 'num' }, g.errors ? h('span', { style: { color: 'var(--red)' } }, fmtInt(g.errors)) : '0'),
          h('td', { class: 'num' }, fmtUsd(g.cost_usd)),
          h('td', { class: 'num hide-sm' }, fmtMs(g.latency_p95_ms)));
      }))))
    : empty('Nothing yet', kind === 'model' ? 'Models appear here once requests flow.' : 'Requests made with a virtual key appear here.');
  return h('section', { class: 'card', id }, h('div', { class: 'card-head' }, h('h2', null, title)), h('div', { class: 'card-body flush' }, body));
}
