import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/cache/index.js';
import { HOUR, answered, question, testCache } from './support.js';

const Q = 'What does the TypeError "cannot read properties of undefined" mean in JavaScript?';
const PARAPHRASE =
  'What does the TypeError "cannot read properties of undefined" mean in JavaScript';

describe('semantic cache: hits', () => {
  it('serves the stored answer for the same question, with its price, model and age', async () => {
    const { cache, clock } = testCache();
    const stored = await cache.remember(
      question(Q),
      answered('It means you read a field of undefined.'),
    );
    expect(stored).toHaveProperty('stored');
    clock.now += 2 * HOUR;
    const result = await cache.lookup(question(PARAPHRASE));
    if (!('hit' in result)) throw new Error(`expected a hit, got ${JSON.stringify(result)}`);
    expect(result.hit.answer).toBe('It means you read a field of undefined.');
    expect(result.hit.similarity).toBeGreaterThan(0.99);
    expect(result.hit.usd).toBe(0.004);
    expect(result.hit.model).toBe('openrouter/deepseek/deepseek-v4-flash');
    expect(result.hit.ageMs).toBe(2 * HOUR);
    expect(cache.explainLast()).toMatch(
      /^hit: cached answer from 2 h ago \(similarity 1\.00, was openrouter\/deepseek…, \$0\.004\)/,
    );
  });

  it('reuses the lookup embedding when the same prompt is remembered (one embed call)', async () => {
    const { cache, embeds } = testCache();
    await cache.remember(question('explain closures in javascript'), answered('A closure…'));
    await cache.lookup(question('what are javascript closures'));
    await cache.remember(question('what are javascript closures'), answered('Closures are…'));
    expect(embeds).toEqual(['explain closures in javascript', 'what are javascript closures']);
  });
});

