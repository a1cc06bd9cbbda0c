import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisClientType } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  fileStore,
  redisStore,
  createClientOf,
  redisStreamKey,
  semanticCacheFile,
  semanticCacheStore,
  type CacheStore,
} from '../../src/cache/index.js';
import { decodeOp } from '../../src/cache/codec.js';
import { runCache } from '../../src/commands/cache.js';
import type { SemanticCacheSettings } from '../../src/cache/types.js';
import { HOUR, SETTINGS, answered, question, testCache } from './support.js';
import {
  freePort,
  redisMissing,
  redisRequired,
  startRedis,
  type RedisServer,
} from './redis-server.js';

/*
 * The shared store against a real redis-server (issue 18: "tested against a real redis-server
 * that .ci/run installs"): two caches with their own connections stand for two machines. The
 * embeddings are the stub Ollama's (test/support/stub-embedding.ts), as in every cache test.
 */

const missing = redisMissing();
if (missing && redisRequired) {
  // Under CI a missing server is a failure, not a skip: .ci/run installs it.
  describe('semantic cache on Redis', () => {
    it('needs redis-server', () => {
      throw new Error(`${missing}: the Redis store tests cannot run`);
    });
  });
}

let server: RedisServer;
let raw: RedisClientType;
let root: string;
let streams = 0;
const stores: CacheStore[] = [];

