import { redisStore } from './redis-store.js';
import { fileStore, semanticCacheFile, type CacheStore } from './store.js';

/*
 * Which store a process's semantic cache uses: the file under the data dir, or, when
 * `cache.semantic.redisUrl` is set, one Redis stream shared by every machine that points at it
 * (with the file as the fallback when Redis cannot be reached at start). One stream per
 * embedding model: vectors of two models cannot be compared, and a machine configured with
 * another model must not wipe the others' cache (a model change clears the store it uses).
 */

export interface StoreChoice {
  /** kirikae's data dir (`<data>/cache/semantic.jsonl`). */
  dataDir: string;
  /** `cache.semantic`, read on every call (the TTL trims the shared stream). */
  settings: () => { redisUrl?: string | undefined; model: string; ttlHours: number };
}

export function redisStreamKey(model: string): string {
  return `kirikae:semantic-cache:v1:${model}`;
}

export function semanticCacheStore(choice: StoreChoice): CacheStore {
  const file = () => fileStore(semanticCacheFile(choice.dataDir));
  const { redisUrl, model } = choice.settings();
  if (!redisUrl) return file();
  return redisStore({
    url: redisUrl,
    key: redisStreamKey(model),
    fallback: file,
    ttlMs: () => choice.settings().ttlHours * 3_600_000,
  });
}
