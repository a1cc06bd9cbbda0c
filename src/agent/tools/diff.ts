import { structuredPatch } from 'diff';

export interface FileDiff {
  /** Unified diff with `--- a/path` / `+++ b/path` headers; '' when nothing changed. */
  diff: string;
  added: number;
  removed: number;
}

/** Unified diff of one file's change (previous `undefined` = a new file). */
export function fileDiff(rel: string, before: string | undefined, after: string): FileDiff {
  const patch = structuredPatch(
    before === undefined ? '/dev/null' : `a/${rel}`,
    `b/${rel}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  let added = 0;
  let removed = 0;
  const out = [`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`];
  for (const hunk of patch.hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
      out.push(line);
    }
  }
  return { diff: patch.hunks.length ? out.join('\n') : '', added, removed };
}

export function diffStat(d: FileDiff): string {
  return `+${d.added} −${d.removed}`;
}