beforeAll(async () => {
  if (missing) return;
  server = await startRedis();
  const { createClient } = await import('@redis/client');
  raw = createClient({ url: server.url }) as unknown as RedisClientType;
  await raw.connect();
}, 20_000);
afterAll(async () => {
  if (missing) return;
  await raw.close();
  await server.stop();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close?.();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A cache on its own connection to `url`, on stream `key`; its fallback file under `root`. */
function machine(key: string, over: Partial<SemanticCacheSettings> = {}, url = server.url) {
  root ||= mkdtempSync(join(tmpdir(), 'kirikae-redis-cache-'));
  const settings = { ...SETTINGS, ...over };
  const store = redisStore({
    url,
    key,
    fallback: () => fileStore(semanticCacheFile(root)),
    ttlMs: () => settings.ttlHours * HOUR,
    waitMs: 2000,
  });
  stores.push(store);
  return { ...testCache(settings, store), store };
}

/** Waits until a store's own writes went out: its reads queue behind them. */
const settled = (store: CacheStore) => store.refresh!();

function newKey(): string {
  streams += 1;
  return `kirikae-test:${process.pid}:${streams}`;
}

const CHILD = fileURLToPath(new URL('./redis-child.ts', import.meta.url));
const Q = 'What does the TypeError "cannot read properties of undefined" mean in JavaScript?';

describe.skipIf(missing)(
  `semantic cache on Redis${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('two machines share a hit, and a drop from one is seen by the other', async () => {
      const key = newKey();
      const one = machine(key);
      const two = machine(key);
      expect(await two.cache.lookup(question(Q))).toEqual({ miss: { kind: 'empty' } });
      const stored = await one.cache.remember(
        question(Q),
        answered('You read a field of undefined.'),
      );
      if (!('stored' in stored)) throw new Error(JSON.stringify(stored));
      await settled(one.store);
      expect(await two.cache.lookup(question(Q))).toMatchObject({
        hit: {
          answer: 'You read a field of undefined.',
          model: 'openrouter/deepseek/deepseek-v4-flash',
        },
      });
      // The entry in Redis is the same JSON as a line of the file store, without a key in it.
      const [[, fields]] = (await raw.sendCommand(['XRANGE', key, '-', '+'])) as [
        string,
        string[],
      ][];
      expect(fields[0]).toBe('op');
      expect(JSON.parse(fields[1]!)).toMatchObject({ op: 'put', question: Q });

      expect(one.cache.drop(stored.stored, true)).toBe(true);
      await settled(one.store);
      const after = await two.cache.lookup(question(Q));
      expect(after).toEqual({ miss: { kind: 'empty' } });
      // The wrong-answer mark came along: near Q, two now asks for a closer match as well.
      await two.cache.remember(question('how does garbage collection work in go'), answered('GC'));
      const again = await two.cache.lookup(question(Q));
      if (!('miss' in again) || again.miss.kind !== 'below_threshold')
        throw new Error(JSON.stringify(again));
      expect(again.miss.threshold).toBeCloseTo(SETTINGS.threshold + 0.05, 10);
      expect(one.cache.takeNotices()).toEqual([]);
      expect(two.cache.takeNotices()).toEqual([]);
    });

    it('two machines storing at once: every entry reaches both', async () => {
      const key = newKey();
      const one = machine(key);
      const two = machine(key);
      const store = async (m: typeof one, tag: string) => {
        for (let i = 0; i < 40; i++) {
          await m.cache.remember(
            question(`what does error code ${tag}${i} of the ${tag} service mean`),
            answered(`${tag} answer ${i}`),
          );
        }
      };
      await Promise.all([store(one, 'alpha'), store(two, 'beta')]);
      await Promise.all([settled(one.store), settled(two.store)]);
      await Promise.all([one.cache.catchUp(), two.cache.catchUp()]);
      expect(one.cache.list()).toHaveLength(80);
      expect(two.cache.list()).toHaveLength(80);
      expect(
        await one.cache.lookup(question('what does error code beta17 of the beta service mean')),
      ).toMatchObject({ hit: { answer: 'beta answer 17' } });
      expect(
        await two.cache.lookup(question('what does error code alpha3 of the alpha service mean')),
      ).toMatchObject({ hit: { answer: 'alpha answer 3' } });
      expect(Number(await raw.sendCommand(['XLEN', key]))).toBe(80);
    });

    it('a corrupted stream entry is skipped, reported once, and the stream rebuilt', async () => {
      const key = newKey();
      const one = machine(key);
      await one.cache.remember(question('what is a monad'), answered('A monad…'));
      await settled(one.store);
      await raw.sendCommand(['XADD', key, '*', 'op', '{"v":1,"op":"put","id":']);
      await raw.sendCommand(['XADD', key, '*', 'other', 'field']);
      const two = machine(key);
      expect(await two.cache.lookup(question('what is a monad'))).toMatchObject({
        hit: { answer: 'A monad…' },
      });
      expect(two.cache.takeNotices()).toEqual([
        `semantic cache: 2 corrupted line(s) in ${server.url} (${key}) dropped; the store was rebuilt with 1 entries`,
      ]);
      await settled(two.store);
      const entries = (await raw.sendCommand(['XRANGE', key, '-', '+'])) as [string, string[]][];
      expect(entries.map(([, f]) => JSON.parse(f[1]!).question)).toEqual(['what is a monad']);
      // The first machine sees the stream was replaced, reads it again, and still has the entry.
      expect(await one.cache.lookup(question('what is a monad'))).toHaveProperty('hit');
      expect(one.cache.list()).toHaveLength(1);
      expect(two.cache.takeNotices()).toEqual([]);
    });

    it('entries past the TTL miss, and are trimmed from the stream', async () => {
      const key = newKey();
      // 0.5 s of TTL for the stream's trimming (by Redis time); the caches' clocks are their own.
      const one = machine(key, { ttlHours: 0.5 / 3600 });
      const two = machine(key, { ttlHours: 0.5 / 3600 });
      await one.cache.remember(question('what is a monad'), answered('A monad…'));
      await settled(one.store);
      expect(await two.cache.lookup(question('what is a monad'))).toHaveProperty('hit');
      two.clock.now += 1000;
      expect(await two.cache.lookup(question('what is a monad'))).toMatchObject({
        miss: { kind: 'expired' },
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      await one.cache.remember(question('what is a functor'), answered('A functor…'));
      await settled(one.store);
      const entries = (await raw.sendCommand(['XRANGE', key, '-', '+'])) as [string, string[]][];
      expect(entries.map(([, f]) => JSON.parse(f[1]!).question)).toEqual(['what is a functor']);
    });

    it('maxEntries: compaction replaces the stream and the other machine follows', async () => {
      const key = newKey();
      const one = machine(key, { maxEntries: 5 });
      const two = machine(key, { maxEntries: 5 });
      await two.cache.catchUp();
      for (let i = 0; i < 120; i++) {
        one.clock.now += 1000;
        await one.cache.remember(question(`what does error E${i} mean`), answered(`E${i}`));
      }
      await settled(one.store);
      expect(Number(await raw.sendCommand(['XLEN', key]))).toBeLessThan(120);
      two.clock.now = one.clock.now;
      await two.cache.catchUp();
      expect(two.cache.list().map((e) => e.answer)).toEqual([
        'E115',
        'E116',
        'E117',
        'E118',
        'E119',
      ]);
    });

    it('Redis down at start: the local file serves, said once, with the password hidden', async () => {
      const port = await freePort();
      const url = `redis://kirikae:s3cret-pass@127.0.0.1:${port}`;
      const one = machine(newKey(), {}, url);
      expect(await one.cache.lookup(question(Q))).toEqual({ miss: { kind: 'empty' } });
      await one.cache.remember(question(Q), answered('A'));
      expect(await one.cache.lookup(question(Q))).toMatchObject({ hit: { answer: 'A' } });
      const notices = one.cache.takeNotices();
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        new RegExp(
          `^semantic cache: cannot reach Redis at redis://kirikae:\\*\\*\\*@127\\.0\\.0\\.1:${port} .*ECONNREFUSED.*; this process uses .*semantic\\.jsonl instead \\(check cache\\.semantic\\.redisUrl`,
        ),
      );
      expect(notices[0]).not.toContain('s3cret');
      expect(one.cache.stats().location).not.toContain('s3cret');
      // `kirikae cache stats` says where the entries really are: the file, Redis unreachable.
      expect(one.cache.stats().location).toMatch(
        /semantic\.jsonl \(Redis at redis:\/\/kirikae:\*\*\*@.* unreachable\)$/,
      );
      expect(readFileSync(semanticCacheFile(root), 'utf8')).toContain('"answer":"A"');
      await one.cache.lookup(question(Q));
      expect(one.cache.takeNotices()).toEqual([]);
    });

    it('Redis lost mid-session: hits from memory, said once, and it picks up when Redis is back', async () => {
      const own = await startRedis();
      try {
        const key = newKey();
        const one = machine(key, {}, own.url);
        const two = machine(key, {}, own.url);
        await one.cache.remember(question('what is a monad'), answered('A monad…'));
        await settled(one.store);
        expect(await two.cache.lookup(question('what is a monad'))).toHaveProperty('hit');

        await own.kill();
        expect(await two.cache.lookup(question('what is a monad'))).toHaveProperty('hit');
        expect(
          await two.cache.remember(question('what is a functor'), answered('F')),
        ).toHaveProperty('stored');
        expect(await two.cache.lookup(question('what is a functor'))).toHaveProperty('hit');
        await two.cache.lookup(question('what is a monad'));
        const notices = two.cache.takeNotices();
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatch(
          new RegExp(
            `^semantic cache: lost Redis at ${own.url} \\(${key}\\) \\(.+\\); this process keeps serving`,
          ),
        );

        await own.restart();
        // Restarted empty: both machines notice the new epoch and start over from what is there.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await one.cache.remember(question('what is a closure'), answered('C'));
        await settled(one.store);
        expect(await two.cache.lookup(question('what is a closure'))).toMatchObject({
          hit: { answer: 'C' },
        });
        expect(two.cache.takeNotices()).toEqual([
          `semantic cache: Redis at ${own.url} (${key}) is reachable again`,
        ]);
      } finally {
        await own.stop();
      }
    }, 30_000);

    it('a Redis that stops answering delays a lookup by the wait, once, and never stops it', async () => {
      const own = await startRedis();
      root ||= mkdtempSync(join(tmpdir(), 'kirikae-redis-cache-'));
      try {
        const key = newKey();
        const store = redisStore({
          url: own.url,
          key,
          fallback: () => fileStore(semanticCacheFile(root)),
          ttlMs: () => 24 * HOUR,
          waitMs: 300,
        });
        stores.push(store);
        const { cache } = testCache({}, store);
        await cache.remember(question('what is a monad'), answered('A monad…'));
        await settled(store);
        own.pause();
        let started = performance.now();
        expect(await cache.lookup(question('what is a monad'))).toHaveProperty('hit');
        const first = performance.now() - started;
        started = performance.now();
        expect(await cache.lookup(question('what is a monad'))).toHaveProperty('hit');
        const second = performance.now() - started;
        expect(first).toBeGreaterThanOrEqual(290);
        expect(first).toBeLessThan(2000);
        expect(second).toBeLessThan(200);
        own.resume();
      } finally {
        own.resume();
        await own.stop();
      }
    }, 20_000);

    it('a short-lived process waits for Redis, then exits on its own with its answer stored', async () => {
      const key = newKey();
      root ||= mkdtempSync(join(tmpdir(), 'kirikae-redis-cache-'));
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, server.url, key, semanticCacheFile(root)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      // Exit 13 was Node ending the process in the middle of an await on Redis's reply.
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({ looked: { miss: { kind: 'empty' } }, stored: true });
      expect(Number(await raw.sendCommand(['XLEN', key]))).toBe(1);
    }, 30_000);

    it('a question or an answer with an API key never reaches Redis', async () => {
      const key = newKey();
      const one = machine(key);
      const secret = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345';
      expect(
        await one.cache.remember(question(`why is ${secret} rejected?`), answered('…')),
      ).toEqual({ skipped: 'secret' });
      await settled(one.store);
      expect(Number(await raw.sendCommand(['XLEN', key]))).toBe(0);
    });

    it('the store is chosen by cache.semantic.redisUrl, one stream per embedding model', async () => {
      root ||= mkdtempSync(join(tmpdir(), 'kirikae-redis-cache-'));
      const settings = { ...SETTINGS, model: `ollama/test-${process.pid}` };
      expect(semanticCacheStore({ dataDir: root, settings: () => settings }).location).toBe(
        semanticCacheFile(root),
      );
      const shared = semanticCacheStore({
        dataDir: root,
        settings: () => ({ ...settings, redisUrl: server.url }),
      });
      stores.push(shared);
      const { cache } = testCache(settings, shared);
      await cache.remember(question('what is a monad'), answered('A monad…'));
      await settled(shared);
      const key = redisStreamKey(settings.model);
      expect(key).toBe(`kirikae:semantic-cache:v1:ollama/test-${process.pid}`);
      expect(Number(await raw.sendCommand(['XLEN', key]))).toBe(1);
      // The same operations as the file store's lines.
      const [[, fields]] = (await raw.sendCommand(['XRANGE', key, '-', '+'])) as [
        string,
        string[],
      ][];
      const op = decodeOp(fields[1]!);
      expect(op).toMatchObject({
        op: 'put',
        entry: { question: 'what is a monad', answer: 'A monad…' },
      });
      expect(op?.op === 'put' && op.entry.vector.length).toBe(768);
      await raw.sendCommand(['DEL', key, `${key}:epoch`]);
    });

    it('kirikae cache list, stats and clear read and change the shared stream', async () => {
      root ||= mkdtempSync(join(tmpdir(), 'kirikae-redis-cache-'));
      const model = `ollama/cmd-${process.pid}`;
      const env = {
        KIRIKAE_DATA_DIR: join(root, 'data'),
        KIRIKAE_CONFIG_DIR: join(root, 'config'),
      };
      mkdirSync(env.KIRIKAE_CONFIG_DIR, { recursive: true });
      writeFileSync(
        join(env.KIRIKAE_CONFIG_DIR, 'config.json'),
        JSON.stringify({ cache: { semantic: { model, redisUrl: server.url } } }),
      );
      const key = redisStreamKey(model);
      const one = machine(key, { model });
      await one.cache.remember(
        question('explain the CAP theorem'),
        answered('Under a partition …'),
      );
      await settled(one.store);
      const run = async (action: string) => {
        const out = new PassThrough();
        const err = new PassThrough();
        let text = '';
        out.on('data', (d: Buffer) => (text += d.toString()));
        err.on('data', (d: Buffer) => (text += d.toString()));
        const code = await runCache(action, { stdout: out, stderr: err, env }, one.clock.now);
        return { code, text };
      };
      expect(await run('list')).toMatchObject({
        code: 0,
        text: expect.stringMatching(/just now\s+\$0\.004\s+.*explain the CAP theorem\n$/),
      });
      const stats = await run('stats');
      expect(stats.text).toContain(`shared store: ${server.url} (${key})`);
      expect(stats.text).toMatch(/entries: 1 of at most 5000/);
      expect(await run('clear')).toEqual({ code: 0, text: 'Cleared 1 cached answer(s).\n' });
      expect(Number(await raw.sendCommand(['XLEN', key]))).toBe(0);
      // The session's cache sees the clear (a new epoch) at its next lookup.
      expect(await one.cache.lookup(question('explain the CAP theorem'))).toEqual({
        miss: { kind: 'empty' },
      });
      await raw.sendCommand(['DEL', key, `${key}:epoch`]);
    });
  },
);

