import { randomUUID } from 'node:crypto';
import type { RedisClientType, createClient } from '@redis/client';
import { decodeOp, encodeOp, type StoreOp } from './codec.js';
import type { CacheStore, StoreRead } from './store.js';

/*
 * The semantic cache shared through Redis (`cache.semantic.redisUrl`), for a gateway that
 * several machines use. The lookup path does not change: every process keeps the whole cache
 * in its in-memory index and asks Redis only for what changed.
 *
 * One Redis Stream per cache holds the same operations, in the same JSON, as the file store's
 * lines: a stream is append-only and ordered like the file, so every process that applies it in
 * order arrives at the same state (entries, drops, wrong-answer marks). Before a lookup a process
 * reads the stream from the last id it saw (XRANGE, exclusive start); a store is an XADD that
 * also trims what is past the TTL (MINID, by the id's time). A compaction or a rebuild replaces
 * the stream in one MULTI and sets a new epoch token beside it: a reader that finds another
 * epoch (a rewrite, or a Redis restarted empty) reads the stream again from the start, as the
 * file store does when the file was replaced.
 *
 * Redis unreachable at start: the local cache file serves this process instead, said once.
 * Lost later: the index in memory keeps serving (every entry in it is still judged by the same
 * rules), answers stored meanwhile stay in this process, and reading resumes when Redis is back.
 * `@redis/client` is imported only here and only when a URL is set.
 */

export interface RedisStoreOptions {
  url: string;
  /** Stream key; the epoch token lives at `<key>:epoch`. */
  key: string;
  /** Where this process keeps its cache when Redis cannot be reached at start. */
  fallback: () => CacheStore;
  /** The TTL now (config may change it): entries older than this are trimmed from the stream. */
  ttlMs: () => number;
  /** How long a lookup waits for Redis (the first read, with the connection, gets 10×). */
  waitMs?: number;
}

/** Entries read per XRANGE call. */
const PAGE = 500;
/** Writes waiting for a slow server beyond this many are dropped (a lost saving). */
const MAX_QUEUED = 1000;
const DEFAULT_WAIT_MS = 500;

/** `redis://user:secret@host` → `redis://user:***@host`: locations go into messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'redis://(invalid URL)';
  }
}

/**
 * `createClient` from the module namespace. @redis/client is CommonJS: Node's ESM loader gives
 * its exports by name, but in kirikae's esbuild bundle the namespace holds only `default`
 * (createClient was "not a function" there).
 */
export function createClientOf(module: unknown): typeof createClient {
  const named = module as { createClient?: unknown; default?: { createClient?: unknown } };
  const create = named.createClient ?? named.default?.createClient;
  if (typeof create !== 'function') throw new Error('@redis/client has no createClient');
  return create as typeof createClient;
}

type StreamEntry = [id: string, fields: string[]];

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text || (error instanceof Error ? error.name : 'unknown error');
}

