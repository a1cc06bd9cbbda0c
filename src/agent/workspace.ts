import { realpathSync } from 'node:fs';
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** A file tool was asked for a path it may not touch; the message goes back to the model. */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export interface Workspace {
  /** The folder as given (what the user and the model see). */
  root: string;
  /** Its real path: symlinks resolved, used for every containment check. */
  realRoot: string;
}

export function openWorkspace(root: string): Workspace {
  const absolute = resolve(root);
  return { root: absolute, realRoot: realpathSync(absolute) };
}

export interface ResolvedPath {
  /** Absolute path under the real root. */
  abs: string;
  /** Relative to the root, `/`-separated; `.` for the root itself. */
  rel: string;
  /**
   * Where the path really leads, relative to the real root: symlinks followed, dangling ones
   * included. Deny rules and secret checks look at this as well as at `rel`, so an in-workspace
   * link (`envlink → .env`) is as protected as the file it names.
   */
  realRel: string;
}

/** `target` relative to `base` when it lies inside it (`.` for `base` itself), else undefined. */
export function inside(base: string, target: string): string | undefined {
  const rel = relative(base, target);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel;
}

/** Symlinks followed on the way before we call it a loop (Linux's own limit is 40). */
const MAX_LINK_HOPS = 40;

/**
 * Where `target` really leads: the real path of its nearest existing ancestor with the rest
 * appended, where a dangling symlink on the way counts as existing and is followed to what it
 * would create (`notes.md → ~/.ssh/authorized_keys` resolves into ~/.ssh, not to notes.md).
 */
export async function realpathOfNearest(target: string): Promise<string> {
  let current = target;
  let rest: string[] = [];
  for (let hops = 0; ;) {
    try {
      return resolve(await realpath(current), ...rest);
    } catch {
      // Either missing, or a symlink whose target is missing (or a loop).
    }
    const link = await lstat(current).then(
      (info) => info.isSymbolicLink(),
      () => false,
    );
    if (link) {
      if (++hops > MAX_LINK_HOPS) throw new WorkspaceError(`${target}: too many symlinks`);
      current = resolve(dirname(current), await readlink(current));
      continue;
    }
    const parent = dirname(current);
    if (parent === current) return resolve(current, ...rest);
    rest = [basename(current), ...rest];
    current = parent;
  }
}

/**
 * Resolves a path a model gave against the workspace and refuses anything that leaves it:
 * `..` segments, absolute paths elsewhere, and symlinks (anywhere on the way) that point out.
 * Files that do not exist yet are checked through their nearest existing parent.
 */
export async function resolveInWorkspace(ws: Workspace, input: string): Promise<ResolvedPath> {
  const given = input.trim();
  if (!given) throw new WorkspaceError('Empty path');
  if (given.includes('\0')) throw new WorkspaceError('Path contains a NUL byte');
  if (given === '~' || given.startsWith('~/')) {
    throw new WorkspaceError(
      `${given} is outside the workspace ${ws.root} (home paths are not allowed)`,
    );
  }
  // An absolute path may name the root as given or as its real path (/var vs /private/var).
  const lexical = resolve(ws.root, given);
  const rel = inside(ws.root, lexical) ?? inside(ws.realRoot, lexical);
  if (rel === undefined) {
    throw new WorkspaceError(
      `${given} is outside the workspace ${ws.root}; use a path inside it (relative paths are resolved from the workspace root)`,
    );
  }
  const abs = resolve(ws.realRoot, rel);
  const real = await realpathOfNearest(abs);
  if (inside(ws.realRoot, real) === undefined) {
    throw new WorkspaceError(
      `${given} resolves through a symlink to ${real}, outside the workspace`,
    );
  }
  return { abs, rel: toPosix(rel), realRel: toPosix(inside(ws.realRoot, real)!) };
}

/**
 * Called again just before a write: a link created or swapped while the approval dialog was
 * open (by a bash call, say) must not redirect a write the user approved for another file.
 */
export async function recheckResolved(ws: Workspace, approved: ResolvedPath): Promise<void> {
  const now = await resolveInWorkspace(ws, approved.rel);
  if (now.realRel !== approved.realRel) {
    throw new WorkspaceError(
      `${approved.rel} now leads to ${now.realRel}, not ${approved.realRel} as when it was approved; nothing was written`,
    );
  }
}

/** Both names of a resolved path, for checks that must hold for either (secrets, deny rules). */
export function pathNames(resolved: ResolvedPath): string[] {
  return resolved.realRel === resolved.rel ? [resolved.rel] : [resolved.rel, resolved.realRel];
}

/**
 * Files whose contents other programs run later, outside any approval: git's config (core.fsmonitor,
 * aliases, core.pager) and hooks run on the next `git status` an allow rule waves through, direnv
 * runs `.envrc` on `cd`, husky's hooks run on commit, an editor runs `.vscode/tasks.json`. A review
 * turned accept-edits plus `bash(git status*)` into running a command this way.
 */
export function runsCommandsLater(path: string): boolean {
  const segments = path.split('/');
  if (segments.includes('.git') || segments.includes('.husky')) return true;
  const name = segments.at(-1)!;
  return name === '.envrc' || (name === 'tasks.json' && segments.at(-2) === '.vscode');
}

/** The reason a change to this file needs a person's yes in every mode, if it does. */
export function sensitiveWrite(resolved: ResolvedPath): string | undefined {
  const names = pathNames(resolved);
  if (names.some(isSecretPath)) return `${resolved.rel} may hold secrets`;
  if (names.some(runsCommandsLater)) {
    return `a change to ${resolved.rel} can make git, direnv or an editor run commands later`;
  }
  return undefined;
}

/** True when the path as written or where it really leads looks like a secret. */
export function isSecretResolved(resolved: ResolvedPath): boolean {
  return pathNames(resolved).some(isSecretPath);
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

// Secrets a model should not read without a person saying yes, even in auto mode. Templates
// (.env.example) are meant to be read and are excluded.
const SECRET_NAMES = new Set([
  '.env',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'credentials',
  'credentials.json',
  '.netrc',
  '.pgpass',
  '.npmrc',
  '.pypirc',
  'secrets.json',
  'secrets.yaml',
  'secrets.yml',
]);
const SECRET_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx', '.keystore', '.jks'];
const ENV_TEMPLATE = /^\.env\.(example|sample|template|defaults|dist)$/;

/** True for `.env`-like files: .env, .env.*, *.pem, SSH keys, credentials files. */
export function isSecretPath(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (SECRET_NAMES.has(name)) return true;
  if (name.startsWith('.env.')) return !ENV_TEMPLATE.test(name);
  if (/^id_(rsa|dsa|ecdsa|ed25519)/.test(name) && !name.endsWith('.pub')) return true;
  return SECRET_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** Globs (for ripgrep's --glob) that keep secret files out of searches. */
export const SECRET_GLOBS = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  'id_rsa*',
  'id_ed25519*',
  'id_ecdsa*',
  'credentials',
  'credentials.json',
  '.netrc',
  '.npmrc',
];
