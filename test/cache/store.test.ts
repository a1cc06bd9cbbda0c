import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStore, semanticCacheFile } from '../../src/cache/index.js';
import { startChild, waitFor } from '../support/child.js';
import { HOUR, answered, question, testCache } from './support.js';

const CHILD = fileURLToPath(new URL('./remember-child.ts', import.meta.url));

let root: string;
let file: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kirikae-semcache-'));
  file = semanticCacheFile(root);
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function start(tag: string, count: number): ChildProcess {
  return startChild(CHILD, [file, tag, String(count)], children);
}

describe('semantic cache file store', () => {
  it('lives under the data dir, and survives a restart', async () => {
    expect(file).toBe(join(root, 'cache', 'semantic.jsonl'));
    const one = testCache({}, fileStore(file));
    await one.cache.remember(question('what is a monad'), answered('A monad…'));
    const two = testCache({}, fileStore(file));
    expect(await two.cache.lookup(question('what is a monad'))).toMatchObject({
      hit: { answer: 'A monad…' },
    });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2);
  });

  it('two processes storing at once: every entry readable, no torn line', async () => {
    const a = start('alpha', 150);
    const b = start('beta', 150);
    await Promise.all([waitFor(a, 'ready'), waitFor(b, 'ready')]);
    a.stdin!.write('go\n');
    b.stdin!.write('go\n');
    await Promise.all([waitFor(a, 'done'), waitFor(b, 'done')]);
    const { cache } = testCache({}, fileStore(file));
    expect(cache.list()).toHaveLength(300);
    expect(cache.takeNotices()).toEqual([]);
    for (const [tag, i] of [
      ['alpha', 0],
      ['beta', 149],
      ['alpha', 77],
    ] as const) {
      const result = await cache.lookup(
        question(`what does error code ${tag}${i} of the ${tag} service mean`),
      );
      expect(result).toMatchObject({ hit: { answer: `${tag} answer ${i} `.repeat(40) } });
    }
  }, 60_000);

  it('one process sees what another stored after it started', async () => {
    const reader = testCache({}, fileStore(file));
    expect(await reader.cache.lookup(question('what is a monad'))).toEqual({
      miss: { kind: 'empty' },
    });
    const writer = testCache({}, fileStore(file));
    await writer.cache.remember(question('what is a monad'), answered('A monad…'));
    expect(await reader.cache.lookup(question('what is a monad'))).toHaveProperty('hit');
  });

  it('a corrupted store: starts, reports once, rebuilds with the good entries', async () => {
    const { cache } = testCache({}, fileStore(file));
    await cache.remember(question('what is a monad'), answered('A monad…'));
    await cache.remember(question('what is a functor'), answered('A functor…'));
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `not json\n${good.slice(0, 40)}\n${good}{"v":1,"op":"put"}\n`);
    const fresh = testCache({}, fileStore(file));
    expect(await fresh.cache.lookup(question('what is a functor'))).toMatchObject({
      hit: { answer: 'A functor…' },
    });
    expect(fresh.cache.takeNotices()).toEqual([
      `semantic cache: 3 corrupted line(s) in ${file} dropped; the store was rebuilt with 2 entries`,
    ]);
    expect(readFileSync(file, 'utf8')).toBe(good);
    // The first process notices the file was replaced and reads it again.
    expect(await cache.lookup(question('what is a monad'))).toHaveProperty('hit');
    expect(cache.list()).toHaveLength(2);
  });

  it('a torn last line (a writer mid-append) is left for the next read, not counted', async () => {
    const { cache } = testCache({}, fileStore(file));
    await cache.remember(question('what is a monad'), answered('A monad…'));
    const line = readFileSync(file, 'utf8');
    const other = testCache({}, fileStore(file));
    other.cache.list();
    const second = line.replace(/"id":"[^"]+"/, '"id":"second"').replace('monad', 'functor');
    appendFileSync(file, second.slice(0, 50));
    expect(other.cache.list()).toHaveLength(1);
    appendFileSync(file, second.slice(50));
    expect(other.cache.list()).toHaveLength(2);
    expect(other.cache.takeNotices()).toEqual([]);
  });

  it('compacts after many evictions; the other process follows the new file', async () => {
    const one = testCache({ maxEntries: 5 }, fileStore(file));
    const two = testCache({ maxEntries: 5 }, fileStore(file));
    for (let i = 0; i < 120; i++) {
      one.clock.now += 1000;
      await one.cache.remember(question(`what does error E${i} mean`), answered(`E${i}`));
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThan(120);
    two.clock.now = one.clock.now;
    expect(two.cache.list().map((e) => e.answer)).toEqual(['E115', 'E116', 'E117', 'E118', 'E119']);
  });

  it('an embedding model of another size replaces the old entries', async () => {
    const { cache } = testCache({}, fileStore(file));
    await cache.remember(question('what is a monad'), answered('A monad…'));
    const other = testCache({}, fileStore(file));
    // Swap the embedder for one of 384 dimensions (all-minilm's size).
    const small = (await import('../../src/cache/index.js')).createSemanticCache({
      store: fileStore(file),
      config: () => other.settings,
      now: () => other.clock.now + HOUR,
      embed: async () => ({
        vector: Array.from({ length: 384 }, (_, i) => (i === 3 ? 1 : 0)),
        durationMs: 1,
      }),
    });
    await small.remember(question('what is a functor'), answered('A functor…'));
    expect(small.list().map((e) => e.answer)).toEqual(['A functor…']);
  });
});
