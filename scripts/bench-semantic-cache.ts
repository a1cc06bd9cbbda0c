// Semantic cache lookup at scale (issue 18): p50/p99 of a lookup over 50,000 stored answers,
// the embedding call excluded (it is measured on its own and shown by /cache why). Entries are
// 768-dimension unit vectors like nomic-embed-text's, stored through the real cache façade.
// Run: npx tsx scripts/bench-semantic-cache.ts [entries]
import { createSemanticCache, memoryStore } from '../src/cache/index.js';
import type { TurnQuestion } from '../src/cache/types.js';
import { stubEmbedding } from '../test/support/stub-embedding.js';

const ENTRIES = Number(process.argv[2] ?? 50_000);
const LOOKUPS = 400;
// A developer's vocabulary is thousands of words: random 3–9 letter tokens stand in for it (a
// vocabulary of a few dozen words would make every question a near neighbour of thousands).
const WORDS: string[] = [];
let seed = 7;
function rand(): number {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
for (let i = 0; i < 6000; i++) {
  const length = 3 + Math.floor(rand() * 7);
  WORDS.push(
    Array.from({ length }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''),
  );
}
function sentence(): string {
  const n = 6 + Math.floor(rand() * 10);
  return Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

const vectors = new Map<string, number[]>();
const settings = {
  enabled: true,
  threshold: 0.85,
  ttlHours: 24,
  maxEntries: ENTRIES + 1,
  model: 'ollama/nomic-embed-text',
};
const cache = createSemanticCache({
  store: memoryStore(),
  config: () => settings,
  embed: async (text) => ({ vector: vectors.get(text) ?? stubEmbedding(text), durationMs: 0 }),
});
const question = (prompt: string): TurnQuestion => ({
  prompt,
  conversation: [],
  files: [],
  gitHead: null,
  tier: 2,
});

const started = performance.now();
for (let i = 0; i < ENTRIES; i++) {
  const prompt = `${sentence()} #${i}`;
  await cache.remember(question(prompt), {
    answer: `answer ${i}`,
    model: 'openrouter/deepseek/deepseek-v4-flash',
    tier: 2,
    usd: 0.001,
    toolCalls: 0,
    changedFiles: 0,
    outcome: 'ok',
  });
}
const fillMs = performance.now() - started;

const times: number[] = [];
let hits = 0;
for (let i = 0; i < LOOKUPS; i++) {
  const prompt = i % 2 ? `${sentence()} #${Math.floor(rand() * ENTRIES)}` : sentence();
  vectors.set(prompt, stubEmbedding(prompt));
  const result = await cache.lookup(question(prompt));
  if ('hit' in result) hits++;
  times.push(cache.stats().lastLookupMs ?? Number.NaN);
}
// The same-run reference: an exact cosine scan of every stored vector (what the index avoids),
// timed on a few of the same queries, so a loaded machine shows as a ratio, not a miss.
const stored = cache.list().length;
const flat = new Float32Array(ENTRIES * 768);
for (let i = 0; i < ENTRIES; i++) flat.set(stubEmbedding(`${i}`), i * 768);
const scans: number[] = [];
for (const prompt of [...vectors.keys()].slice(0, 20)) {
  const q = stubEmbedding(prompt);
  const t0 = performance.now();
  let best = -1;
  for (let i = 0; i < ENTRIES; i++) {
    let d = 0;
    const o = i * 768;
    for (let k = 0; k < 768; k++) d += flat[o + k]! * q[k]!;
    if (d > best) best = d;
  }
  scans.push(performance.now() - t0);
}
scans.sort((a, b) => a - b);
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
const p99 = at(0.99);
console.log(
  JSON.stringify({
    bench: 'semantic-cache lookup (embedding excluded)',
    entries: ENTRIES,
    lookups: LOOKUPS,
    fillSeconds: Math.round(fillMs / 100) / 10,
    p50Ms: Math.round(at(0.5) * 100) / 100,
    p99Ms: Math.round(p99 * 100) / 100,
    targetP99Ms: 10,
    met: p99 < 10,
    hits,
    storedEntries: stored,
    bruteForceScanMedianMs: Math.round(scans[scans.length >> 1]! * 10) / 10,
    p50VsBruteForce: Math.round((at(0.5) / scans[scans.length >> 1]!) * 1000) / 1000,
  }),
);
