import { dataDir } from '../config/paths.js';
import { loadConfig } from '../config/index.js';
import { KirikaeError } from '../core/errors.js';
import { oneLine } from '../agent/output.js';
import {
  createSemanticCache,
  semanticCacheStore,
  type SemanticCache,
  type SemanticCacheSettings,
} from '../cache/index.js';
import { age } from '../cache/explain.js';
import { usd } from '../present/units.js';
import { reportFatal } from './fail.js';
import type { CommandIO } from './io.js';

export const CACHE_ACTIONS = ['stats', 'list', 'clear', 'export'] as const;
export type CacheAction = (typeof CACHE_ACTIONS)[number];

/**
 * `kirikae cache stats|list|clear|export`: the semantic answer cache on disk, or in Redis when
 * `cache.semantic.redisUrl` is set. No embedding is needed for any of these, so they work with
 * Ollama down. `export` writes JSON lines without the vectors (entries never hold API keys: a
 * question or answer with one is never stored).
 */
export async function runCache(action: string, io: CommandIO, now = Date.now()): Promise<number> {
  try {
    if (!(CACHE_ACTIONS as readonly string[]).includes(action)) {
      io.stderr.write(
        `kirikae cache: unknown action "${action}" (use ${CACHE_ACTIONS.join(', ')})\n`,
      );
      return 2;
    }
    const settings = loadConfig(io.env).config.cache.semantic;
    const cache = createSemanticCache({
      store: semanticCacheStore({ dataDir: dataDir(io.env), settings: () => settings }),
      config: () => settings,
      now: () => now,
      embed: () =>
        Promise.reject(new KirikaeError('config', 'the cache command does not embed questions')),
    });
    try {
      await cache.catchUp();
      return report(action as CacheAction, cache, settings, io, now);
    } finally {
      await cache.close();
    }
  } catch (error) {
    return reportFatal(error, io.stderr, io.env);
  }
}

function report(
  action: CacheAction,
  cache: SemanticCache,
  settings: SemanticCacheSettings,
  io: CommandIO,
  now: number,
): number {
  const entries = cache.list();
  for (const notice of cache.takeNotices()) io.stderr.write(`${notice}\n`);
  switch (action) {
    case 'stats': {
      const saved = entries.reduce((sum, e) => sum + (e.usd ?? 0), 0);
      io.stdout.write(
        [
          `semantic cache: ${settings.enabled ? 'on' : 'off (cache.semantic.enabled, or /cache on)'}`,
          `${settings.redisUrl ? 'shared store' : 'file'}: ${cache.stats().location}`,
          `entries: ${entries.length} of at most ${settings.maxEntries}` +
            (entries.length ? ` (oldest ${age(now - entries[0]!.storedAt)})` : ''),
          `threshold ${settings.threshold} · TTL ${settings.ttlHours} h · embeddings ${settings.model}`,
          `answers stored cost ${usd(saved)} when first asked (each hit saves its entry's cost; kirikae costs shows the hits)`,
        ].join('\n') + '\n',
      );
      return 0;
    }
    case 'list':
      if (!entries.length) io.stdout.write('The semantic cache is empty.\n');
      for (const e of entries)
        io.stdout.write(
          `${e.id.slice(0, 8)}  ${age(now - e.storedAt).padEnd(10)}  ${usd(e.usd).padStart(7)}  ${e.model}  ${oneLine(e.question, 60)}\n`,
        );
      return 0;
    case 'clear':
      cache.clear();
      io.stdout.write(`Cleared ${entries.length} cached answer(s).\n`);
      return 0;
    case 'export':
      for (const { vector: _vector, ...entry } of entries)
        io.stdout.write(
          `${JSON.stringify({ ...entry, storedAt: new Date(entry.storedAt).toISOString() })}\n`,
        );
      return 0;
  }
}
