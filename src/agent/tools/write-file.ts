import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { writeApproved } from '../confined-write.js';
import { capText } from '../output.js';
import {
  isSecretResolved,
  sensitiveWrite,
  pathNames,
  recheckResolved,
  resolveInWorkspace,
} from '../workspace.js';
import { diffStat, fileDiff } from './diff.js';
import { looksBinary } from './files.js';
import { ToolError, defineTool, type ToolOutcome } from './types.js';

const schema = z.object({
  path: z.string().describe('File to create or overwrite, relative to the workspace root'),
  content: z.string().describe('The complete new content of the file'),
});

/** The outcome of a change to a secret file: what changed in size, never the old lines. */
export function withheld(rel: string, what: string): ToolOutcome {
  return {
    ok: true,
    content: `Wrote ${rel} (${what}). The diff is not shown: the file may hold secrets.`,
    summary: `wrote ${rel} (${what})`,
    changed: [rel],
  };
}

export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Create a file, or overwrite one with new complete content (folders are created as needed). ' +
    'For a small change to an existing file prefer edit_file. Returns the diff.',
  access: 'write',
  schema,
  async prepare(args, ctx) {
    const resolved = await resolveInWorkspace(ctx.workspace, args.path);
    const { abs, rel } = resolved;
    const secret = isSecretResolved(resolved);
    const sensitiveReason = sensitiveWrite(resolved);
    const info = await stat(abs).catch(() => undefined);
    if (info && !info.isFile()) throw new ToolError(`${rel} exists and is not a file`);
    const previous = info ? await readFile(abs) : undefined;
    // A binary file is shown as replaced wholesale rather than as a diff of garbage.
    const before =
      previous === undefined ? undefined : looksBinary(previous) ? '' : previous.toString('utf8');
    const change = fileDiff(rel, before, args.content);
    const what =
      previous === undefined
        ? `new, ${change.added} line${change.added === 1 ? '' : 's'}`
        : diffStat(change);
    return {
      summary: `write ${rel} (${what})`,
      target: rel,
      path: rel,
      aliases: pathNames(resolved).slice(1),
      // Overwriting .env, or a file git or direnv runs, needs a person's yes in every mode.
      sensitive: sensitiveReason !== undefined,
      ...(sensitiveReason ? { sensitiveReason } : {}),
      diff: change.diff,
      async run() {
        await recheckResolved(ctx.workspace, resolved);
        if ((await writeApproved(ctx.workspace, resolved, args.content, previous)) === 'changed') {
          throw new ToolError(`${rel} changed while the write waited for approval; read it again`);
        }
        // The diff of a secret file carries its old values: neither the model nor the
        // transcript gets it.
        if (secret) return withheld(rel, what);
        return {
          ok: true,
          // The model wrote the content itself: echoing a new file back would only cost tokens.
          content:
            previous === undefined
              ? `Created ${rel} (${what}).`
              : `Wrote ${rel} (${what}).\n${capText(change.diff, { headBytes: 2000, tailBytes: 1000 })}`,
          summary: `wrote ${rel} (${what})`,
          diff: change.diff,
          changed: [rel],
        };
      },
    };
  },
});
