// What an executor hands back to the planner: a bounded, structured account of what it did —
// never its transcript. The planner reads this text on every later call of the task (that is
// the re-read overhead, docs/delegation.md), so its size is capped in tokens, not just lines.
import { countTextTokens } from '../router/tokenizer.js';
import { oneLine } from '../agent/output.js';

/** How an executor run ended, as the planner is told. */
export type ExecutorStatus = 'done' | 'incomplete' | 'failed' | 'aborted';

export interface ChangedFile {
  path: string;
  added: number;
  removed: number;
}

export interface CheckOutcome {
  command: string;
  /** Exit code 0. A check that could not run (denied, refused) did not pass. */
  passed: boolean;
  /** How it ended: `[exit code 1]`, `not run: …`. */
  exit: string;
  /** The last lines of its output (failures are at the end). */
  tail: string[];
}

export interface ExecutorResult {
  model: string;
  status: ExecutorStatus;
  /** Why it is not `done` (a model error, max steps, broken tool calls). */
  reason?: string;
  steps: number;
  changed: ChangedFile[];
  check?: CheckOutcome;
  /** The executor's own closing words, at most `limits.notesLines` lines. */
  notes: string[];
}

export interface ResultLimits {
  /** Lines of the executor's notes kept. */
  notesLines: number;
  /** Lines of the check's output kept. */
  checkTailLines: number;
  /** The whole rendered result stays within this many tokens. */
  tokens: number;
}

export const DEFAULT_RESULT_LIMITS: ResultLimits = {
  notesLines: 8,
  checkTailLines: 6,
  tokens: 400,
};

/** The first line of a rendered result; alone, it is also the stub that replaces it later. */
export function resultHeadline(result: ExecutorResult): string {
  const added = result.changed.reduce((s, f) => s + f.added, 0);
  const removed = result.changed.reduce((s, f) => s + f.removed, 0);
  const files = result.changed.length;
  const parts = [
    `executor ${result.model}: ${result.status} after ${result.steps} step${result.steps === 1 ? '' : 's'}`,
    files ? `${files} file${files === 1 ? '' : 's'} +${added} −${removed}` : 'no files changed',
  ];
  if (result.check) parts.push(`check ${result.check.passed ? 'passed' : 'failed'}`);
  return parts.join(' · ');
}

/** Non-empty lines of the executor's last reply, at most `max`. */
export function noteLines(text: string, max: number): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(0, max);
}

function lines(result: ExecutorResult, keep: { paths: number; tail: number; notes: number }) {
  const out = [resultHeadline(result)];
  if (result.reason) out.push(`reason: ${oneLine(result.reason, 200)}`);
  if (result.changed.length) {
    const shown = result.changed.slice(0, keep.paths);
    const more = result.changed.length - shown.length;
    out.push(
      `changed: ${shown.map((f) => `${f.path} +${f.added} −${f.removed}`).join(', ')}${more ? `, … ${more} more` : ''}`,
    );
  }
  if (result.check) {
    out.push(`check: ${result.check.command} ${result.check.exit}`);
    for (const line of result.check.tail.slice(-keep.tail)) out.push(`  ${oneLine(line, 160)}`);
  }
  const notes = result.notes.slice(0, keep.notes);
  if (notes.length) out.push('notes:', ...notes.map((n) => `  ${oneLine(n, 200)}`));
  return out.join('\n');
}

/**
 * The result as the planner reads it, within `limits.tokens`: when it is longer, notes go
 * first, then the check's output, then all but the first paths (the headline always stays).
 */
export function renderResult(
  result: ExecutorResult,
  limits: ResultLimits = DEFAULT_RESULT_LIMITS,
  count: (text: string) => number = countTextTokens,
): string {
  const keep = {
    paths: result.changed.length,
    tail: limits.checkTailLines,
    notes: limits.notesLines,
  };
  let text = lines(result, keep);
  while (count(text) > limits.tokens) {
    if (keep.notes > 0) keep.notes--;
    else if (keep.tail > 0) keep.tail--;
    else if (keep.paths > 1) keep.paths = Math.max(1, Math.floor(keep.paths / 2));
    else return resultHeadline(result);
    text = lines(result, keep);
  }
  return text;
}
