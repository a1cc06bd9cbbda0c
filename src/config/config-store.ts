import type { Config } from './schema.js';

type Raw = Record<string, unknown>;

/**
 * The running config: read by everyone, changed only through `set`, which applies the change
 * to this session at once (a new object: no one's copy changes under them) and persists it.
 */
export interface ConfigStore {
  get(): Config;
  /**
   * Sets one value by path (`['budget', 'monthlyUsd']`). The session keeps the change even when
   * the file cannot be written; the returned message says why it was not saved.
   */
  set(path: readonly string[], value: unknown): string | undefined;
  subscribe(listener: (config: Config) => void): () => void;
  /** The file changed under a long-running process (`kirikae serve`): take it, write nothing. */
  reload(next: Config): void;
}

function withValue<T>(node: T, path: readonly string[], value: unknown): T {
  if (!path.length) return value as T;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = (node && typeof node === 'object' ? node : {}) as Raw;
  return { ...obj, [head]: withValue(obj[head], rest, value) } as T;
}

/**
 * `persist` writes a change to the config file (it validates the whole file and throws when the
 * result is invalid or cannot be written); tests pass one that records.
 */
export function createConfigStore(
  initial: Config,
  persist: (update: (raw: Raw) => void) => void,
): ConfigStore {
  let config = initial;
  const listeners = new Set<(config: Config) => void>();
  return {
    get: () => config,
    set(path, value) {
      config = withValue(config, path, value);
      for (const listener of listeners) listener(config);
      try {
        persist((raw) => {
          const next = withValue(raw, path, value);
          for (const key of Object.keys(raw)) delete raw[key];
          Object.assign(raw, next);
        });
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    reload(next) {
      config = next;
      for (const listener of listeners) listener(config);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
