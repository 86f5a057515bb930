// Following the request log live (GET /api/logs/stream, Server-Sent Events).
import { checkSession } from './api.js';

/**
 * Opens an EventSource on the log stream with `filters` ({model, provider, virtual_key, status, stream});
 * onEntry gets each new entry, onState 'live' | 'reconnecting'. An EventSource cannot send the UI's header, so
 * on any error it is closed and reopened only while the session holds (no browser login popup). Returns stop().
 */
export function followLog(filters, { onEntry, onState = () => {} }) {
  let es = null;
  let stopped = false;
  let timer = null;
  let failures = 0;

  function open() {
    if (stopped) return;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(filters || {})) if (v != null && v !== '') qs.set(k, v);
    const s = qs.toString();
    es = new EventSource('/api/logs/stream' + (s ? '?' + s : ''));
    es.addEventListener('open', () => { failures = 0; onState('live'); });
    es.addEventListener('log', (e) => {
      let entry;
      try { entry = JSON.parse(e.data); } catch { return; }
      onEntry(entry);
    });
    es.addEventListener('error', async () => {
      if (es) es.close();
      es = null;
      if (stopped) return;
      onState('reconnecting');
      failures++;
      const ok = await checkSession();
      if (stopped || !ok) return;
      timer = setTimeout(open, Math.min(15000, 1000 * 2 ** Math.min(failures, 4)));
    });
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (es) es.close();
    es = null;
  };
}