describe('semantic cache on Redis, while the cache is off', () => {
  it('never connects (start-up unchanged), and connects at the first lookup once on', async () => {
    const sockets: Socket[] = [];
    const listener = createServer((socket) => {
      sockets.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dir = mkdtempSync(join(tmpdir(), 'kirikae-redis-off-'));
    try {
      const store = redisStore({
        url: `redis://127.0.0.1:${port}`,
        key: 'off',
        fallback: () => fileStore(semanticCacheFile(dir)),
        ttlMs: () => HOUR,
      });
      const { cache, settings } = testCache({ enabled: false }, store);
      expect(await cache.lookup(question(Q))).toEqual({ miss: { kind: 'disabled' } });
      expect(await cache.remember(question(Q), answered('A'))).toEqual({ skipped: 'disabled' });
      expect(sockets).toHaveLength(0);
      expect(cache.takeNotices()).toEqual([]);
      settings.enabled = true;
      await cache.lookup(question(Q));
      expect(sockets.length).toBeGreaterThan(0);
      expect(cache.takeNotices()[0]).toMatch(/^semantic cache: cannot reach Redis/);
      await store.close?.();
    } finally {
      listener.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loading @redis/client', () => {
  it('finds createClient by name (Node) or under default (the esbuild bundle)', async () => {
    const real = await import('@redis/client');
    expect(createClientOf(real)).toBe(real.createClient);
    expect(createClientOf({ default: { createClient: real.createClient } })).toBe(
      real.createClient,
    );
    expect(() => createClientOf({ default: {} })).toThrow(/no createClient/);
  });
});
