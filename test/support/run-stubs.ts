// Starts every stub server for trying kirikae by hand:
//   node --import tsx test/support/run-stubs.ts > /tmp/stubs.env && set -a && . /tmp/stubs.env
// Every cloud answer streams a few paragraphs slowly, so tok/s and Esc can be seen.
import { QWEN3_CODER, startAllStubs } from './all-stubs.js';

// nomic-embed-text so the semantic cache (cache.semantic.enabled) can be tried too.
const stubs = await startAllStubs({
  models: [
    QWEN3_CODER,
    { name: 'nomic-embed-text:latest', size: 274_000_000, contextLength: 2048 },
  ],
});
const answer =
  'Here is what I would change.\n\n```ts\nexport function extractParams(url: string): URLSearchParams {\n  return new URL(url).searchParams; // parsed once\n}\n```\n\nThe old name is kept as an alias for one release. '.repeat(
    3,
  );
const pieces = answer.match(/.{1,6}/gs) ?? [answer];
for (let i = 0; i < 200; i++) {
  stubs.anthropic.steps.push({
    text: pieces,
    chunkDelayMs: 40,
    usage: { input: 1200, output: 180, cacheRead: 0, cacheWrite: 1100 },
  });
  stubs.openai.steps.push({ text: pieces, chunkDelayMs: 40 });
  stubs.ollama.chatSteps.push({ chunks: pieces, chunkDelayMs: 40 });
}
for (const [key, value] of Object.entries(stubs.env)) console.log(`${key}=${value}`);
process.on('SIGTERM', () => void stubs.close().then(() => process.exit(0)));
