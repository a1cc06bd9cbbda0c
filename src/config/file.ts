import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

export type RawConfig = Record<string, unknown>;

/**
 * The config file's JSON object; a missing file is an empty one. Throws a SyntaxError (with
 * JSON.parse's position) for text that is not JSON, and a TypeError for JSON that is not an
 * object: `[]` or `"x"` is no config, and reading it as `{}` would silently drop what the user
 * meant. Reading never creates the folder or the file.
 */
export function readConfigFile(path: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new TypeError(`the top level is ${kind}, not an object`);
  }
  return value as RawConfig;
}

/**
 * The file a write to `path` must replace: `path` itself, or where its symlink chain ends (a
 * dotfile manager's link into a repository; a dangling link's target does not exist yet). A
 * rename onto the link would replace the link with a copy and leave the user's real file stale.
 */
export function writeTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let current = path;
  for (let hops = 0; hops < 32; hops++) {
    let link: string;
    try {
      link = readlinkSync(current);
    } catch (error) {
      // Not a link (EINVAL) or nothing there (ENOENT): this is the file to create.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return current;
      throw error;
    }
    current = resolve(dirname(current), link);
  }
  throw Object.assign(new Error(`too many levels of symbolic links at ${path}`), {
    code: 'ELOOP',
  });
}

/**
 * Writes the config atomically: a temporary file beside the real one, flushed to disk, then a
 * rename, so a crash of the process or of the machine leaves the old file whole. Tab-indented,
 * as the files kirikae wrote before (through `conf`) are. A new file is readable by its owner
 * only — it may hold credentials (`cache.semantic.redisUrl`); an existing file keeps its mode,
 * set exactly (not through the umask). A symlinked config file is written through the link.
 */
export function writeConfigFile(path: string, raw: RawConfig): void {
  mkdirSync(dirname(path), { recursive: true });
  const target = writeTarget(path);
  let mode = 0o600;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {
    // a new file
  }
  // A name no other writer or leftover can hold, created exclusively: a stale file of the same
  // name could otherwise be truncated and keep its own, looser mode.
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(raw, undefined, '\t'));
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the write's own error is the one to report
    }
    throw error;
  }
  syncFolder(dirname(target));
}

/** The rename itself reaches the disk with its folder's entry; best effort (not every OS allows it). */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the file is written; only its durability across a power cut is less certain
  }
}
