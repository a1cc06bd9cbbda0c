import { describe, expect, it } from 'vitest';
import { answered, question, testCache } from './support.js';

/*
 * The hit rate on questions asked again, the figure issue 18 aims at (60 % on repeated
 * questions), measured with the stub's bag-of-words embedding. That embedding only sees shared
 * words: a real nomic-embed-text also matches reworded paraphrases, so this is a floor.
 * Each original is asked once and answered; then every probe is looked up.
 */
const ORIGINALS = [
  'What does the TypeError "cannot read properties of undefined" mean?',
  'How does the router pick a tier for a turn?',
  'What is the difference between map and flatMap in JavaScript?',
  'Why does npm ci fail with a lockfile mismatch?',
  'Explain how prompt caching works on Anthropic models',
  'What does the keep_alive parameter do in Ollama?',
  'How do I write a vitest test that uses fake timers?',
  'What is a race condition in Node.js streams?',
  'Explain the ESLint rule no-floating-promises',
  'How is the KV cache size of a local model computed?',
];

/** Asked again: the same words, reordered, with filler, other punctuation or case. */
const REPEATS: [number, string][] = [
  [0, 'what does the TypeError "cannot read properties of undefined" mean'],
  [1, 'how does the router pick a tier for each turn?'],
  [2, 'What is the difference between flatMap and map in JavaScript'],
  [3, 'Why does `npm ci` fail with a lockfile mismatch'],
  [4, 'Can you explain how prompt caching works on Anthropic models?'],
  [5, 'what does the keep_alive parameter do in ollama'],
  [6, 'How do I write a vitest test using fake timers?'],
  [7, 'What is a race condition in Node.js streams, exactly?'],
  [8, 'Please explain the ESLint rule no-floating-promises'],
  [9, 'how is the KV cache size of a local model computed'],
];

/** Reworded: a real embedding model should match most of these; bag-of-words fewer. */
const PARAPHRASES: [number, string][] = [
  [0, 'What is meant by TypeError: cannot read properties of undefined?'],
  [1, 'Which tier does the router choose for a turn, and how?'],
  [2, 'map vs flatMap in JavaScript: what is the difference?'],
  [3, 'npm ci fails saying the lockfile does not match. Why?'],
  [4, 'How does Anthropic prompt caching work?'],
  [5, 'In Ollama, what is keep_alive for?'],
  [6, 'Writing a vitest test with fake timers: how?'],
  [7, 'What race conditions can happen with Node.js streams?'],
  [8, 'What does the no-floating-promises ESLint rule do?'],
  [9, 'How do you compute the KV cache size for a local model?'],
];

/** Other questions on the same subjects: must never get one of the stored answers. */
const DIFFERENT = [
  'What does the TypeError "x is not a function" mean?',
  'How does the router estimate the cost of a turn?',
  'What is the difference between reduce and filter in JavaScript?',
  'Why does npm install hang on a proxy?',
  'How does prompt caching work on OpenAI models?',
  'What does the num_ctx parameter do in Ollama?',
  'How do I mock a module in vitest?',
  'What is backpressure in Node.js streams?',
];

/** Work on the workspace on the same subjects: never served from the cache. */
const ACTIONS = [
  'Fix the TypeError "cannot read properties of undefined"',
  'Change how the router picks a tier for a turn',
  'Update the lockfile so npm ci stops failing',
  'Write a vitest test that uses fake timers',
  'please add keep_alive to the Ollama requests',
];

describe('hit rate on questions asked again', () => {
  it('serves repeats and many paraphrases the right answer, and nothing else', async () => {
    const { cache } = testCache();
    for (const [i, q] of ORIGINALS.entries()) {
      expect(await cache.remember(question(q), answered(`answer ${i}`))).toHaveProperty('stored');
    }
    const rate = async (probes: [number, string][]) => {
      let hits = 0;
      for (const [i, q] of probes) {
        const result = await cache.lookup(question(q));
        if ('hit' in result) {
          // A hit is always the answer to the question it paraphrases.
          expect(result.hit.answer, q).toBe(`answer ${i}`);
          hits += 1;
        }
      }
      return hits / probes.length;
    };
    const repeats = await rate(REPEATS);
    const paraphrases = await rate(PARAPHRASES);
    for (const q of [...DIFFERENT, ...ACTIONS]) {
      expect(await cache.lookup(question(q)), q).toHaveProperty('miss');
    }
    // Measured with the stub embedding (reported for issue 18): 9 of the 10 repeats ("for each
    // turn" instead of "for a turn" scores 0.84) and 2 of the 10 reworded paraphrases, with no
    // wrong answer served and no action prompt or different question served at all.
    expect(repeats).toBeGreaterThanOrEqual(0.9);
    expect(paraphrases).toBeGreaterThanOrEqual(0.2);
  });
});
