import { statSync } from 'node:fs';
import type { ConfigStore } from '../config/config-store.js';
import { configFile } from '../config/paths.js';
import { loadConfig } from '../config/store.js';

/** How often a long-running process looks at the config file: a stat, nothing read unchanged. */
export const CONFIG_CHECK_MS = 2_000;

/** What a change of the config file is seen by: its time, size and inode (a rename-over). */
export function configStamp(env: NodeJS.ProcessEnv): string {
  try {
    const s = statSync(configFile(env));
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'absent';
  }
}

/**
 * Keeps a long-running process (`kirikae serve`) on the config file as it is now: a
 * `kirikae config set budget.monthlyUsd 500` in another shell applies to the next request, as
 * the gateway's own 403 tells the user to do. A change is taken once the file has stayed the
 * same for one look (an editor's truncate-then-write is not read half written). A field that
 * does not validate takes its default, as at start, and `report` says which; a file that cannot
 * be read or parsed at all, or is gone, leaves the config in use as it was: a typo in the
 * file must not turn a $20 `block` budget into the default $200 `ask` for as long as it stays.
 * `since` is the stamp of the file the process started from. Returns the function that stops.
 */
export function watchConfig(
  store: ConfigStore,
  env: NodeJS.ProcessEnv,
  report: (line: string) => void,
  options: { everyMs?: number; since?: string } = {},
): () => void {
  const path = configFile(env);
  let seen = options.since ?? configStamp(env);
  let settling: string | undefined;
  const timer = setInterval(() => {
    const now = configStamp(env);
    if (now === seen) {
      settling = undefined;
      return;
    }
    if (now !== settling) {
      settling = now;
      return;
    }
    seen = now;
    settling = undefined;
    if (now === 'absent') {
      report(`${path} is gone; the config in use is kept (restart kirikae serve for the defaults)`);
      return;
    }
    const loaded = loadConfig(env);
    if (loaded.unreadable) {
      report(`${loaded.problems[0]}; the config in use is kept until the file is fixed`);
      return;
    }
    store.reload(loaded.config);
    report(
      loaded.problems.length
        ? `config reloaded from ${path}; what does not validate uses its default: ${loaded.problems.join('; ')}`
        : `config reloaded from ${path}`,
    );
  }, options.everyMs ?? CONFIG_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
