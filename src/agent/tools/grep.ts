import { accessSync, constants } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import { boundedLineMatcher } from './bounded-regex.js';
import {
  SECRET_GLOBS,
  isSecretPath,
  isSecretResolved,
  pathNames,
  resolveInWorkspace,
  type ResolvedPath,
} from '../workspace.js';
import { looksBinary } from './files.js';
import { fileMatcher } from './list-files.js';
import { ToolError, defineTool, type Tool, type ToolPolicy } from './types.js';
import { walk } from './walk.js';

export const MAX_MATCHES = 200;
const MAX_LINE_CHARS = 300;
/** The built-in search skips files above this (logs, dumps): ripgrep is the tool for those. */
const MAX_SEARCHED_FILE_BYTES = 2 * 1024 * 1024;
const RG_TIMEOUT_MS = 30_000;

const schema = z.object({
  pattern: z.string().min(1).describe('Regular expression to search for'),
  path: z
    .string()
    .optional()
    .describe('File or folder to search, relative to the workspace root. Default: the root'),
  glob: z.string().optional().describe('Only search files matching this glob, e.g. "*.ts"'),
  ignore_case: z.boolean().optional().describe('Case-insensitive search'),
});
type GrepArgs = z.infer<typeof schema>;

/** The ripgrep binary on PATH, if any. */
export function findRipgrep(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'rg');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function cutLine(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
}

/**
 * Whether a file found while searching a folder may appear in the results: not a secret, and
 * readable without a question under the session's rules. A search is one approval for many
 * files; it must not become a way round `read(protected/**)` or a `.env` question.
 */
function searchable(policy: ToolPolicy | undefined, start: ResolvedPath): (rel: string) => boolean {
  const ok = (rel: string): boolean => !isSecretPath(rel) && (policy?.canRead(rel) ?? true);
  // Searching `plink` (→ protected/) finds `plink/x`, which is really `protected/x`.
  const prefix = `${start.rel}/`;
  const real = (rel: string): string =>
    start.realRel !== start.rel && rel.startsWith(prefix)
      ? `${start.realRel}/${rel.slice(prefix.length)}`
      : rel;
  return (rel) => ok(rel) && ok(real(rel));
}

interface SearchResult {
  lines: string[];
  /** Matches found beyond the ones kept. */
  more: number;
}

