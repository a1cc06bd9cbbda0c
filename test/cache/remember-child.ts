/*
 * A kirikae process storing answers in the semantic cache file as fast as it can, through the
 * real file store. argv: <store file> <tag> <count>. Prints "ready", waits for a line on stdin
 * (so two children start together), then stores <count> answers and prints "done".
 */
import { createSemanticCache, fileStore } from '../../src/cache/index.js';
import { stubEmbedding } from '../support/stub-embedding.js';
import { SETTINGS, answered, question } from './support.js';

const [file, tag, countArg] = process.argv.slice(2) as [string, string, string];
const cache = createSemanticCache({
  store: fileStore(file),
  config: () => SETTINGS,
  embed: async (text) => ({ vector: stubEmbedding(text), durationMs: 0 }),
});
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void (async () => {
    for (let i = 0; i < Number(countArg); i++) {
      await cache.remember(
        question(`what does error code ${tag}${i} of the ${tag} service mean`),
        answered(`${tag} answer ${i} `.repeat(40)),
      );
    }
    process.stdout.write('done\n');
    process.exit(0);
  })();
});
