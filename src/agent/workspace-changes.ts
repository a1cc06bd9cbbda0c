/**
 * What a turn changed in the workspace beyond what the file tools report: a `sed -i` or a
 * `printf > test.sh` run through bash leaves no trace in `filesChanged`, yet the test gate must
 * run after it, and must ask first when it rewrote the files that define the test command.
 * A stamp (size, mtime, inode) of each file git lists as changed or new, and of the files that
 * define the command, taken before the turn and compared after it. Asynchronous: `git status`
 * in a large repository takes a while, and the screen must not stop for it.
 */
import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { commandDefiningFiles } from './verify.js';

export interface WorkspaceStamps {
  stamps: ReadonlyMap<string, string>;
  /** In a git repository every changed path is seen; outside one only the command's files. */
  git: boolean;
}

/** A file's stamp: a change of content, a rename-over or a new file all change it. */
function stampText(s: { size: number; mtimeMs: number; ino: number } | undefined): string {
  return s ? `${s.size}:${s.mtimeMs}:${s.ino}` : 'absent';
}

async function stampOf(path: string): Promise<string> {
  return stampText(await stat(path).catch(() => undefined));
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd, encoding: 'utf8', timeout: 5_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

/**
 * Paths git sees as changed, new or deleted under `cwd` (relative to it); undefined outside a
 * repository.
 */
async function gitChanged(cwd: string): Promise<string[] | undefined> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (top === undefined) return undefined;
  const root = top.trim();
  // git names the real path (macOS: /private/tmp for /tmp): relative to the real workspace.
  const base = await realpath(cwd).catch(() => cwd);
  // Porcelain paths are the repository root's; `-- .` keeps those under the workspace.
  const listed = await git(cwd, [
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--no-renames',
    '--',
    '.',
  ]);
  if (listed === undefined) return undefined;
  return listed
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) =>
      relative(base, join(root, entry.slice(3)))
        .split(sep)
        .join(posix.sep),
    );
}

/**
 * The workspace's state as far as a test run is concerned, before or after a turn. After it,
 * pass the snapshot before as `since`: its paths are stamped again too, so a file a commit or a
 * stash made clean is compared by its content's stamp, not counted as changed for leaving the
 * list.
 */
export async function workspaceStamps(
  cwd: string,
  command: string,
  since?: WorkspaceStamps,
): Promise<WorkspaceStamps> {
  const changed = await gitChanged(cwd);
  const paths = [
    ...new Set([
      ...(changed ?? []),
      ...commandDefiningFiles(command),
      ...(since?.stamps.keys() ?? []),
    ]),
  ];
  const stamps = await Promise.all(paths.map((path) => stampOf(join(cwd, path))));
  return {
    stamps: new Map(paths.map((path, i) => [path, stamps[i]!])),
    git: changed !== undefined,
  };
}

/**
 * The paths whose stamp differs between two snapshots of one workspace. When git answered for
 * one snapshot and not the other (a timeout), only the files both stamped are compared.
 */
export function changedSince(before: WorkspaceStamps, after: WorkspaceStamps): string[] {
  const paths =
    before.git === after.git
      ? new Set([...before.stamps.keys(), ...after.stamps.keys()])
      : new Set([...before.stamps.keys()].filter((path) => after.stamps.has(path)));
  return [...paths]
    .filter((path) => (before.stamps.get(path) ?? 'clean') !== (after.stamps.get(path) ?? 'clean'))
    .sort();
}
