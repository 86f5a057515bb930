import { h, replace, clear, badge, callout, icon, fmtMs, fmtInt } from '../dom.js';
import { takePlaygroundKey } from '../state.js';

// Kept while the console is open (memory only), so a trip to another page does not lose the prompt.
const memo = { model: '', system: 'You are a helpful assistant.', message: '', temperature: 0.7, maxTokens: '' };

export default function render(outlet) {
  let controller = null;

  const model = h('select', { id: 'pg-model', required: true }, h('option', { value: '' }, 'Loading models…'));
  const key = h('input', { type: 'password', id: 'pg-key', autocomplete: 'off', spellcheck: 'false', placeholder: 'sk-bf-…', value: takePlaygroundKey() });
  const system = h('textarea', { id: 'pg-system', rows: 3, value: memo.system });
  const message = h('textarea', { id: 'pg-message', rows: 5, placeholder: 'Ask something…', value: memo.message });
  const temp = h('input', { type: 'range', id: 'pg-temp-range', min: '0', max: '2', step: '0.1', value: String(memo.temperature), 'aria-label': 'Temperature' });
  const tempNum = h('input', { type: 'number', id: 'pg-temp', min: '0', max: '2', step: '0.1', value: String(memo.temperature), 'aria-label': 'Temperature value' });
  const maxTokens = h('input', { type: 'number', id: 'pg-max', min: '1', step: '1', placeholder: 'Model default', value: memo.maxTokens });
  const modelHint = h('div', { class: 'hint', id: 'pg-model-hint' });
  temp.addEventListener('input', () => { tempNum.value = temp.value; });
  tempNum.addEventListener('input', () => { temp.value = tempNum.value; });
  key.addEventListener('change', loadModels);
  const send = h('button', { type: 'submit', class: 'btn primary', id: 'pg-send' }, icon('send'), 'Send');
  const stop = h('button', { type: 'button', class: 'btn', id: 'pg-stop', hidden: true, onClick: () => controller && controller.abort() }, icon('stop'), 'Stop');

  const statusSlot = h('span');
  const answer = h('div', { class: 'answer placeholder', id: 'pg-answer', 'aria-live': 'polite' }, 'The answer streams here as it is generated.');
  const stats = h('div', { class: 'answer-stats', id: 'pg-stats', hidden: true });
  const errorBox = h('div', { class: 'slot', id: 'pg-error' });

  const form = h('form', { class: 'card', novalidate: true, onSubmit: (e) => { e.preventDefault(); run(); } },
    h('div', { class: 'card-head' }, h('h2', null, 'Request')),
    h('div', { class: 'card-body stack' },
      h('div', { class: 'field' }, h('label', { for: 'pg-model' }, 'Model'), model, modelHint),
      h('div', { class: 'field' }, h('label', { for: 'pg-key' }, 'Virtual key', h('span', { class: 'muted', style: { fontWeight: 400 } }, ' (optional)')), key,
        h('div', { class: 'hint' }, 'Sent as Authorization: Bearer. Kept in this page only.')),
      h('div', { class: 'field' }, h('label', { for: 'pg-system' }, 'System prompt'), system),
      h('div', { class: 'field' }, h('label', { for: 'pg-message' }, 'User message'), message, h('div', { class: 'hint' }, 'Ctrl+Enter sends.')),
      h('div', { class: 'fields' },
        h('div', { class: 'field' }, h('label', { for: 'pg-temp' }, 'Temperature'), h('div', { class: 'range-row' }, temp, tempNum)),
        h('div', { class: 'field' }, h('label', { for: 'pg-max' }, 'Max tokens'), maxTokens)),
      h('div', { class: 'row' }, send, stop, h('span', { class: 'muted small' }, 'Streams the answer.'))));
  message.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });
  system.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });

  outlet.append(h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('div', { class: 'titles' }, h('h1', null, 'Playground'),
      h('p', null, 'Send a chat request through the gateway, as a client would, and watch the answer stream in.'))),
    h('div', { class: 'playground' }, form,
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Response'), statusSlot),
        errorBox, answer, stats))));

  loadModels();

  async function loadModels() {
    const headers = { Accept: 'application/json' };
    if (key.value.trim()) headers.Authorization = 'Bearer ' + key.value.trim();
    clear(modelHint);
    try {
      const res = await fetch('/v1/models', { headers, cache: 'no-store' });
      const data = await res.json().catch(() => null);
      if (!res.ok) {
        replace(model, h('option', { value: '' }, 'No models'));
        modelHint.textContent = (data && data.error && data.error.message) || `Listing models failed (HTTP ${res.status}).`;
        if (res.status === 401) modelHint.textContent = 'This gateway needs a virtual key for inference: enter one to list its models.';
        return;
      }
      const ids = (data.data || []).map((m) => m.id).sort();
      const keep = model.value || memo.model;
      replace(model, ids.length ? ids.map((id) => h('option', { value: id, selected: id === keep }, id)) : h('option', { value: '' }, 'No models'));
      if (!ids.length) modelHint.textContent = 'No models are served yet: add a provider and a key.';
    } catch {
      replace(model, h('option', { value: '' }, 'No models'));
      modelHint.textContent = 'Heimdall did not answer.';
    }
  }

  async function run() {
    if (controller) return;
    Object.assign(memo, { model: model.value, system: system.value, message: message.value, temperature: Number(tempNum.value), maxTokens: maxTokens.value });
    clear(errorBox);
    if (!model.value) { errorBox.append(callout('error', 'Pick a model first.')); model.focus(); return; }
    if (!message.value.trim()) { errorBox.append(callout('error', 'Write a message to send.')); message.focus(); return; }
    const messages = [];
    if (system.value.trim()) messages.push({ role: 'system', content: system.value });
    messages.push({ role: 'user', content: message.value });
    const body = { model: model.value, messages, temperature: Number(tempNum.value), stream: true, stream_options: { include_usage: true } };
    if (maxTokens.value) body.max_tokens = Number(maxTokens.value);
    const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
    if (key.value.trim()) headers.Authorization = 'Bearer ' + key.value.trim();

    controller = new AbortController();
    send.disabled = true; stop.hidden = false;
    replace(statusSlot, badge('Waiting', 'blue'));
    answer.classList.remove('placeholder');
    const caret = h('span', { class: 'caret', 'aria-hidden': 'true' });
    const text = document.createTextNode('');
    replace(answer, text, caret);
    stats.hidden = true;
    const t0 = performance.now();
    let ttft = null;
    let usage = null;
    let served = null;
    let res;
    try {
      res = await fetch('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
      if (!res.ok) {
        const data = await res.json().catch(() => null);
        const e = (data && data.error) || {};
        replace(statusSlot, badge(String(res.status), res.status >= 500 ? 'red' : 'amber'));
        replace(answer, '');
        answer.classList.add('placeholder');
        errorBox.append(callout('error', h('strong', null, `${res.status} ${e.code || ''}`.trim() + '. '), e.message || 'The request was refused.'));
        showStats(res, performance.now() - t0, null, null, null);
        return;
      }
      replace(statusSlot, badge('Streaming', 'blue'));
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let buf = '';
      let finished = false;
      while (!finished) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true }).replace(/\r\n/g, '\n');
        let idx;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (!data) continue;
          if (data === '[DONE]') { finished = true; break; }
          let chunk;
          try { chunk = JSON.parse(data); } catch { continue; }
          if (chunk.error) throw Object.assign(new Error(chunk.error.message || 'The stream failed.'), { api: chunk.error });
          if (chunk.model) served = chunk.model;
          if (chunk.usage) usage = chunk.usage;
          const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
          if (delta && delta.content) {
            if (ttft == null) ttft = performance.now() - t0;
            text.appendData(delta.content);
          }
        }
      }
      caret.remove();
      if (!text.data) { answer.classList.add('placeholder'); text.appendData('(empty answer)'); }
      replace(statusSlot, badge(String(res.status), 'green'));
      showStats(res, performance.now() - t0, ttft, usage, served);
    } catch (e) {
      caret.remove();
      if (e.name === 'AbortError') {
        replace(statusSlot, badge('Stopped', ''));
        if (res) showStats(res, performance.now() - t0, ttft, usage, served);
      } else {
        replace(statusSlot, badge('Failed', 'red'));
        errorBox.append(callout('error', h('strong', null, e.api && e.api.code ? e.api.code + '. ' : 'The stream broke off. '), e.message));
      }
    } finally {
      controller = null;
      send.disabled = false; stop.hidden = true;
    }
  }

  function showStats(res, total, ttft, usage, served) {
    const hdr = (n) => res.headers.get(n);
    const item = (label, value, id) => value == null ? null : h('span', { 'data-stat': id }, label + ' ', h('b', null, value));
    const provider = hdr('x-heimdall-provider');
    const modelHdr = hdr('x-heimdall-model') || served;
    const attempts = hdr('x-heimdall-attempts');
    replace(stats,
      item('Model', modelHdr ? (provider ? `${provider}/${modelHdr}` : modelHdr) : null, 'model'),
      item('Time to first token', ttft == null ? null : fmtMs(ttft), 'ttft'),
      item('Total', fmtMs(total), 'total'),
      usage ? h('span', { 'data-stat': 'tokens' }, 'Tokens ', h('b', { 'data-stat': 'in' }, fmtInt(usage.prompt_tokens)), ' in · ',
        h('b', { 'data-stat': 'out' }, fmtInt(usage.completion_tokens)), ' out') : null,
      usage ? null : h('span', null, 'No usage reported'),
      item('Attempts', attempts && attempts !== '1' ? attempts : null, 'attempts'),
      h('a', { href: '#/logs', style: { marginLeft: 'auto' } }, 'See it in the request log →'));
    stats.hidden = false;
  }

  return () => {
    Object.assign(memo, { model: model.value, system: system.value, message: message.value, temperature: Number(tempNum.value), maxTokens: maxTokens.value });
    if (controller) controller.abort();
  };
}
