// Semantic cache benchmark: lookup latency with 50,000 entries of 768 dimensions (the size of
// nomic-embed-text's vectors), the embedding call excluded; and how often the lookup still finds
// the right entry through the signature prefilter (it may only ever lose a hit, never add one).
// Run: node --import tsx bench/semcache.bench.mjs [--entries 50000] [--lookups 300]
import { performance } from 'node:perf_hooks';
import { createSemanticCache } from '../src/cache/index.js';
import { conversationHash } from '../src/cache/context.js';
import { seededRandom } from '../src/cache/vectors.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ENTRIES = arg('--entries', 50_000);
const LOOKUPS = arg('--lookups', 300);
/** Cosine of each probe to the stored question it paraphrases (0.87: just over the threshold). */
const PARAPHRASE = arg('--paraphrase', 0.95);
const DIMS = 768;
const TOPICS = 500;
const random = seededRandom(42);
const gauss = () => random() + random() + random() - 1.5;

function unit(v) {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
/** `base` moved by noise so the cosine to it is about `cos`. */
function near(base, cos) {
  const noise = unit(Array.from({ length: DIMS }, gauss));
  const s = Math.sqrt(1 - cos * cos);
  return unit(base.map((x, i) => cos * x + s * noise[i]));
}

// Clustered, like real questions of one project: many entries 0.5–0.7 apart, the hard case for
// the prefilter (random vectors would all be ~90° apart and trivially separated).
const topics = Array.from({ length: TOPICS }, () => unit(Array.from({ length: DIMS }, gauss)));
const t0 = performance.now();
const ops = [];
const vectors = [];
for (let i = 0; i < ENTRIES; i++) {
  const v = near(topics[i % TOPICS], 0.75);
  vectors.push(v);
  ops.push({
    op: 'put',
    entry: {
      id: `e${i}`,
      storedAt: 1_000_000 + i,
      question: `question ${i}`,
      vector: Float32Array.from(v),
      answer: `answer ${i}`,
      model: 'openrouter/deepseek/deepseek-v4-flash',
      tier: 4,
      usd: 0.004,
      context: { conversation: conversationHash([]), files: {}, gitHead: null },
    },
  });
}
let served = false;
const store = {
  location: 'bench',
  readNew: () => {
    const out = served ? [] : ops;
    served = true;
    return { ops: out, skipped: 0, reset: false };
  },
  append: () => {},
  rewrite: () => {},
};
let query;
const cache = createSemanticCache({
  store,
  embed: async () => ({ vector: query, durationMs: 0 }),
  config: () => ({ enabled: true, threshold: 0.85, ttlHours: 1e6, maxEntries: 1e6, model: 'x' }),
  now: () => 2_000_000,
});
const question = (prompt) => ({ prompt, conversation: [], files: [], gitHead: null, tier: 4 });
query = near(vectors[0], 0.95);
const l0 = performance.now();
await cache.lookup(question('load'));
const loadMs = performance.now() - l0;
console.log(
  `built ${ENTRIES} entries in ${(l0 - t0).toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms`,
);

const times = [];
let right = 0;
for (let i = 0; i < LOOKUPS; i++) {
  const target = (i * 7919) % ENTRIES;
  // A paraphrase of a stored question (cosine PARAPHRASE to it, ~0.5 to its topic's others).
  query = near(vectors[target], PARAPHRASE);
  const result = await cache.lookup(question(`q${i}`));
  times.push(cache.stats().lastLookupMs);
  if ('hit' in result && result.hit.id === `e${target}`) right += 1;
  else if (process.env.DEBUG) console.log(target, JSON.stringify(result).slice(0, 200));
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(
  `lookup (embedding excluded), ${ENTRIES} entries × ${DIMS} dims: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`,
);
console.log(`paraphrases at cosine ${PARAPHRASE}: right entry found ${right}/${LOOKUPS}`);
