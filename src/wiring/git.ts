import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The current branch from .git/HEAD, found walking up from `cwd`; no git process is started. */
export function gitBranch(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    try {
      const head = readFileSync(join(dir, '.git', 'HEAD'), 'utf8').trim();
      const ref = /^ref: refs\/heads\/(.+)$/.exec(head);
      return ref ? ref[1] : head.slice(0, 7);
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}

/** The git directory of the repository holding `cwd` (a worktree's `.git` file is followed). */
function gitDir(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    const dotGit = join(dir, '.git');
    try {
      if (statSync(dotGit).isDirectory()) return dotGit;
      const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (pointer) return resolve(dir, pointer[1]!.trim());
    } catch {
      // not here: look in the parent
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * HEAD's commit SHA (what the semantic cache keys workspace questions on), read from the
 * repository's files: a loose ref, then packed-refs. null outside a repository or before the
 * first commit. No git process: this runs before every cached lookup.
 */
export function gitHead(cwd: string): string | null {
  const dir = gitDir(cwd);
  if (!dir) return null;
  try {
    const head = readFileSync(join(dir, 'HEAD'), 'utf8').trim();
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return /^[0-9a-f]{40,64}$/.test(head) ? head : null;
    // A linked worktree keeps its own HEAD, but branches live in the common directory.
    const common = (() => {
      try {
        return resolve(dir, readFileSync(join(dir, 'commondir'), 'utf8').trim());
      } catch {
        return dir;
      }
    })();
    for (const base of [dir, common]) {
      try {
        return readFileSync(join(base, ref), 'utf8').trim();
      } catch {
        // packed, or not yet created
      }
    }
    const packed = readFileSync(join(common, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line ? line.slice(0, line.indexOf(' ')) : null;
  } catch {
    return null;
  }
}
