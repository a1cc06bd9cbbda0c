/**
 * What a turn changed in the workspace beyond what the file tools report: a `sed -i` or a
 * `printf > test.sh` run through bash leaves no trace in `filesChanged`, yet the test gate must
 * run after it, and must ask first when it rewrote the files that define the test command.
 * A stamp (size, mtime, inode) of each file git lists as changed or new, and of the files that
 * define the command, taken before the turn and compared after it.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { commandDefiningFiles } from './verify.js';

export interface WorkspaceStamps {
  stamps: ReadonlyMap<string, string>;
  /** In a git repository every changed path is seen; outside one only the command's files. */
  git: boolean;
}

function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return 'absent';
  }
}

/**
 * Paths git sees as changed, new or deleted under `cwd` (relative to it); undefined outside a
 * repository.
 */
function gitChanged(cwd: string): string[] | undefined {
  const git = (args: string[]) =>
    spawnSync('git', args, {
      cwd,
      encoding: 'utf8',
      timeout: 5_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  const top = git(['rev-parse', '--show-toplevel']);
  if (top.status !== 0 || typeof top.stdout !== 'string') return undefined;
  const root = top.stdout.trim();
  // git names the real path (macOS: /private/tmp for /tmp): relative to the real workspace.
  let base = cwd;
  try {
    base = realpathSync(cwd);
  } catch {
    // A workspace that vanished: the paths come out relative to what was given.
  }
  // Porcelain paths are the repository root's; `-- .` keeps those under the workspace.
  const run = git([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--no-renames',
    '--',
    '.',
  ]);
  if (run.status !== 0 || typeof run.stdout !== 'string') return undefined;
  return run.stdout
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) =>
      relative(base, join(root, entry.slice(3)))
        .split(sep)
        .join(posix.sep),
    );
}

/** The workspace's state as far as a test run is concerned, before or after a turn. */
export function workspaceStamps(cwd: string, command: string): WorkspaceStamps {
  const changed = gitChanged(cwd);
  const paths = new Set([...(changed ?? []), ...commandDefiningFiles(command)]);
  return {
    stamps: new Map([...paths].map((path) => [path, stampOf(join(cwd, path))])),
    git: changed !== undefined,
  };
}

/** The paths whose stamp differs between two snapshots of one workspace. */
export function changedSince(before: WorkspaceStamps, after: WorkspaceStamps): string[] {
  const paths = new Set([...before.stamps.keys(), ...after.stamps.keys()]);
  return [...paths]
    .filter((path) => (before.stamps.get(path) ?? 'clean') !== (after.stamps.get(path) ?? 'clean'))
    .sort();
}
