// Semantic cache benchmark (issue 18): lookup latency with 50,000 entries of 768 dimensions (the
// size of nomic-embed-text's vectors), the embedding call excluded; how often the lookup still
// finds the right entry through the signature prefilter (it may only ever lose a hit, never add
// one); the embedding call on its own; and what the cache costs when it is off.
// Run: node --import tsx bench/semcache.bench.mjs [--entries 50000] [--lookups 300]
//      [--paraphrase 0.87] [--ollama http://127.0.0.1:11434]
// Without --ollama the embedding call goes to the test suite's stub Ollama over HTTP: that
// measures kirikae's side of the call (request, JSON, normalising), not the model.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createSemanticCache } from '../src/cache/index.js';
import { conversationHash } from '../src/cache/context.js';
import { seededRandom } from '../src/cache/vectors.js';
import { embedText } from '../src/local/embed.js';
import { startOllamaStub } from '../test/support/ollama-stub.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ENTRIES = Number(arg('--entries', 50_000));
const LOOKUPS = Number(arg('--lookups', 300));
/** Cosine of each probe to the stored question it paraphrases (0.87: just over the threshold). */
const PARAPHRASE = Number(arg('--paraphrase', 0.87));
const OLLAMA = arg('--ollama', undefined);
const DIMS = 768;
const TOPICS = 500;
const random = seededRandom(42);
const gauss = () => random() + random() + random() - 1.5;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`load average at start ${load()} (2 cores shared with the other agents)`);

// Vectors as Float32Array, as the index holds them: the bench's own garbage must not be what
// the lookup's tail measures (768-number JS arrays for 50,000 entries are 300 MB of heap).
function unit(v) {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}
const randomUnit = () => unit(Float32Array.from({ length: DIMS }, gauss));
/** `base` moved by noise so the cosine to it is about `cos`. */
function near(base, cos) {
  const noise = randomUnit();
  const s = Math.sqrt(1 - cos * cos);
  return unit(base.map((x, i) => cos * x + s * noise[i]));
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const ms = (x) => x.toFixed(2);

// Clustered, like real questions of one project: many entries 0.5–0.7 apart, the hard case for
// the prefilter (random vectors would all be ~90° apart and trivially separated).
const topics = Array.from({ length: TOPICS }, randomUnit);
const t0 = performance.now();
let ops = [];
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
      vector: v,
      answer: `answer ${i}`,
      model: 'openrouter/deepseek/deepseek-v4-flash',
      tier: 4,
      usd: 0.004,
      context: { conversation: conversationHash([]), files: {}, gitHead: null },
    },
  });
}
const store = {
  location: 'bench',
  readNew: () => {
    const out = ops;
    ops = []; // read once, as a file store would; the cache keeps its own copy
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

// Every lookup counts, the first ones included: a session makes dozens, not thousands, so a
// slow start is most of what a user sees. CPU time (process-wide) beside the wall time tells
// the code's cost from the time the lookup waited for a core.
const wall = [];
const cpu = [];
let right = 0;
for (let i = 0; i < LOOKUPS; i++) {
  const target = (i * 7919) % ENTRIES;
  // A paraphrase of a stored question (cosine PARAPHRASE to it, ~0.5 to its topic's others).
  query = near(vectors[target], PARAPHRASE);
  const c0 = process.cpuUsage();
  const result = await cache.lookup(question(`q${i}`));
  const c = process.cpuUsage(c0);
  wall.push(cache.stats().lastLookupMs);
  cpu.push((c.user + c.system) / 1000);
  if ('hit' in result && result.hit.id === `e${target}`) right += 1;
  else if (process.env.DEBUG) console.log(target, JSON.stringify(result).slice(0, 200));
}
console.log(
  `lookup (embedding excluded), ${ENTRIES} entries × ${DIMS} dims, ${LOOKUPS} lookups: ` +
    `p50 ${ms(percentile(wall, 0.5))} ms, p99 ${ms(percentile(wall, 0.99))} ms, max ${ms(percentile(wall, 1))} ms ` +
    `(target p99 < 10 ms); first 10: max ${ms(Math.max(...wall.slice(0, 10)))} ms`,
);
console.log(
  `  CPU time per lookup call (all threads): p50 ${ms(percentile(cpu, 0.5))} ms, p99 ${ms(percentile(cpu, 0.99))} ms`,
);
if (process.env.DEBUG_SLOW)
  console.log(
    wall
      .map((w, i) => [i, w.toFixed(1), cpu[i].toFixed(1)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .join(' '),
  );
console.log(`paraphrases at cosine ${PARAPHRASE}: right entry found ${right}/${LOOKUPS}`);

// The embedding call, measured on its own (the cache shows it beside the lookup in /cache why).
const stub = OLLAMA
  ? undefined
  : await startOllamaStub({
      models: [{ name: 'nomic-embed-text', size: 274_302_450, capabilities: ['embedding'] }],
    });
const host = OLLAMA ?? stub.url;
const embedTimes = [];
for (let i = 0; i < 50; i++) {
  const { durationMs } = await embedText(`what does error E${i} of the parser mean?`, {
    host,
    model: 'ollama/nomic-embed-text',
  });
  embedTimes.push(durationMs);
}
await stub?.close();
console.log(
  `embedding call (${OLLAMA ? `Ollama at ${OLLAMA}` : 'stub Ollama over HTTP: kirikae side only'}), 50 calls: ` +
    `p50 ${ms(percentile(embedTimes, 0.5))} ms, p99 ${ms(percentile(embedTimes, 0.99))} ms`,
);

// Off: building the cache and a lookup touch neither the store nor the embedder.
let touched = 0;
const off = performance.now();
const idle = createSemanticCache({
  store: {
    location: 'off',
    readNew: () => (touched++, { ops: [], skipped: 0, reset: false }),
    append: () => touched++,
    rewrite: () => touched++,
  },
  embed: async () => (touched++, { vector: [1], durationMs: 0 }),
  config: () => ({ enabled: false, threshold: 0.85, ttlHours: 24, maxEntries: 5000, model: 'x' }),
});
await idle.lookup(question('what is a monad'));
console.log(
  `cache off: built and asked in ${ms(performance.now() - off)} ms; store and embedder touched ${touched} times`,
);
console.log(`load average at end ${load()}`);
