// Gateway overhead: time to first byte through `kirikae serve` minus straight to the same stub,
// the cost per streamed chunk, and 50 concurrent streams without a lost chunk.
// Targets (issue 16): overhead p50 < 5 ms, p99 < 20 ms; < 1 ms per chunk; 50 streams intact.
// Run: node --import tsx bench/gateway.bench.mjs [--requests 200]
/* global fetch, TextDecoder */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGateway } from '../src/gateway/server.ts';
import { loadTokenizer } from '../src/router/tokenizer.ts';
import { buildCore } from '../src/wiring/build.ts';
import { startAllStubs } from '../test/support/all-stubs.ts';

const arg = process.argv.indexOf('--requests');
const REQUESTS = arg > 0 ? Number(process.argv[arg + 1]) : 200;
// The reference is the same upstream call the gateway makes: a Chat Completions model, so both
// sides read the same stream. (A Responses-API model such as gpt-6.2-sol was measured against a
// direct Chat Completions call: its stream carries four events before the first text, which
// the comparison counted as gateway overhead.)
const MODEL = 'openrouter/deepseek/deepseek-v4-flash';

await loadTokenizer();
const stubs = await startAllStubs();
const root = mkdtempSync(join(tmpdir(), 'kirikae-gw-bench-'));
mkdirSync(join(root, 'config'));
writeFileSync(join(root, 'config', 'config.json'), JSON.stringify({ budget: { monthlyUsd: 1e6 } }));
const core = buildCore({
  env: {
    ...stubs.env,
    KIRIKAE_DATA_DIR: join(root, 'data'),
    KIRIKAE_CONFIG_DIR: join(root, 'config'),
  },
  cwd: root,
  writeLedger: true,
  sessionId: 'bench',
  notice: () => {},
});
await core.local.ready(2_000);
const gateway = await startGateway(
  {
    config: () => core.config.get(),
    routing: core.routing,
    runner: core.runner,
    passthrough: false,
    pinned: () => ({ model: MODEL }),
  },
  { host: '127.0.0.1', port: 0 },
);

const body = (i) =>
  JSON.stringify({
    model: 'deepseek/deepseek-v4-flash',
    stream: true,
    messages: [{ role: 'user', content: `write a unit test for parse() #${i}` }],
  });

/** ms to the first body chunk, and the whole body. */
async function timed(url, i) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: body(i),
  });
  const reader = res.body.getReader();
  let first;
  let text = '';
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    first ??= performance.now() - t0;
    text += decoder.decode(value, { stream: true });
  }
  return { first, total: performance.now() - t0, text };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const direct = `${stubs.env.OPENROUTER_BASE_URL}/chat/completions`;
const via = `${gateway.url}/v1/chat/completions`;

// Warm both paths (JIT, connection setup, tokenizer caches).
for (let i = 0; i < 20; i++) {
  await timed(direct, i);
  await timed(via, i);
}
const d = [];
const g = [];
for (let i = 0; i < REQUESTS; i++) {
  d.push((await timed(direct, i)).first);
  g.push((await timed(via, i)).first);
}
const over50 = pct(g, 50) - pct(d, 50);
const over99 = pct(g, 99) - pct(d, 99);
console.log(
  `TTFB direct p50 ${pct(d, 50).toFixed(2)} ms p99 ${pct(d, 99).toFixed(2)} ms; via gateway p50 ${pct(g, 50).toFixed(2)} ms p99 ${pct(g, 99).toFixed(2)} ms`,
);
console.log(`overhead p50 ${over50.toFixed(2)} ms (< 5), p99 ${over99.toFixed(2)} ms (< 20)`);

// Per chunk: a 400-chunk answer, gateway minus direct, per chunk.
const CHUNKS = 400;
const long = { text: Array.from({ length: CHUNKS }, (_, i) => `w${i} `) };
const runs = [];
for (let r = 0; r < 5; r++) {
  stubs.openai.steps.push(long, long);
  const a = await timed(direct, r);
  const b = await timed(via, r);
  runs.push((b.total - a.total) / CHUNKS);
}
console.log(`per chunk added ${pct(runs, 50).toFixed(3)} ms (< 1)`);

// 50 concurrent streams of 100 chunks each: every chunk arrives, in order, in its own stream.
const STREAMS = 50;
for (let i = 0; i < STREAMS; i++)
  stubs.openai.steps.push({ text: Array.from({ length: 100 }, (_, k) => `s${i}c${k} `) });
const results = await Promise.all(Array.from({ length: STREAMS }, (_, i) => timed(via, i)));
let intact = 0;
for (const { text } of results) {
  const pieces = [...text.matchAll(/"content":"(s(\d+)c(\d+) )"/g)];
  const stream = pieces[0]?.[2];
  const ok = pieces.length === 100 && pieces.every((p, k) => p[2] === stream && Number(p[3]) === k);
  if (ok) intact++;
}
console.log(`${intact}/${STREAMS} concurrent streams intact`);

await gateway.close();
core.close();
await stubs.close();
const pass = over50 < 5 && over99 < 20 && pct(runs, 50) < 1 && intact === STREAMS;
process.exit(pass ? 0 : 1);