export function redisStore(options: RedisStoreOptions): CacheStore {
  const epochKey = `${options.key}:epoch`;
  const where = `${redactedUrl(options.url)} (${options.key})`;
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  let mode: 'idle' | 'connecting' | 'redis' | 'fallback' = 'idle';
  let client: RedisClientType | undefined;
  let fallback: CacheStore | undefined;
  let connected: Promise<void> = Promise.resolve();
  /** Every command goes through this chain, so our own writes and reads stay in order. */
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  let reading: Promise<void> | undefined;
  let epoch: string | undefined;
  let lastId: string | undefined;
  let buffer: StoreRead = { ops: [], skipped: 0, reset: false };
  let down = false;
  const notices: string[] = [];

  const lost = (error: unknown): void => {
    if (down) return;
    down = true;
    notices.push(
      `semantic cache: lost Redis at ${where} (${errorText(error)}); this process keeps serving what it has read and stores answers only for itself until Redis is back`,
    );
  };
  const reached = (): void => {
    if (!down) return;
    down = false;
    notices.push(`semantic cache: Redis at ${where} is reachable again`);
  };

  const connect = async (): Promise<void> => {
    let everReady = false;
    try {
      const create = createClientOf(await import('@redis/client'));
      const created = create({
        url: options.url,
        // A command while disconnected fails at once instead of waiting in a queue.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: Math.max(1000, waitMs * 4),
          // The first connection gets one try (the caller falls back); later, keep retrying.
          reconnectStrategy: (retries: number, cause: Error) =>
            everReady ? Math.min(200 * (retries + 1), 5000) : cause,
        },
      }) as unknown as RedisClientType;
      created.on('error', (error: unknown) => {
        if (everReady) lost(error);
      });
      created.on('ready', () => {
        if (everReady) reached();
        everReady = true;
      });
      await created.connect();
      // An idle connection must not keep a finished `-p` or `kirikae cache` alive; a command
      // in flight does (enqueue refs it), or the process could end while awaiting a reply.
      created.unref();
      client = created;
      mode = 'redis';
    } catch (error) {
      mode = 'fallback';
      fallback = options.fallback();
      notices.push(
        `semantic cache: cannot reach Redis at ${where} (${errorText(error)}); this process uses ${fallback.location} instead (check cache.semantic.redisUrl, or start the server, then restart kirikae)`,
      );
    }
  };

  const start = (): void => {
    if (mode !== 'idle') return;
    mode = 'connecting';
    connected = connect();
    chain = connected;
  };

  /**
   * Runs `work` after everything queued before it, or `instead` when the connection failed at
   * start (a write made while connecting goes to the fallback); failures are told once.
   */
  const enqueue = (
    work: (c: RedisClientType) => Promise<void>,
    instead?: (store: CacheStore) => void,
  ): Promise<void> => {
    start();
    queued += 1;
    const run = chain.then(async () => {
      queued -= 1;
      if (fallback) instead?.(fallback);
      if (mode !== 'redis' || !client) return;
      client.ref();
      try {
        await work(client);
        reached();
      } catch (error) {
        lost(error);
      } finally {
        if (queued === 0) client.unref();
      }
    });
    chain = run;
    return run;
  };

  const decodeInto = (target: StoreRead, entries: StreamEntry[]): void => {
    for (const [id, fields] of entries) {
      lastId = id;
      const at = fields.indexOf('op');
      const op = at >= 0 && at % 2 === 0 ? decodeOp(fields[at + 1] ?? '') : undefined;
      if (op) target.ops.push(op);
      else target.skipped += 1;
    }
  };

  /** Reads the stream from the last id seen, or all of it after another process replaced it. */
  const catchUp = async (c: RedisClientType): Promise<void> => {
    const candidate = randomUUID();
    let start = lastId === undefined ? '-' : `(${lastId}`;
    for (;;) {
      const [got, entries] = (await c
        .multi()
        .addCommand(['SET', epochKey, candidate, 'NX', 'GET'])
        .addCommand(['XRANGE', options.key, start, '+', 'COUNT', String(PAGE)])
        .exec()) as unknown as [string | null, StreamEntry[]];
      const current = got ?? candidate;
      if (epoch !== undefined && current !== epoch) {
        // Rewritten (compaction, rebuild, clear) or Redis restarted empty: start over.
        buffer = { ops: [], skipped: 0, reset: true };
        epoch = current;
        lastId = undefined;
        start = '-';
        continue;
      }
      epoch = current;
      decodeInto(buffer, entries);
      if (entries.length < PAGE) return;
      start = `(${lastId}`;
    }
  };

  const timeout = (ms: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, ms).unref());

  return {
    // Where the entries really are: the local file once Redis could not be reached at start.
    get location() {
      return mode === 'fallback' && fallback
        ? `${fallback.location} (Redis at ${where} unreachable)`
        : where;
    },

    readNew() {
      if (mode === 'fallback' && fallback) return fallback.readNew();
      const read = buffer;
      buffer = { ops: [], skipped: 0, reset: false };
      return read;
    },

    append(op: StoreOp) {
      if (mode === 'fallback' && fallback) return fallback.append(op);
      if (queued >= MAX_QUEUED) return;
      const line = encodeOp(op).trimEnd();
      void enqueue(
        async (c) => {
          const minId = String(Math.max(0, Date.now() - options.ttlMs()));
          await c.sendCommand(['XADD', options.key, 'MINID', '=', minId, '*', 'op', line]);
        },
        (store) => store.append(op),
      );
    },

    rewrite(ops: readonly StoreOp[]) {
      if (mode === 'fallback' && fallback) return fallback.rewrite(ops);
      const lines = ops.map((op) => encodeOp(op).trimEnd());
      const next = randomUUID();
      void enqueue(
        async (c) => {
          const multi = c
            .multi()
            .addCommand(['DEL', options.key])
            .addCommand(['SET', epochKey, next]);
          for (const line of lines) multi.addCommand(['XADD', options.key, '*', 'op', line]);
          const replies = (await multi.exec()) as unknown as unknown[];
          // What we wrote is already in memory: continue after it.
          epoch = next;
          lastId = lines.length ? String(replies.at(-1)) : undefined;
          buffer = { ops: [], skipped: 0, reset: false };
        },
        (store) => store.rewrite(ops),
      );
    },

    async refresh() {
      const first = mode === 'idle';
      start();
      if (mode === 'fallback') return;
      // A read still running from an earlier lookup (a slow or hung server) is not waited for
      // again: what it brings lands in a later lookup.
      if (reading) return;
      reading = enqueue(catchUp).finally(() => {
        reading = undefined;
      });
      // A lookup waits a bounded time.
      await Promise.race([reading, timeout(first ? waitMs * 10 : waitMs)]);
    },

    takeNotices() {
      const out = [...notices, ...(fallback?.takeNotices?.() ?? [])];
      notices.length = 0;
      return out;
    },

    async close() {
      // Writes still queued go out first, unless the server has stopped answering.
      const flushed = await Promise.race([
        connected.then(() => chain).then(() => true),
        timeout(waitMs * 4).then(() => false),
      ]);
      if (!client) return;
      if (flushed) await client.close().catch(() => client?.destroy());
      else client.destroy();
    },
  };
}
