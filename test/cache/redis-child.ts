/*
 * A short-lived kirikae process on the shared Redis store (like `-p` or `kirikae cache`):
 * argv <redis url> <stream key> <fallback file>. Looks a question up, stores an answer, prints
 * both results, and then has nothing left to do: it must wait for Redis's replies, and exit on
 * its own once they came (the idle connection is unref'd).
 */
import { createSemanticCache, fileStore, redisStore } from '../../src/cache/index.js';
import { stubEmbedding } from '../support/stub-embedding.js';
import { SETTINGS, answered, question } from './support.js';

const [url, key, file] = process.argv.slice(2) as [string, string, string];
const cache = createSemanticCache({
  store: redisStore({ url, key, fallback: () => fileStore(file), ttlMs: () => 3_600_000 }),
  config: () => SETTINGS,
  embed: async (text) => ({ vector: stubEmbedding(text), durationMs: 0 }),
});
const looked = await cache.lookup(question('what is a monad'));
const stored = await cache.remember(question('what is a monad'), answered('A monad…'));
process.stdout.write(`${JSON.stringify({ looked, stored: 'stored' in stored })}\n`);
