import { h, replace, clear, badge, fileBadge, empty, errorCallout, callout, icon, toast, copyText, fmtDateTime, fmtRelative, skeletonRows } from '../dom.js';
import { get } from '../api.js';

export default function render(outlet) {
  const body = h('div', { class: 'stack' });
  const errorBox = h('div', { class: 'slot' });
  outlet.append(h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('div', { class: 'titles' }, h('h1', null, 'Configuration'), h('p', null, 'The configuration in force, where each part of it comes from, and what Heimdall warned about.')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onClick: load }, icon('refresh'), 'Refresh'))),
    errorBox, body));

  replace(body, h('section', { class: 'card' }, h('table', { class: 'table' }, h('tbody', null, skeletonRows(3, 5)))));
  load();

  async function load() {
    try {
      const c = await get('/api/config');
      clear(errorBox);
      draw(c);
    } catch (e) {
      replace(errorBox, errorCallout(e, load));
      clear(body);
    }
  }

  function draw(c) {
    const store = c.config_store || {};
    const logs = c.logs_store || {};
    const entities = Object.entries(c.entities || {});
    const fileCount = entities.filter(([, e]) => e.source === 'file').length;
    const filter = h('input', { type: 'search', placeholder: 'Filter entities', 'aria-label': 'Filter entities', style: { width: '220px' } });
    const tbody = h('tbody');
    const fillEntities = () => {
      const q = filter.value.trim().toLowerCase();
      const rows = entities.filter(([id]) => !q || id.toLowerCase().includes(q));
      replace(tbody, rows.length ? rows.map(([id, e]) => {
        const slash = id.indexOf('/');
        return h('tr', null,
          h('td', null, h('span', { class: 'muted' }, id.slice(0, slash).replace(/_/g, ' '))),
          h('td', { class: 'primary-cell mono' }, id.slice(slash + 1)),
          h('td', null, e.source === 'file' ? fileBadge() : badge('API', 'blue plain', { title: 'Created through the API; kept across restarts and reloads.' }),
            e.shadows_api_entity ? [' ', badge('shadows an API entity', 'amber', { title: 'The API created one with this id too; the file’s version is in force and the API’s is kept, unused.' })] : null),
          h('td', { class: 'hide-sm nowrap', title: fmtDateTime(e.updated_at) }, fmtRelative(e.updated_at)));
      }) : h('tr', null, h('td', { colspan: 4 }, h('span', { class: 'muted' }, 'No entity matches.'))));
    };
    filter.addEventListener('input', fillEntities);
    fillEntities();

    const aliases = Object.values(c.aliases || {});
    const warnings = c.warnings || [];
    const json = JSON.stringify(c.effective, null, 2);

    replace(body,
      h('section', { class: 'card', id: 'config-summary' }, h('div', { class: 'card-body' }, h('dl', { class: 'props' },
        h('dt', null, 'Config file'), h('dd', null, h('code', null, c.config_file || '—')),
        h('dt', null, 'Config hash'), h('dd', null, h('code', { title: c.config_hash }, (c.config_hash || '—').slice(0, 12))),
        h('dt', null, 'Applied'), h('dd', null, fmtDateTime(c.applied_at), h('span', { class: 'muted' }, ` (${fmtRelative(c.applied_at)})`)),
        h('dt', null, 'Config store'), h('dd', null, h('code', null, store.database || store.type || '—'), ' · ', store.shared_across_replicas ? 'shared by every replica' : 'this replica only'),
        h('dt', null, 'Request log'), h('dd', null, h('code', null, logs.database || logs.type || '—'), ' · ', logs.shared_across_replicas ? 'every replica’s requests' : 'this replica’s requests'),
        h('dt', null, 'Plugins'), h('dd', null, (c.plugins || []).length ? h('div', { class: 'chips' }, c.plugins.map((p) => badge(`${p.name}${p.enabled ? '' : ' (off)'}`, p.enabled ? 'green' : ''))) : h('span', { class: 'muted' }, 'none'))))),
      store.writes_reach_this_pod_only ? callout('warn', h('strong', null, 'Writes reach only this replica. '), store.note || '') : null,
      callout('info', h('strong', null, 'Precedence. '), c.precedence ? c.precedence + '.' : '',
        ' An entity the file declares with the id of one created here wins; the API’s is kept, shadowed, until the file stops declaring it.'),
      h('section', { class: 'card', id: 'config-warnings' },
        h('div', { class: 'card-head' }, h('h2', null, 'Warnings'), warnings.length ? badge(String(warnings.length), 'amber plain') : null),
        warnings.length ? h('ul', { class: 'warnings' }, warnings.map((w) => h('li', null, icon('warn'), h('span', null, w))))
          : h('div', { class: 'card-body muted' }, 'No warnings: every field was understood and every entity applies to something.')),
      h('section', { class: 'card', id: 'config-entities' },
        h('div', { class: 'card-head' }, h('h2', null, 'Who owns what'), h('span', { class: 'sub' }, `${entities.length} entities · ${fileCount} from config.json · ${entities.length - fileCount} created here`),
          h('span', { class: 'grow' }), filter),
        h('div', { class: 'table-wrap', style: { maxHeight: '420px', overflowY: 'auto' } }, h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, 'Kind'), h('th', null, 'Id'), h('th', null, 'Owner'), h('th', { class: 'hide-sm' }, 'Changed'))), tbody))),
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Aliases')),
        aliases.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, 'Alias'), h('th', null, 'Targets, in order'), h('th', null, 'Owner'))),
          h('tbody', null, aliases.map((a) => h('tr', null, h('td', { class: 'primary-cell mono' }, a.name),
            h('td', null, h('div', { class: 'chips' }, a.targets.map((t) => h('span', { class: 'chip' }, t)))),
            h('td', null, a.source === 'file' ? fileBadge() : badge('API', 'blue plain')))))))
          : h('div', { class: 'card-body muted' }, 'No aliases. An alias gives clients one model name for a list of provider/model targets tried in order.')),
      h('section', { class: 'card', id: 'config-effective' },
        h('div', { class: 'card-head' }, h('h2', null, 'Effective configuration'), h('span', { class: 'sub' }, 'config.json and what was created here, merged; secrets redacted'),
          h('span', { class: 'grow' }),
          h('button', { type: 'button', class: 'btn sm', onClick: async () => toast((await copyText(json)) ? 'Copied' : 'Could not copy') }, icon('copy'), 'Copy')),
        h('pre', { class: 'json', tabindex: '0', 'aria-label': 'Effective configuration (JSON)' }, highlight(c.effective, 0))));
  }
}

/** Pretty JSON as spans (text nodes only), two-space indents. */
function highlight(v, depth) {
  const pad = '  '.repeat(depth);
  const inner = '  '.repeat(depth + 1);
  if (v === null) return h('span', { class: 'z' }, 'null');
  if (typeof v === 'string') return h('span', { class: 's' }, JSON.stringify(v));
  if (typeof v === 'number') return h('span', { class: 'n' }, String(v));
  if (typeof v === 'boolean') return h('span', { class: 'b' }, String(v));
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const out = ['[\n'];
    v.forEach((x, i) => out.push(inner, highlight(x, depth + 1), i < v.length - 1 ? ',\n' : '\n'));
    out.push(pad, ']');
    return h('span', null, out);
  }
  const keys = Object.keys(v);
  if (!keys.length) return '{}';
  const out = ['{\n'];
  keys.forEach((k, i) => out.push(inner, h('span', { class: 'k' }, JSON.stringify(k)), ': ', highlight(v[k], depth + 1), i < keys.length - 1 ? ',\n' : '\n'));
  out.push(pad, '}');
  return h('span', null, out);
}
