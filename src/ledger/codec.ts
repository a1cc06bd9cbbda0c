import type { LedgerRecord } from '../core/records.js';
import { checkRecord } from './schema.js';

/** Records read back from the ledger, and how many lines had to be skipped. */
export interface ReadResult {
  records: LedgerRecord[];
  /** Torn, corrupted or unrecognised lines; never fatal, shown as a warning count. */
  skipped: number;
}

/**
 * One JSONL line for a record, newline included. Unknown fields are stripped, so nothing the
 * type does not declare (an API key in a stray field, say) can reach the file.
 * Throws on a record that does not match its type: writing it would only create a line that
 * every later read skips.
 */
export function encodeRecord(record: LedgerRecord): { line: string; record: LedgerRecord } {
  const checked = checkRecord(record);
  if (!checked.ok) {
    throw new TypeError(
      `Refusing to write an invalid ledger record: ${checked.problems.join('; ')}`,
    );
  }
  return { line: `${JSON.stringify(checked.record)}\n`, record: checked.record };
}

// Every line starts with this because the schema puts `v` and `type` first.
const RECORD_START = '{"v":1,"type":';

function decodeOne(line: string): LedgerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const checked = checkRecord(value);
  return checked.ok ? checked.record : undefined;
}

/**
 * Parses JSONL text. A line that is not a valid record is skipped and counted. When a writer
 * died mid-line and the next writer's record was glued onto the torn bytes, the glued record
 * is still recovered (the torn part is counted as one skipped line).
 */
export function decodeLines(
  text: string,
  into: ReadResult = { records: [], skipped: 0 },
): ReadResult {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // No trim: JSON.parse ignores surrounding whitespace, and copying every line costs time.
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    const record = decodeOne(line);
    if (record) {
      into.records.push(record);
      continue;
    }
    if (!line.trim()) continue; // a blank line is not corruption
    into.skipped += 1;
    const glued = line.lastIndexOf(RECORD_START);
    if (glued > 0) {
      const recovered = decodeOne(line.slice(glued));
      if (recovered) into.records.push(recovered);
    }
  }
  return into;
}
