import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
    throw new TypeError(
      `the top level is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`,
    );
  }
  return value as RawConfig;
}

/**
 * Writes the config atomically: a temporary file beside it, then a rename, so a crash or a full
 * disk leaves the old file whole. Tab-indented, as the files kirikae wrote before (through
 * `conf`) are. A new file is readable by its owner only — it may hold an API base URL with
 * credentials (`cache.semantic.redisUrl`); an existing file keeps its mode.
 */
export function writeConfigFile(path: string, raw: RawConfig): void {
  mkdirSync(dirname(path), { recursive: true });
  let mode = 0o600;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // a new file
  }
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(raw, undefined, '\t'), { mode });
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the write's own error is the one to report
    }
    throw error;
  }
}