describe('semantic cache: each safety rule is a miss with its reason', () => {
  it('is off unless enabled, without embedding anything', async () => {
    const { cache, embeds } = testCache({ enabled: false });
    expect(await cache.remember(question(Q), answered('x'))).toEqual({ skipped: 'disabled' });
    expect(await cache.lookup(question(Q))).toEqual({ miss: { kind: 'disabled' } });
    expect(embeds).toEqual([]);
  });

  it('never stores or serves "fix the failing test"', async () => {
    const { cache, embeds } = testCache();
    expect(await cache.remember(question('fix the failing test'), answered('Done.'))).toEqual({
      skipped: 'action_prompt',
    });
    await cache.remember(question('why is the failing test failing?'), answered('Because…'));
    const result = await cache.lookup(question('Fix the failing test'));
    expect(result).toEqual({ miss: { kind: 'action_prompt', detail: 'Fix' } });
    expect(cache.explainLast()).toMatch(/asks for work on the workspace/);
    expect(embeds).toEqual(['why is the failing test failing?']);
  });

  it('does not store a turn that called a tool, changed a file, failed or said nothing', async () => {
    const { cache } = testCache();
    const q = question('what is a monad');
    expect(await cache.remember(q, answered('…', { toolCalls: 1 }))).toEqual({
      skipped: 'tool_calls',
    });
    expect(await cache.remember(q, answered('…', { changedFiles: 2 }))).toEqual({
      skipped: 'changed_files',
    });
    expect(await cache.remember(q, answered('…', { outcome: 'aborted' }))).toEqual({
      skipped: 'not_ok',
    });
    expect(await cache.remember(q, answered('  '))).toEqual({ skipped: 'empty_answer' });
    expect(await cache.lookup(q)).toEqual({ miss: { kind: 'empty' } });
  });

  it('does not store a question or an answer that holds an API key', async () => {
    const { cache } = testCache();
    const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345';
    expect(await cache.remember(question(`why is ${key} rejected?`), answered('…'))).toEqual({
      skipped: 'secret',
    });
    expect(await cache.remember(question('what is my key'), answered(`it is ${key}`))).toEqual({
      skipped: 'secret',
    });
    expect(cache.list()).toEqual([]);
  });

  it('misses below the threshold and names the closest similarity', async () => {
    const { cache } = testCache();
    await cache.remember(question('what is a monad in haskell'), answered('A monad…'));
    const result = await cache.lookup(question('how does garbage collection work in go'));
    if (!('miss' in result) || result.miss.kind !== 'below_threshold')
      throw new Error(JSON.stringify(result));
    expect(result.miss.similarity).toBeLessThan(0.3);
    expect(result.miss.threshold).toBe(0.85);
  });

  it('misses when the conversation before the question differs', async () => {
    const { cache } = testCache();
    await cache.remember(
      question(Q, { conversation: ['user: hi', 'assistant: hello'] }),
      answered('A'),
    );
    const result = await cache.lookup(
      question(Q, { conversation: ['user: hi', 'assistant: hey'] }),
    );
    expect(result).toMatchObject({ miss: { kind: 'conversation_changed' } });
    expect(
      await cache.lookup(question(Q, { conversation: ['user: hi', 'assistant: hello'] })),
    ).toHaveProperty('hit');
  });

  it('misses when a quoted file changed, or another file is quoted', async () => {
    const { cache } = testCache();
    const file = { path: 'src/app.ts', content: 'export const a = 1;\n' };
    const q = 'explain @src/app.ts';
    await cache.remember(question(q, { files: [file] }), answered('It exports a.'));
    expect(await cache.lookup(question(q, { files: [file] }))).toHaveProperty('hit');
    const changed = await cache.lookup(
      question(q, { files: [{ ...file, content: 'export const a = 2;\n' }] }),
    );
    expect(changed).toMatchObject({ miss: { kind: 'file_changed', path: 'src/app.ts' } });
    const extra = await cache.lookup(
      question(q, { files: [file, { path: 'src/b.ts', content: '' }] }),
    );
    expect(extra).toMatchObject({ miss: { kind: 'file_changed', path: 'src/b.ts' } });
  });

  it('misses a workspace question at another git HEAD, but not a general one', async () => {
    const { cache } = testCache();
    await cache.remember(
      question('what does this repo build?', { gitHead: 'aaa111' }),
      answered('A CLI.'),
    );
    await cache.remember(
      question('what is a monad in haskell', { gitHead: 'aaa111' }),
      answered('A monad…'),
    );
    const workspace = await cache.lookup(
      question('what does this repo build?', { gitHead: 'bbb222' }),
    );
    expect(workspace).toMatchObject({
      miss: { kind: 'head_changed', was: 'aaa111', now: 'bbb222' },
    });
    expect(cache.explainLast()).toMatch(/git HEAD aaa111, now bbb222/);
    expect(
      await cache.lookup(question('what is a monad in haskell', { gitHead: 'bbb222' })),
    ).toHaveProperty('hit');
  });

  it('serves an answer only to a turn routed to the same tier or a weaker one', async () => {
    const { cache } = testCache();
    // Answered by budget cloud (tier 4, a peer of efficient).
    await cache.remember(question(Q), answered('A'));
    expect(await cache.lookup(question(Q, { tier: 2 }))).toHaveProperty('hit');
    expect(await cache.lookup(question(Q, { tier: 3 }))).toHaveProperty('hit');
    const frontier = await cache.lookup(question(Q, { tier: 0 }));
    expect(frontier).toMatchObject({ miss: { kind: 'weaker_tier', was: 4, needed: 0 } });
  });

  it('misses after the TTL, says so, then forgets the entry', async () => {
    const { cache, clock } = testCache({ ttlHours: 24 });
    await cache.remember(question(Q), answered('A'));
    clock.now += 24 * HOUR;
    expect(await cache.lookup(question(Q))).toHaveProperty('hit');
    clock.now += 1;
    expect(await cache.lookup(question(Q))).toMatchObject({ miss: { kind: 'expired' } });
    expect(cache.list()).toEqual([]);
  });

  it('takes a later entry in the same context when the closest one is stale', async () => {
    const { cache, clock } = testCache();
    await cache.remember(
      question('what does this repo build?', { gitHead: 'old' }),
      answered('old answer'),
    );
    clock.now += HOUR;
    await cache.remember(
      question('what does this repo build', { gitHead: 'new' }),
      answered('new answer'),
    );
    const result = await cache.lookup(question('what does this repo build?', { gitHead: 'new' }));
    expect(result).toMatchObject({ hit: { answer: 'new answer' } });
  });
});

