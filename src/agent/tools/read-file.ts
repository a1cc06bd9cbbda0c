import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { isSecretResolved, pathNames, resolveInWorkspace } from '../workspace.js';
import { looksBinary, formatBytes } from './files.js';
import { ToolError, defineTool } from './types.js';

export const READ_LIMITS = {
  /** Lines returned by one call. */
  maxLines: 2000,
  /** Bytes returned by one call. */
  maxBytes: 256 * 1024,
  /** Characters kept of one line (minified bundles have megabyte lines). */
  maxLineChars: 2000,
  /** Files above this are not loaded at all. */
  maxFileBytes: 32 * 1024 * 1024,
};

const schema = z.object({
  path: z.string().describe('File path, relative to the workspace root'),
  start_line: z.number().int().min(1).optional().describe('First line to read (1-based)'),
  end_line: z.number().int().min(1).optional().describe('Last line to read (inclusive)'),
});

function numbered(lines: string[], first: number): string {
  const width = String(first + lines.length - 1).length;
  return lines
    .map((line, i) => {
      const text =
        line.length > READ_LIMITS.maxLineChars
          ? `${line.slice(0, READ_LIMITS.maxLineChars)}… [line cut at ${READ_LIMITS.maxLineChars} characters]`
          : line;
      return `${String(first + i).padStart(width)}\t${text}`;
    })
    .join('\n');
}

/** Picks lines [start, end] within the per-call limits; pure, so the limits are unit-tested. */
export function selectLines(
  content: string,
  start = 1,
  end?: number,
): { lines: string[]; first: number; last: number; total: number; capped: boolean } {
  const all = content.split(/\r?\n/);
  // A trailing newline does not make an extra empty line.
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  const total = all.length;
  const wanted = all.slice(start - 1, end ?? total);
  const lines: string[] = [];
  let bytes = 0;
  for (const line of wanted) {
    if (lines.length >= READ_LIMITS.maxLines) break;
    bytes += Math.min(line.length, READ_LIMITS.maxLineChars) + 1;
    if (bytes > READ_LIMITS.maxBytes && lines.length > 0) break;
    lines.push(line);
  }
  return {
    lines,
    first: start,
    last: start + lines.length - 1,
    total,
    capped: lines.length < wanted.length,
  };
}

export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a UTF-8 text file from the workspace. Lines come back numbered ("  12<TAB>text"); the numbers are not part of the file. ' +
    `At most ${READ_LIMITS.maxLines} lines or ${READ_LIMITS.maxBytes / 1024} KB per call: use start_line/end_line for the rest of a long file. Binary files are refused.`,
  access: 'read',
  schema,
  async prepare(args, ctx) {
    const resolved = await resolveInWorkspace(ctx.workspace, args.path);
    const { abs, rel } = resolved;
    if (
      args.end_line !== undefined &&
      args.start_line !== undefined &&
      args.end_line < args.start_line
    ) {
      throw new ToolError(`end_line (${args.end_line}) is before start_line (${args.start_line})`);
    }
    const range =
      args.start_line || args.end_line
        ? ` (lines ${args.start_line ?? 1}–${args.end_line ?? 'end'})`
        : '';
    return {
      summary: `read ${rel}${range}`,
      target: rel,
      path: rel,
      aliases: pathNames(resolved).slice(1),
      sensitive: isSecretResolved(resolved),
      async run() {
        let info;
        try {
          info = await stat(abs);
        } catch {
          throw new ToolError(`${rel} does not exist. Use list_files to see what is there.`);
        }
        if (info.isDirectory()) {
          throw new ToolError(`${rel} is a directory; use list_files to see its contents`);
        }
        // A FIFO or a device would block the read (and Esc) until something writes to it.
        if (!info.isFile())
          throw new ToolError(`${rel} is not a regular file; read_file reads files`);
        if (info.size > READ_LIMITS.maxFileBytes) {
          throw new ToolError(
            `${rel} is ${formatBytes(info.size)}, too large to read; use grep to find the lines you need`,
          );
        }
        const buffer = await readFile(abs);
        if (looksBinary(buffer)) {
          throw new ToolError(
            `${rel} is a binary file (${formatBytes(info.size)}), not UTF-8 text; read_file only reads text files`,
          );
        }
        const start = args.start_line ?? 1;
        const picked = selectLines(buffer.toString('utf8'), start, args.end_line);
        if (picked.total > 0 && start > picked.total) {
          throw new ToolError(
            `${rel} has ${picked.total} lines; start_line ${start} is past the end`,
          );
        }
        let content = picked.lines.length ? numbered(picked.lines, picked.first) : '(empty file)';
        if (picked.capped) {
          const next = picked.last + 1;
          const nextEnd = Math.min(picked.total, next + READ_LIMITS.maxLines - 1);
          content +=
            `\n\n[${rel} has ${picked.total} lines (${formatBytes(info.size)}); showing lines ${picked.first}–${picked.last}. ` +
            `Read on with {"path": ${JSON.stringify(rel)}, "start_line": ${next}, "end_line": ${nextEnd}}.]`;
        }
        return {
          ok: true,
          content,
          summary: `read ${rel} (${picked.lines.length} line${picked.lines.length === 1 ? '' : 's'}${picked.capped ? `, of ${picked.total}` : ''})`,
        };
      },
    };
  },
});
