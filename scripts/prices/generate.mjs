// Generates src/main/resources/prices/genai-prices.json, the price table bundled into Heimdall
// (read by dev.heimdall.governance.PriceTable), from the pinned @pydantic/genai-prices package.
//
//   cd scripts/prices && npm ci --ignore-scripts && node generate.mjs
//
// Heimdall only meters text tokens, so each model keeps just input/output/cache prices, resolved
// to the single price that applies today; the package's match rules are copied verbatim so the
// Java side can reproduce the package's model lookup.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProvider } from '@pydantic/genai-prices';

const PACKAGE = '@pydantic/genai-prices';
const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(here, '../../src/main/resources/prices/genai-prices.json');
// Read the installed version rather than trusting package.json, so "source" says what was used.
// (The package's "exports" hide package.json from resolution, hence the direct path.)
const version = JSON.parse(readFileSync(resolve(here, 'node_modules', PACKAGE, 'package.json'), 'utf8')).version;

// Heimdall provider name -> genai-prices provider id. Providers sharing an id (gemini/vertex) are
// written once, under the first name, and the others become aliases.
const PROVIDERS = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure',
  gemini: 'google',
  vertex: 'google',
  bedrock: 'aws',
  mistral: 'mistral',
  groq: 'groq',
  cohere: 'cohere',
  perplexity: 'perplexity',
  xai: 'x-ai',
  cerebras: 'cerebras',
  deepseek: 'deepseek',
  fireworks: 'fireworks',
  openrouter: 'openrouter',
};

// The only price fields Heimdall uses.
const FIELDS = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok'];

const now = new Date();

// A model's prices are either one ModelPrice or a list of ConditionalPrice. Pick the entry in force
// now: the latest start date that has begun (an unconstrained entry counts as the oldest).
// Time-of-day entries (off-peak discounts) are ignored unless they are all there is, because a
// static table cannot follow the clock.
function currentPrices(model) {
  if (!Array.isArray(model.prices)) return model.prices;
  const dated = model.prices.filter((p) => p.constraint?.type !== 'time_of_date');
  const candidates = dated.length ? dated : model.prices;
  const startOf = (p) => (p.constraint?.type === 'start_date' ? new Date(p.constraint.start_date) : new Date(0));
  const started = candidates.filter((p) => startOf(p) <= now);
  if (!started.length) return candidates[0].prices; // all in the future: same fallback as the package
  return started.reduce((best, p) => (startOf(p) >= startOf(best) ? p : best)).prices;
}

// Tiered prices (by prompt size) collapse to their base tier.
function flatPrice(value) {
  return typeof value === 'object' && value !== null ? value.base : value;
}

function convertModel(model) {
  const prices = currentPrices(model);
  const out = { id: model.id, match: model.match };
  for (const field of FIELDS) {
    const value = flatPrice(prices[field]);
    if (typeof value === 'number') out[field] = value;
  }
  return out.input_mtok === undefined && out.output_mtok === undefined ? null : out;
}

function loadProvider(id) {
  const provider = findProvider({ providerId: id });
  if (!provider || provider.id !== id) throw new Error(`${PACKAGE} has no provider '${id}'`);
  return provider;
}

// Heimdall name of each genai-prices id, for writing a provider once and naming fallbacks.
const nameOf = {};
const aliases = {};
for (const [name, id] of Object.entries(PROVIDERS)) {
  if (nameOf[id]) aliases[name] = nameOf[id];
  else nameOf[id] = name;
}

// The package retries a miss against the provider's fallback_model_providers (e.g. Azure serves
// OpenAI models, Vertex serves Anthropic ones). Keep those lists, and also bundle fallback
// providers Heimdall has no name for (written under their genai-prices id).
const providers = {};
const fallbacks = {};
const pending = Object.keys(nameOf);
while (pending.length) {
  const id = pending.shift();
  const name = nameOf[id] ?? id;
  if (providers[name]) continue;
  const provider = loadProvider(id);
  providers[name] = provider.models.map(convertModel).filter((m) => m !== null);
  if (provider.fallback_model_providers?.length) {
    fallbacks[name] = provider.fallback_model_providers.map((fallback) => nameOf[fallback] ?? fallback);
    pending.push(...provider.fallback_model_providers);
  }
}

// Hand-formatted, one model per line, so regenerations diff readably.
const json = (value) => JSON.stringify(value);
const lines = [
  '{',
  `  "source": ${json(`${PACKAGE} ${version}`)},`,
  `  "generated": ${json(now.toISOString().slice(0, 10))},`,
  `  "note": ${json(
    'Generated file, do not edit. Regenerate with: cd scripts/prices && npm ci --ignore-scripts && node generate.mjs ' +
      '(bump the version in package.json to refresh prices). Prices are USD per million tokens, resolved to the ' +
      'date in "generated"; time-of-day discounts are ignored and tiered prices use their base tier.',
  )},`,
  `  "aliases": ${json(aliases)},`,
  `  "fallbacks": ${json(fallbacks)},`,
  '  "providers": {',
  Object.entries(providers)
    .map(([name, models]) => `    ${json(name)}: [\n${models.map((m) => `      ${json(m)}`).join(',\n')}\n    ]`)
    .join(',\n'),
  '  }',
  '}',
  '',
];
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, lines.join('\n'));

for (const [name, models] of Object.entries(providers)) console.log(`${name}: ${models.length} models`);
console.log(`wrote ${output}`);
