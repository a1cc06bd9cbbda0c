import { stat } from 'node:fs/promises';
import picomatch from 'picomatch';
import { z } from 'zod';
import { pathNames, resolveInWorkspace } from '../workspace.js';
import { ToolError, defineTool } from './types.js';
import { walk } from './walk.js';

export const MAX_LISTED = 500;

const schema = z.object({
  pattern: z
    .string()
    .optional()
    .describe(
      'Glob such as "src/**/*.ts" (relative to path); a pattern without "/" matches file names at any depth. Default: all files',
    ),
  path: z
    .string()
    .optional()
    .describe('Folder to list, relative to the workspace root. Default: the root'),
});

/** A matcher for paths relative to the listed folder; `*.ts` matches names at any depth. */
export function fileMatcher(pattern: string | undefined): (rel: string) => boolean {
  if (!pattern || pattern === '**' || pattern === '**/*') return () => true;
  const clean = pattern.replace(/^\.\//, '');
  const isMatch = picomatch(clean, { dot: true });
  if (clean.includes('/')) return (rel) => isMatch(rel);
  return (rel) => isMatch(rel.slice(rel.lastIndexOf('/') + 1));
}

export const listFilesTool = defineTool({
  name: 'list_files',
  description: `List files in the workspace matching a glob, skipping .git, node_modules and what .gitignore excludes. At most ${MAX_LISTED} paths; narrow the pattern or path for more.`,
  access: 'read',
  schema,
  async prepare(args, ctx) {
    const resolved = await resolveInWorkspace(ctx.workspace, args.path ?? '.');
    const { abs, rel } = resolved;
    const where = rel === '.' ? '' : ` in ${rel}`;
    return {
      summary: `list ${args.pattern ?? 'files'}${where}`,
      target: rel,
      path: rel,
      aliases: pathNames(resolved).slice(1),
      async run() {
        const info = await stat(abs).catch(() => undefined);
        if (!info?.isDirectory()) throw new ToolError(`${rel} is not a folder`);
        const matches = fileMatcher(args.pattern);
        const prefix = rel === '.' ? '' : `${rel}/`;
        const state = { truncated: false };
        const found: string[] = [];
        let more = 0;
        for await (const entry of walk({ root: ctx.workspace.realRoot, start: rel, state })) {
          if (entry.isDir || !matches(entry.rel.slice(prefix.length))) continue;
          // Listed through a linked folder, a file has its real name too: a deny rule on
          // either keeps it out (a review saw `slink/a.txt` listed while secrets/a.txt was denied).
          const real =
            resolved.realRel === rel
              ? entry.rel
              : `${resolved.realRel === '.' ? '' : `${resolved.realRel}/`}${entry.rel.slice(prefix.length)}`;
          if (ctx.policy?.isDenied(entry.rel) || ctx.policy?.isDenied(real)) continue;
          if (found.length < MAX_LISTED) found.push(entry.rel);
          else more++;
        }
        let content = found.length ? found.join('\n') : 'No files match.';
        if (more) content += `\n[${more} more not shown; narrow the pattern or path]`;
        if (state.truncated) content += '\n[the folder is very large; the walk stopped early]';
        return {
          ok: true,
          content,
          summary: `${found.length + more} file${found.length + more === 1 ? '' : 's'}${where}`,
        };
      },
    };
  },
});
