// genai-prices as kirikae's bundles carry it (scripts/build.mjs). Each change makes a start that
// prices anything (`kirikae route`, the first card) cheaper, none changes an answer, and each
// fails the build when the package's source no longer has the text it changes
// (test/catalog/genai-prices-for-kirikae.test.ts compares the result with the package):
// - only the providers kirikae prices through (slimPriceSource);
// - code-unit order instead of localeCompare for its ASCII unit keys (withoutCollator);
// - the unit table's ancestor sets worked out at build time (withUnitAncestors).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const once = (source, text) => source.split(text).length === 2;

function replaceOnce(source, from, to, what) {
  if (!once(source, from))
    throw new Error(`${what}: \`${from}\` is not in the package's source once`);
  return source.replace(from, () => to);
}

/*
 * The package carries every provider it knows (43 in 0.1.8, ~790 KB of object literal), and a
 * bundle evaluates all of it at start: ~24 ms of every `kirikae route`. kirikae prices through a
 * handful (src/catalog/price-providers.ts), so the bundles carry only those, plus the providers
 * they fall back to for a model (in 0.1.8 Google's entries fall back to Anthropic's, for Claude
 * on Vertex). The entries kept are the package's own objects, written out again.
 */

/** The data array's bounds in the package's ES module build: `const E = [` … `\n], J = {`. */
const DATA_START = 'const E = [';
const DATA_END = '\n], J = {';
/** What shows that `E` is the provider data the lookups read. */
const DATA_USE = 'let k = E, q = Promise.resolve(E)';

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

/*
 * The package sorts its unit keys with localeCompare to build lookup keys and to order units,
 * and the first localeCompare initialises ICU's collator: ~15 ms. The keys are ASCII
 * identifiers, for which code-unit order is the same order (test/catalog/genai-prices-order.test.ts
 * checks the package's own keys).
 */
const COMPARES = [
  ['t.localeCompare(a)', '(t < a ? -1 : t > a ? 1 : 0)'],
  [
    'n.usageKey.localeCompare(s.usageKey)',
    '(n.usageKey < s.usageKey ? -1 : n.usageKey > s.usageKey ? 1 : 0)',
  ],
];

export function withoutCollator(source) {
  let out = source;
  for (const [from, to] of COMPARES)
    out = replaceOnce(out, from, to, 'genai-prices-without-collator');
  if (out.includes('localeCompare'))
    throw new Error('genai-prices-without-collator: another localeCompare in the package');
  return out;
}

/*
 * The unit table (`const X = new Y(J)`) works out each unit's ancestors (the units whose
 * dimensions it refines) by comparing every pair of its 59 units: ~11 ms of cold code at every
 * start. The answer depends only on the table, which is data in the same file, so the build
 * asks the package's own class for it and the constructor reads it back for that table.
 */
const UNIT_TABLE = 'const X = new Y(J);';
const ANCESTORS = '[...this.#e.values()].filter((o) => o !== i && $(o, i)).map((o) => o.usageKey)';

/** Each unit's ancestor keys, in the package's own order, as its class computes them. */
export async function unitAncestors(source) {
  const dir = mkdtempSync(join(tmpdir(), 'kirikae-genai-units-'));
  try {
    if (!once(source, UNIT_TABLE))
      throw new Error(`genai-prices-units: \`${UNIT_TABLE}\` is not in the package's source once`);
    const file = join(dir, 'index.mjs');
    writeFileSync(file, `${source}\nexport { X as __kirikaeUnits };\n`);
    const { __kirikaeUnits: units } = await import(pathToFileURL(file).href);
    const table = {};
    for (const key of units.getAllUsageKeys()) table[key] = [...units.ancestorUsageKeys(key)];
    return table;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The unit class reading `table` (from unitAncestors) for the package's own unit table. */
export function withUnitAncestors(source, table) {
  const named = replaceOnce(
    source,
    UNIT_TABLE,
    `const __kirikaeAncestors = ${JSON.stringify(table)};\n${UNIT_TABLE}`,
    'genai-prices-units',
  );
  // Only for that table (`t === J`); any other is worked out as the package does.
  return replaceOnce(
    named,
    ANCESTORS,
    `(t === J ? __kirikaeAncestors[a] : undefined) ?? ${ANCESTORS}`,
    'genai-prices-units',
  );
}

/** Everything above, in order: what the bundles carry. */
export function priceSourceForKirikae(source, { providers, ancestors }) {
  return withUnitAncestors(withoutCollator(slimPriceSource(source, providers)), ancestors);
}
