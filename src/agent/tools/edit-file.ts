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
import { ToolError, defineTool } from './types.js';
import { withheld } from './write-file.js';

const schema = z.object({
  path: z.string().describe('File to edit, relative to the workspace root'),
  old_string: z
    .string()
    .describe('Exact text to replace, including indentation; must occur exactly once in the file'),
  new_string: z.string().describe('Replacement text'),
  replace_all: z
    .boolean()
    .optional()
    .describe('Replace every occurrence instead of requiring exactly one'),
});

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) {
    found.push(i);
  }
  return found;
}

/** Line numbers where the first line of `needle` appears once whitespace is ignored. */
function looseMatches(text: string, needle: string): number[] {
  const squash = (s: string): string => s.replace(/\s+/g, '');
  const first = squash(needle.split('\n').find((l) => l.trim()) ?? '');
  if (!first) return [];
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (squash(line).includes(first)) lines.push(i + 1);
  });
  return lines.slice(0, 5);
}

export interface Replacement {
  after: string;
  count: number;
}

/**
 * The replacement, or a ToolError that tells the model exactly what went wrong: not found
 * (with lines that match when whitespace is ignored), or found N times (with their lines).
 * Pure, so every message is unit-tested.
 */
export function replaceExactlyOnce(
  rel: string,
  before: string,
  oldString: string,
  newString: string,
  replaceAll = false,
): Replacement {
  if (!oldString) {
    throw new ToolError('old_string is empty; to create or overwrite a whole file use write_file');
  }
  if (oldString === newString) throw new ToolError('old_string and new_string are identical');
  let from = oldString;
  let to = newString;
  let hits = occurrences(before, from);
  // Models write \n; a file with Windows line endings still deserves the edit.
  if (hits.length === 0 && before.includes('\r\n') && !from.includes('\r\n')) {
    from = from.replace(/\n/g, '\r\n');
    to = to.replace(/\n/g, '\r\n');
    hits = occurrences(before, from);
  }
  if (hits.length === 0) {
    const near = looseMatches(before, oldString);
    const hint = near.length
      ? ` Text matching when whitespace is ignored is at line${near.length > 1 ? 's' : ''} ${near.join(', ')}: re-read those lines and copy indentation exactly.`
      : ' Re-read the file with read_file and copy the text exactly (without the line-number prefix).';
    throw new ToolError(`old_string was not found in ${rel}.${hint}`);
  }
  if (hits.length > 1 && !replaceAll) {
    const lines = hits.slice(0, 10).map((i) => lineOf(before, i));
    throw new ToolError(
      `old_string occurs ${hits.length} times in ${rel} (lines ${lines.join(', ')}${hits.length > 10 ? ', …' : ''}). ` +
        'Include more surrounding lines so it matches exactly once, or set replace_all to true.',
    );
  }
  if (replaceAll) return { after: before.split(from).join(to), count: hits.length };
  const at = hits[0]!;
  // slice, not String.replace: `$&` in new_string must stay literal.
  return { after: before.slice(0, at) + to + before.slice(at + from.length), count: 1 };
}

export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace an exact piece of text in an existing file. old_string must match the file exactly once (whitespace included; ' +
    'do not include read_file line numbers); add surrounding lines to make it unique. Returns the diff.',
  access: 'edit',
  schema,
  async prepare(args, ctx) {
    const resolved = await resolveInWorkspace(ctx.workspace, args.path);
    const { abs, rel } = resolved;
    const secret = isSecretResolved(resolved);
    const sensitiveReason = sensitiveWrite(resolved);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new ToolError(`${rel} does not exist; use write_file to create it`);
    if (!info.isFile()) throw new ToolError(`${rel} is not a file`);
    const buffer = await readFile(abs);
    if (looksBinary(buffer))
      throw new ToolError(`${rel} is a binary file; it cannot be edited as text`);
    const before = buffer.toString('utf8');
    const { after, count } = replaceExactlyOnce(
      rel,
      before,
      args.old_string,
      args.new_string,
      args.replace_all,
    );
    const change = fileDiff(rel, before, after);
    return {
      summary: `edit ${rel} (${diffStat(change)})`,
      target: rel,
      path: rel,
      aliases: pathNames(resolved).slice(1),
      sensitive: sensitiveReason !== undefined,
      ...(sensitiveReason ? { sensitiveReason } : {}),
      diff: change.diff,
      async run() {
        await recheckResolved(ctx.workspace, resolved);
        // The approval dialog may have been open for a while: never overwrite a newer version.
        if ((await writeApproved(ctx.workspace, resolved, after, buffer)) === 'changed') {
          throw new ToolError(`${rel} changed while the edit waited for approval; read it again`);
        }
        if (secret) return withheld(rel, diffStat(change));
        return {
          ok: true,
          content: `Edited ${rel} (${count} replacement${count === 1 ? '' : 's'}).\n${capText(change.diff, { headBytes: 3000, tailBytes: 1000 })}`,
          summary: `edited ${rel} (${diffStat(change)})`,
          diff: change.diff,
          changed: [rel],
        };
      },
    };
  },
});
