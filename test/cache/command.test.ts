import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCache } from '../../src/commands/cache.js';
import { fileStore, semanticCacheFile } from '../../src/cache/index.js';
import { answered, HOUR, question, testCache } from './support.js';

function io(env: NodeJS.ProcessEnv) {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (d: Buffer) => (text.out += d.toString()));
  err.on('data', (d: Buffer) => (text.err += d.toString()));
  return { io: { stdout: out, stderr: err, env }, text };
}

/** A data dir whose cache file holds one answer, stored through the file store. */
async function storedMonad() {
  const root = mkdtempSync(join(tmpdir(), 'kirikae-cachecmd-'));
  const env = { KIRIKAE_DATA_DIR: join(root, 'data'), KIRIKAE_CONFIG_DIR: join(root, 'config') };
  const file = semanticCacheFile(env.KIRIKAE_DATA_DIR);
  const { cache, clock } = testCache({}, fileStore(file));
  await cache.remember(question('what is a monad in plain words?'), answered('A monad is …'));
  return { env, file, cache, clock };
}

describe('kirikae cache', () => {
  it('list, export, stats and clear read and change the store the session writes', async () => {
    const { env, file, cache, clock } = await storedMonad();
    clock.now += 2 * HOUR;
    await cache.remember(
      question('explain the CAP theorem'),
      answered('Under a partition …', { usd: 0.01 }),
    );
    const now = clock.now + HOUR;

    const list = io(env);
    expect(await runCache('list', list.io, now)).toBe(0);
    const lines = list.text.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /3 h ago\s+\$0\.004\s+openrouter\/deepseek\/deepseek-v4-flash\s+what is a monad in plain words\?$/,
    );
    expect(lines[1]).toMatch(/1 h ago\s+\$0\.010\s+.*explain the CAP theorem$/);

    const exported = io(env);
    expect(await runCache('export', exported.io, now)).toBe(0);
    const first = JSON.parse(exported.text.out.split('\n')[0]!);
    expect(first).toMatchObject({
      question: 'what is a monad in plain words?',
      answer: 'A monad is …',
    });
    expect(first.vector).toBeUndefined();

    const stats = io(env);
    expect(await runCache('stats', stats.io, now)).toBe(0);
    expect(stats.text.out).toMatch(/entries: 2 of at most 5000 \(oldest 3 h ago\)/);
    expect(stats.text.out).toMatch(/semantic cache: off/);

    const cleared = io(env);
    expect(await runCache('clear', cleared.io, now)).toBe(0);
    expect(cleared.text.out).toBe('Cleared 2 cached answer(s).\n');
    const after = io(env);
    await runCache('list', after.io, now);
    expect(after.text.out).toBe('The semantic cache is empty.\n');
    expect(readFileSync(file, 'utf8')).not.toMatch(/monad/);
  });

  it('a corrupted cache file: the command still runs, says so once, and the file is rebuilt', async () => {
    const { env, file, clock } = await storedMonad();
    appendFileSync(file, '{"v":1,"op":"put","id":"torn\n\u0000garbage\n');
    const first = io(env);
    expect(await runCache('list', first.io, clock.now)).toBe(0);
    expect(first.text.out).toMatch(/what is a monad in plain words\?\n$/);
    expect(first.text.err).toBe(
      `semantic cache: 2 corrupted line(s) in ${file} dropped; the store was rebuilt with 1 entries\n`,
    );
    const second = io(env);
    expect(await runCache('stats', second.io, clock.now)).toBe(0);
    expect(second.text.err).toBe('');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('an unknown action is exit 2 with the actions named', async () => {
    const bad = io({ KIRIKAE_DATA_DIR: mkdtempSync(join(tmpdir(), 'kirikae-cachecmd-')) });
    expect(await runCache('purge', bad.io)).toBe(2);
    expect(bad.text.err).toMatch(/use stats, list, clear, export/);
  });
});