async function searchWithRipgrep(
  rg: string,
  root: string,
  rel: string,
  args: GrepArgs,
  signal: AbortSignal,
  allowed: (rel: string) => boolean,
): Promise<SearchResult> {
  const flags = [
    '--line-number',
    // A single file argument would otherwise print lines without their path.
    '--with-filename',
    // A NUL after the path: paths with `:` in them still split right for the filter below.
    '--null',
    '--no-heading',
    '--color=never',
    `--max-columns=${MAX_LINE_CHARS}`,
    '--max-columns-preview',
    // Same view as the built-in search: hidden files yes, .git and node_modules no.
    '--hidden',
    // .gitignore applies outside a git repository too, as in the built-in walk.
    '--no-require-git',
    '--glob',
    '!.git',
    '--glob',
    '!node_modules',
  ];
  if (args.ignore_case) flags.push('--ignore-case');
  if (args.glob) flags.push('--glob', args.glob);
  // Secret files stay out of searches, unless the model named one (and the user approved).
  if (!isSecretPath(rel)) for (const secret of SECRET_GLOBS) flags.push('--glob', `!${secret}`);
  flags.push('-e', args.pattern);
  if (rel !== '.') flags.push('--', rel);
  const { execa } = await import('execa');
  const result = await execa(rg, flags, {
    cwd: root,
    reject: false,
    timeout: RG_TIMEOUT_MS,
    cancelSignal: signal,
    maxBuffer: 8 * 1024 * 1024,
    stdin: 'ignore',
  });
  // rg exits 1 for "no matches", 2 for errors (a bad regex, mostly).
  if (result.exitCode === 2 && !result.stdout) {
    throw new ToolError(`grep failed: ${String(result.stderr).trim().split('\n')[0]}`);
  }
  // rg does not follow links below the start (no -L), but deny rules are ours to apply.
  const all: string[] = [];
  for (const line of String(result.stdout ?? '').split('\n')) {
    const nul = line.indexOf('\0');
    if (nul < 0) continue;
    const file = line.slice(0, nul).replace(/^\.\//, '');
    if (file === rel || allowed(file)) all.push(`${file}:${line.slice(nul + 1)}`);
  }
  return {
    lines: all.slice(0, MAX_MATCHES).map(cutLine),
    more: Math.max(0, all.length - MAX_MATCHES),
  };
}

/** How long the built-in search lets a pattern run on one batch of files (normally milliseconds). */
const PATTERN_TIME_LIMIT_MS = 2000;
const BATCH_CHARS = 256 * 1024;

async function searchBuiltIn(
  root: string,
  rel: string,
  args: GrepArgs,
  signal: AbortSignal,
  allowed: (rel: string) => boolean,
): Promise<SearchResult> {
  let regex: RegExp;
  try {
    regex = new RegExp(args.pattern, args.ignore_case ? 'i' : '');
  } catch (error) {
    throw new ToolError(`Invalid regular expression: ${(error as Error).message}`);
  }
  const matching = boundedLineMatcher(regex, PATTERN_TIME_LIMIT_MS);
  const matchesGlob = fileMatcher(args.glob);
  const lines: string[] = [];
  let more = 0;
  /**
   * `explicit`: the path the model named, already resolved inside the workspace and approved.
   * Anything met on the walk is checked here, and a symlink is never followed (as rg without
   * -L): `abs_link → /etc/passwd` must not be read.
   */
  const searchFile = async (fileRel: string, abs: string, explicit = false): Promise<void> => {
    if (!explicit && !allowed(fileRel)) return;
    const info = await (explicit ? stat(abs) : lstat(abs)).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_SEARCHED_FILE_BYTES) return;
    const buffer = await readFile(abs).catch(() => undefined);
    if (!buffer || looksBinary(buffer)) return;
    const text = buffer.toString('utf8').split(/\r?\n/);
    pending.push({ rel: fileRel, lines: text });
    pendingChars += buffer.length;
    if (pendingChars >= BATCH_CHARS) flush();
  };
  // Files are matched in batches: each bounded run starts a watchdog (~0.7 ms), which per file
  // would cost more than the search itself.
  const pending: { rel: string; lines: string[] }[] = [];
  let pendingChars = 0;
  const flush = (): void => {
    if (!pending.length) return;
    const matched = matching(pending.flatMap((file) => file.lines));
    if (!matched) {
      throw new ToolError(
        `The pattern ran over ${PATTERN_TIME_LIMIT_MS / 1000} s on ${pending.length === 1 ? pending[0]!.rel : `${pending.length} files from ${pending[0]!.rel}`} and was stopped: it backtracks (nested quantifiers such as (a+)+, or a+b over a long line). Simplify it; ripgrep (rg), if installed, searches in linear time.`,
      );
    }
    let file = 0;
    let base = 0;
    for (const i of matched) {
      while (i >= base + pending[file]!.lines.length) base += pending[file++]!.lines.length;
      const { rel: fileRel, lines: text } = pending[file]!;
      if (lines.length < MAX_MATCHES)
        lines.push(`${fileRel}:${i - base + 1}:${cutLine(text[i - base]!)}`);
      else more++;
    }
    pending.length = 0;
    pendingChars = 0;
  };
  const info = await stat(join(root, rel)).catch(() => undefined);
  if (!info) throw new ToolError(`${rel} does not exist`);
  if (info.isFile()) {
    await searchFile(rel, join(root, rel), true);
    flush();
    return { lines, more };
  }
  const prefix = rel === '.' ? '' : `${rel}/`;
  for await (const entry of walk({ root, start: rel })) {
    if (signal.aborted) break;
    if (entry.isDir || !matchesGlob(entry.rel.slice(prefix.length))) continue;
    await searchFile(entry.rel, entry.abs);
  }
  flush();
  return { lines, more };
}

/**
 * `ripgrep`: the rg binary to use; undefined looks it up on PATH once, null forces the
 * built-in search (tests, or machines without rg).
 */
export function createGrepTool(options: { ripgrep?: string | null } = {}): Tool<GrepArgs> {
  // Looked up on first use, not at import: start-up stays free of file-system probes.
  let rg: string | null | undefined = options.ripgrep;
  // Not `??=`: null is the caller's "no rg" and must not trigger the lookup.
  const ripgrep = (): string | null => {
    if (rg === undefined) rg = findRipgrep() ?? null;
    return rg;
  };
  return defineTool({
    name: 'grep',
    description:
      `Search file contents in the workspace with a regular expression; prints "path:line:text" for each match (at most ${MAX_MATCHES}). ` +
      'Skips .git, node_modules, ignored, binary and secret files.',
    access: 'read',
    schema,
    async prepare(args, ctx) {
      const resolved = await resolveInWorkspace(ctx.workspace, args.path ?? '.');
      const { rel } = resolved;
      const where = rel === '.' ? '' : ` in ${rel}`;
      return {
        summary: `grep /${args.pattern}/${where}`,
        target: rel,
        path: rel,
        aliases: pathNames(resolved).slice(1),
        // Searching inside .env is reading it: it needs a person's yes like read_file.
        sensitive: isSecretResolved(resolved),
        async run(signal) {
          const root = ctx.workspace.realRoot;
          const bin = ripgrep();
          const allowed = searchable(ctx.policy, resolved);
          const found = bin
            ? await searchWithRipgrep(bin, root, rel, args, signal, allowed)
            : await searchBuiltIn(root, rel, args, signal, allowed);
          const count = found.lines.length + found.more;
          let content = found.lines.length ? found.lines.join('\n') : 'No matches.';
          if (found.more) {
            content += `\n[${found.more} more matches not shown; narrow the pattern, path or glob]`;
          }
          return { ok: true, content, summary: `${count} match${count === 1 ? '' : 'es'}${where}` };
        },
      };
    },
  });
}

export const grepTool = createGrepTool();
