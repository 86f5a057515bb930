// Small SVG time-series charts (bars, stacked bars, lines) with a hover tooltip. No library.
import { h, svg, clear } from './dom.js';

function niceStep(raw, integer) {
  if (raw <= 0) return integer ? 1 : 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  let step = nice * p;
  if (integer) step = Math.max(1, Math.ceil(step));
  return step;
}

function timeLabel(d, spanMs) {
  if (spanMs > 2 * 86400e3) return d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/**
 * times: Date[] (bucket starts); intervalMs: bucket size; series: [{name, color, values: (number|null)[], type: 'bar'|'line'}].
 * Bars of one chart stack when `stacked`. format(v) renders values in the tooltip, axis(v) on the y axis.
 */
export function timeChart({ times, intervalMs, series, stacked = false, integer = false, format = String, axis, label }) {
  const wrap = h('div', { class: 'chart' });
  const tip = h('div', { class: 'chart-tip', hidden: true });
  const axisFmt = axis || format;
  let lastWidth = 0;

  function draw() {
    const W = wrap.clientWidth;
    if (!W || W === lastWidth) return;
    lastWidth = W;
    const H = wrap.clientHeight || 200;
    const padL = 48, padR = 8, padT = 10, padB = 24;
    const plotW = W - padL - padR, plotH = H - padT - padB;
    const n = times.length;
    const bars = series.filter((s) => (s.type || 'bar') === 'bar');
    const lines = series.filter((s) => s.type === 'line');
    let max = 0;
    for (let i = 0; i < n; i++) {
      if (bars.length) {
        const vals = bars.map((s) => s.values[i] || 0);
        max = Math.max(max, stacked ? vals.reduce((a, b) => a + b, 0) : Math.max(...vals));
      }
      for (const s of lines) if (s.values[i] != null) max = Math.max(max, s.values[i]);
    }
    const step = max > 0 ? niceStep(max / 4, integer) : 1;
    const top = Math.max(step * Math.ceil(max / step), step);
    const y = (v) => padT + plotH - (v / top) * plotH;
    const band = plotW / Math.max(n, 1);
    const x = (i) => padL + i * band;

    const root = svg('svg', { role: 'img', 'aria-label': label || series.map((s) => s.name).join(', '), viewBox: `0 0 ${W} ${H}` });
    const grid = svg('g', { class: 'grid' });
    const axisG = svg('g', { class: 'axis' });
    for (let v = 0; v <= top + step / 2; v += step) {
      grid.append(svg('line', { x1: padL, x2: W - padR, y1: y(v), y2: y(v) }));
      axisG.append(svg('text', { x: padL - 8, y: y(v) + 4, 'text-anchor': 'end' }, axisFmt(v)));
    }
    const span = n * intervalMs;
    const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 80))));
    for (let i = 0; i < n; i += every) {
      axisG.append(svg('text', { x: x(i) + band / 2, y: H - 6, 'text-anchor': 'middle' }, timeLabel(times[i], span)));
    }
    root.append(grid, axisG);
    if (max === 0) root.append(svg('text', { class: 'no-data', x: padL + plotW / 2, y: padT + plotH / 2, 'text-anchor': 'middle' }, 'No data in this range'));

    // Bars
    const bw = Math.max(1, Math.min(band * 0.72, 28));
    const barsG = svg('g');
    for (let i = 0; i < n; i++) {
      let base = 0;
      bars.forEach((s, k) => {
        const v = s.values[i] || 0;
        if (v <= 0) return;
        const offset = stacked ? 0 : (k - (bars.length - 1) / 2) * (bw / bars.length);
        const w = stacked ? bw : bw / bars.length;
        const y0 = y(base + v), y1 = y(base);
        barsG.append(svg('rect', { x: x(i) + (band - w) / 2 + offset, y: y0, width: w, height: Math.max(1, y1 - y0), rx: Math.min(2, w / 3), fill: s.color }));
        if (stacked) base += v;
      });
    }
    root.append(barsG);

    // Lines (broken where a bucket has no value)
    for (const s of lines) {
      let d = '';
      let pen = false;
      const dots = svg('g');
      for (let i = 0; i < n; i++) {
        const v = s.values[i];
        if (v == null) { pen = false; continue; }
        const px = x(i) + band / 2, py = y(v);
        d += (pen ? 'L' : 'M') + px.toFixed(1) + ' ' + py.toFixed(1);
        const lonely = (i === 0 || s.values[i - 1] == null) && (i === n - 1 || s.values[i + 1] == null);
        if (lonely || n <= 40) dots.append(svg('circle', { cx: px, cy: py, r: lonely ? 3 : 2, fill: s.color }));
        pen = true;
      }
      root.append(svg('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }), dots);
    }

    // Hover columns
    const hover = svg('g');
    for (let i = 0; i < n; i++) {
      hover.append(svg('rect', {
        class: 'hover-col', x: x(i), y: padT, width: band, height: plotH,
        onMouseenter: () => showTip(i, x(i) + band / 2, padT),
        onMouseleave: () => { tip.hidden = true; },
      }));
    }
    root.append(hover);
    clear(wrap).append(root, tip);
  }

  function showTip(i, px, py) {
    const start = times[i];
    const end = new Date(start.getTime() + intervalMs);
    const fmt = (d) => d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    const day = intervalMs >= 86400e3 ? start.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' }) : null;
    clear(tip).append(h('div', { class: 't' }, day || `${fmt(start)} – ${fmt(end)}`),
      series.map((s) => h('div', { class: 's' }, h('i', { style: { background: s.color } }), s.name, h('b', null, s.values[i] == null ? '—' : format(s.values[i])))));
    tip.hidden = false;
    const half = tip.offsetWidth / 2;
    tip.style.left = Math.min(Math.max(px, half + 4), wrap.clientWidth - half - 4) + 'px';
    tip.style.top = py + 'px';
  }

  const ro = new ResizeObserver(() => draw());
  ro.observe(wrap);
  return wrap;
}

export function legend(series) {
  return h('div', { class: 'legend', 'aria-hidden': 'true' }, series.map((s) => h('span', null, h('i', { style: { background: s.color } }), s.name)));
}