describe('semantic cache: threshold edges', () => {
  it('hits at exactly the threshold and misses just above it', async () => {
    const a = 'explain javascript closures and scope';
    const b = 'explain javascript closures and hoisting';
    const probe = testCache();
    await probe.cache.remember(question(a), answered('A'));
    const measured = await probe.cache.lookup(question(b));
    const similarity =
      'hit' in measured
        ? measured.hit.similarity
        : (measured.miss as { similarity: number }).similarity;
    expect(similarity).toBeGreaterThan(0.3);
    expect(similarity).toBeLessThan(0.99);

    const at = testCache({ threshold: similarity - 1e-9 });
    await at.cache.remember(question(a), answered('A'));
    expect(await at.cache.lookup(question(b))).toHaveProperty('hit');
    const above = testCache({ threshold: similarity + 1e-6 });
    await above.cache.remember(question(a), answered('A'));
    expect(await above.cache.lookup(question(b))).toMatchObject({
      miss: { kind: 'below_threshold' },
    });
  });

  it('an answer dropped as wrong goes, and its neighbourhood then needs a closer match', async () => {
    const right = 'explain javascript closures and scope rules';
    const near = 'explain javascript closures and hoisting';
    const probe = testCache({ threshold: 0.1 });
    await probe.cache.remember(question(right), answered('right'));
    const measured = await probe.cache.lookup(question(near));
    if (!('hit' in measured)) throw new Error(JSON.stringify(measured));
    const base = measured.hit.similarity - 0.01;

    // Control: without a wrong answer nearby, `near` is served the right entry's answer.
    const control = testCache({ threshold: base });
    await control.cache.remember(question(right), answered('right'));
    expect(await control.cache.lookup(question(near))).toMatchObject({ hit: { answer: 'right' } });

    const { cache } = testCache({ threshold: base });
    await cache.remember(question(right), answered('right'));
    const wrong = await cache.remember(question(near), answered('wrong'));
    if (!('stored' in wrong)) throw new Error('not stored');
    expect(await cache.lookup(question(near))).toMatchObject({ hit: { answer: 'wrong' } });
    expect(cache.drop(wrong.stored, true)).toBe(true);
    const after = await cache.lookup(question(near));
    if (!('miss' in after) || after.miss.kind !== 'below_threshold')
      throw new Error(JSON.stringify(after));
    expect(after.miss.threshold).toBeCloseTo(base + 0.05, 10);
    // The exact question of the right entry still clears the raised bar.
    expect(await cache.lookup(question(right))).toMatchObject({ hit: { answer: 'right' } });
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { cache, clock } = testCache({ maxEntries: 2 });
    for (const topic of ['monads in haskell', 'borrow checker in rust', 'goroutines in go']) {
      clock.now += 1000;
      await cache.remember(question(`explain ${topic}`), answered(topic));
    }
    expect(cache.list().map((e) => e.answer)).toEqual([
      'borrow checker in rust',
      'goroutines in go',
    ]);
  });
});

describe('semantic cache: embeddings unavailable', () => {
  it('misses with the reason, says so once, and does not retry every turn', async () => {
    const { cache, embeds, failEmbedWith, clock } = testCache();
    await cache.remember(question(Q), answered('A'));
    failEmbedWith(new Error('Model nomic-embed-text not found'));
    const q = question('what is a monad');
    expect(await cache.lookup(q)).toEqual({
      miss: { kind: 'unavailable', detail: 'Model nomic-embed-text not found' },
    });
    expect(await cache.remember(q, answered('…'))).toEqual({ skipped: 'unavailable' });
    await cache.lookup(question('what is a functor'));
    expect(embeds).toHaveLength(2); // Q, then one failed attempt
    expect(cache.takeNotices()).toEqual([
      'semantic cache off for now: Model nomic-embed-text not found',
    ]);
    expect(cache.takeNotices()).toEqual([]);
    failEmbedWith(undefined);
    clock.now += 6 * 60_000;
    expect(await cache.lookup(question(Q))).toHaveProperty('hit');
  });
});

describe('semantic cache: timings', () => {
  it('measures the embedding call and the lookup apart, for /cache why', async () => {
    const { cache } = testCache();
    expect(cache.stats()).toMatchObject({ lastEmbedMs: null, lastLookupMs: null });
    await cache.remember(question(Q), answered('A'));
    await cache.lookup(question('what is a monad'));
    const stats = cache.stats();
    // The stub embedder reports 3 ms (its durationMs): the figure shown is the call's own.
    expect(stats.lastEmbedMs).toBe(3);
    expect(stats.lastLookupMs).toBeGreaterThanOrEqual(0);
    expect(stats.lastLookupMs).toBeLessThan(1000);
    expect(stats).toMatchObject({ entries: 1, lookups: 1, hits: 0, location: 'memory' });
  });
});

describe('semantic cache: store', () => {
  it('a second cache over the same store sees the entries and the drops', async () => {
    const store = memoryStore();
    const one = testCache({}, store);
    const stored = await one.cache.remember(question(Q), answered('A'));
    const two = testCache({}, store);
    expect(await two.cache.lookup(question(Q))).toHaveProperty('hit');
    if (!('stored' in stored)) throw new Error('not stored');
    one.cache.drop(stored.stored, false);
    expect(await two.cache.lookup(question(Q))).toEqual({ miss: { kind: 'empty' } });
  });

  it('clear empties the store', async () => {
    const { cache, store } = testCache();
    await cache.remember(question(Q), answered('A'));
    cache.clear();
    expect(cache.list()).toEqual([]);
    expect((store as ReturnType<typeof memoryStore>).lines).toEqual([]);
  });
});
