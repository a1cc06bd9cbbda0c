import { statSync } from 'node:fs';
import type { ConfigStore } from '../config/config-store.js';
import { configFile } from '../config/paths.js';
import { loadConfig } from '../config/store.js';

/** How often a long-running process looks at the config file: a stat, nothing read unchanged. */
export const CONFIG_CHECK_MS = 2_000;

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'absent';
  }
}

/**
 * Keeps a long-running process (`kirikae serve`) on the config file as it is now: a
 * `kirikae config set budget.monthlyUsd 500` in another shell applies to the next request, as
 * the gateway's own 403 tells the user to do. A field that does not validate takes its default,
 * as at start, and `report` says which. Returns the function that stops watching.
 */
export function watchConfig(
  store: ConfigStore,
  env: NodeJS.ProcessEnv,
  report: (line: string) => void,
  everyMs = CONFIG_CHECK_MS,
): () => void {
  const path = configFile(env);
  let seen = stamp(path);
  const timer = setInterval(() => {
    const now = stamp(path);
    if (now === seen) return;
    seen = now;
    const loaded = loadConfig(env);
    store.reload(loaded.config);
    report(
      loaded.problems.length
        ? `config reloaded from ${path}; what does not validate uses its default: ${loaded.problems.join('; ')}`
        : `config reloaded from ${path}`,
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
