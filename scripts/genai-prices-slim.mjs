// genai-prices carries every provider it knows (43 in 0.1.8, ~790 KB of object literal), and a
// bundle evaluates all of it at start: ~24 ms of every `kirikae route`. kirikae prices through a
// handful (src/catalog/price-providers.ts), so the bundles carry only those, plus the providers
// they fall back to for a model (in 0.1.8 Google's entries fall back to Anthropic's, for Claude
// on Vertex). The entries kept are the package's own objects, written out again; nothing is
// edited.
import { isDeepStrictEqual } from 'node:util';

/** The data array's bounds in the package's ES module build: `const E = [` … `\n], J = {`. */
const DATA_START = 'const E = [';
const DATA_END = '\n], J = {';
/** What shows that `E` is the provider data the lookups read. */
const DATA_USE = 'let k = E, q = Promise.resolve(E)';

const once = (source, text) => source.split(text).length === 2;

/**
 * `ids` and the providers they fall back to, transitively, as the package's own entries.
 * Throws for an id the package has no provider of (a renamed provider must fail the build).
 */
export function providersToKeep(ids, findProvider) {
  const kept = new Map();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.shift();
    if (kept.has(id)) continue;
    const provider = findProvider({ providerId: id });
    if (!provider || provider.id !== id)
      throw new Error(`genai-prices-slim: the package has no provider "${id}"`);
    kept.set(id, provider);
    queue.push(...(provider.fallback_model_providers ?? []));
  }
  return [...kept.values()];
}

/** The package's source with its provider data cut down to `providers` (from providersToKeep). */
export function slimPriceSource(source, providers) {
  for (const text of [DATA_START, DATA_END, DATA_USE])
    if (!once(source, text))
      throw new Error(`genai-prices-slim: \`${text.trim()}\` is not in the package's source once`);
  const start = source.indexOf(DATA_START);
  const end = source.indexOf(DATA_END);
  if (end < start) throw new Error('genai-prices-slim: the data array ends before it starts');
  const literal = JSON.stringify(providers);
  // JSON is only a faithful copy of plain data: no undefined, functions, dates or NaN.
  if (!isDeepStrictEqual(JSON.parse(literal), providers))
    throw new Error('genai-prices-slim: the provider data does not survive JSON');
  return `${source.slice(0, start)}const E = ${literal}${source.slice(end + '\n]'.length)}`;
}
