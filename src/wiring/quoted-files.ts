import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** A quoted file bigger than this is not hashed into the cache's context (the turn misses). */
const MAX_BYTES = 512 * 1024;

/**
 * Reads a file the prompt names, for the semantic cache's context key: only a regular text file
 * inside the workspace (links resolved first), never a binary or a huge one.
 */
export function quotedFileReader(cwd: string): (path: string) => string | undefined {
  let root: string;
  try {
    root = realpathSync(cwd);
  } catch {
    return () => undefined;
  }
  return (path) => {
    try {
      const real = realpathSync(resolve(root, path));
      const rel = relative(root, real);
      if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
      const stat = statSync(real);
      if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
      const text = readFileSync(real, 'utf8');
      return text.includes('\u0000') ? undefined : text;
    } catch {
      return undefined;
    }
  };
}
