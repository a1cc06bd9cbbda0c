import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';

/** Never worth walking into: huge, generated, or not the project's own files. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  /** Matches a path relative to the folder holding the .gitignore. */
  match: (rel: string, name: string) => boolean;
}

interface IgnoreFile {
  /** Folder of the .gitignore, relative to the workspace root ('' for the root). */
  dir: string;
  rules: IgnoreRule[];
}

/**
 * A light .gitignore reading: comments, negation, trailing `/` for folders, anchored patterns
 * (containing a `/`) and unanchored ones (matched against the name at any depth). Enough to
 * keep build output and caches out of listings; not a full git implementation.
 */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (!line) continue;
    const isMatch = picomatch(line, { dot: true });
    rules.push({
      negate,
      dirOnly,
      match: anchored ? (rel) => isMatch(rel) : (_rel, name) => isMatch(name),
    });
  }
  return rules;
}

function ignored(files: IgnoreFile[], rel: string, name: string, isDir: boolean): boolean {
  let result = false;
  for (const file of files) {
    const local = file.dir ? rel.slice(file.dir.length + 1) : rel;
    for (const rule of file.rules) {
      if (rule.dirOnly && !isDir) continue;
      // Later rules win, so a `!keep.log` after `*.log` re-includes the file.
      if (rule.match(local, name)) result = !rule.negate;
    }
  }
  return result;
}

async function loadIgnore(absDir: string, relDir: string): Promise<IgnoreFile | undefined> {
  try {
    const text = await readFile(join(absDir, '.gitignore'), 'utf8');
    return { dir: relDir, rules: parseGitignore(text) };
  } catch {
    return undefined;
  }
}

export interface WalkEntry {
  /** Relative to the workspace root, `/`-separated. */
  rel: string;
  abs: string;
  isDir: boolean;
}

export interface WalkOptions {
  /** Workspace real root. */
  root: string;
  /** Folder to walk, relative to the root ('' or '.' for the root). */
  start: string;
  /** Stop after visiting this many entries: a safety net for enormous trees. */
  maxVisited?: number;
  /** Set to true when the walk stopped at maxVisited. */
  state?: { truncated: boolean };
}

/**
 * Depth-first walk in name order, skipping .git/node_modules and what .gitignore files (the
 * root's and every folder's on the way) exclude. Symlinks are listed but never followed, so
 * a link cannot lead the walk outside the workspace or into a loop.
 */
export async function* walk(options: WalkOptions): AsyncGenerator<WalkEntry> {
  const start = options.start === '.' ? '' : options.start.replace(/\/+$/, '');
  const maxVisited = options.maxVisited ?? 50_000;
  // .gitignore files of the folders above the start apply too.
  const inherited: IgnoreFile[] = [];
  const parts = start ? start.split('/') : [];
  for (let i = 0; i < parts.length; i++) {
    const relDir = parts.slice(0, i).join('/');
    const file = await loadIgnore(join(options.root, relDir), relDir);
    if (file) inherited.push(file);
  }
  let visited = 0;

  async function* visit(relDir: string, ignores: IgnoreFile[]): AsyncGenerator<WalkEntry> {
    const absDir = join(options.root, relDir);
    const own = await loadIgnore(absDir, relDir);
    const active = own ? [...ignores, own] : ignores;
    let entries;
    try {
      entries = await readdir(absDir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++visited > maxVisited) {
        if (options.state) options.state.truncated = true;
        return;
      }
      const isDir = entry.isDirectory();
      if (isDir && ALWAYS_SKIPPED.has(entry.name)) continue;
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (ignored(active, rel, entry.name, isDir)) continue;
      const abs = join(absDir, entry.name);
      yield { rel, abs, isDir };
      if (isDir) yield* visit(rel, active);
    }
  }

  yield* visit(start, inherited);
}
