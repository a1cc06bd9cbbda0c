/**
 * A failing test run reduced to what the next attempt needs: the failing test names and their
 * first error lines, at most 20 lines. The whole log never travels: a planner re-reading long
 * executor output is what makes "free" local executors the most expensive setup.
 */

export const MAX_SUMMARY_LINES = 20;
const MAX_LINE_CHARS = 160;
const MAX_NAMED = 10;

interface Failure {
  name: string;
  error?: string;
}

interface Parsed {
  failures: Failure[];
  /** Errors not tied to a test (compile errors, a suite that failed to load). */
  errors: string[];
  /** The runner's own count line ("Tests  2 failed | 1 passed"). */
  status?: string;
}

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function cut(line: string): string {
  const flat = line.trim();
  return flat.length > MAX_LINE_CHARS ? `${flat.slice(0, MAX_LINE_CHARS - 1)}…` : flat;
}

/** The first non-empty line after `index` that is not a diff/stack/source-frame line. */
function errorAfter(lines: string[], index: number, limit = 12): string | undefined {
  for (let i = index + 1; i < Math.min(lines.length, index + 1 + limit); i++) {
    const line = lines[i]!.trim();
    if (!line || /^(at |❯|⎯|\d+\||\||-+$|=+$|Expected|Received|- |\+ )/.test(line)) continue;
    return line;
  }
  return undefined;
}

function add(failures: Failure[], name: string, error?: string): void {
  const existing = failures.find((f) => f.name === name);
  if (existing) existing.error ??= error;
  else failures.push({ name, error });
}

/** vitest (`FAIL  file > suite > test`, `× test`) and jest (`● suite › test`, `FAIL file`). */
function parseJsRunners(lines: string[], out: Parsed): void {
  const crossed: string[] = [];
  const failedFiles: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    let m = /^FAIL\s+(.+?\s>\s.+)$/.exec(line);
    if (m) return add(out.failures, m[1]!.trim(), errorAfter(lines, i));
    m = /^●\s+(.+)$/.exec(line);
    if (m && !/^Console$/.test(m[1]!)) return add(out.failures, m[1]!.trim(), errorAfter(lines, i));
    m = /^[×✗✕]\s+(.+?)(?:\s+\d+\s*ms)?$/.exec(line);
    if (m) return void crossed.push(m[1]!.trim());
    m = /^FAIL\s+(\S+)(?:\s+\(.*\))?$/.exec(line);
    if (m) return void failedFiles.push(m[1]!);
    if (/^Tests:?\s+.*\bfail/i.test(line)) out.status ??= line;
    if (/^Test Files\s+.*\bfail/i.test(line) && !out.status) out.status = line;
  });
  // Names without a file are second best; file names alone are third.
  if (!out.failures.length) crossed.forEach((name) => add(out.failures, name));
  if (!out.failures.length) failedFiles.forEach((name) => add(out.failures, name));
}

/** pytest's short summary: `FAILED tests/test_x.py::test_y - AssertionError: …`. */
function parsePytest(lines: string[], out: Parsed): void {
  for (const raw of lines) {
    const m = /^(FAILED|ERROR)\s+(\S+?)(?:\s+-\s+(.*))?$/.exec(raw.trim());
    if (m && (m[2]!.includes('::') || m[2]!.endsWith('.py'))) add(out.failures, m[2]!, m[3]);
    if (/^=*\s*\d+ (failed|error)/.test(raw.trim())) out.status ??= raw.replace(/=+/g, '').trim();
  }
}

/** cargo test: `test a::b ... FAILED`, the panic message, and compile errors. */
function parseCargo(lines: string[], out: Parsed): void {
  lines.forEach((raw, i) => {
    const line = raw.trim();
    let m = /^test\s+(\S+)\s+\.\.\.\s+FAILED$/.exec(line);
    if (m) return add(out.failures, m[1]!);
    m = /^thread '([^']+)'.*panicked at/.exec(line);
    if (m) {
      const message = lines[i + 1]?.trim();
      return add(out.failures, m[1]!, message || line);
    }
    if (/^error(\[E\d+\])?:/.test(line) && !/^error: test failed/.test(line)) {
      const where = /^-->\s*(.+)$/.exec(lines[i + 1]?.trim() ?? '')?.[1];
      out.errors.push(where ? `${line} (${where})` : line);
    }
    if (/^test result: FAILED/.test(line)) out.status ??= line;
  });
}

/** go test: `--- FAIL: TestX (0.00s)` with its indented message, and build errors. */
function parseGo(lines: string[], out: Parsed): void {
  lines.forEach((raw, i) => {
    const m = /^\s*--- FAIL:\s+(\S+)/.exec(raw);
    if (m) {
      const next = lines[i + 1];
      const error = next && /^\s{4,}\S/.test(next) ? next.trim() : undefined;
      return add(out.failures, m[1]!, error);
    }
    if (/^\S+\.go:\d+:\d+: /.test(raw.trim()) || /^# \S+$/.test(raw.trim())) {
      if (!raw.startsWith('#')) out.errors.push(raw.trim());
    }
  });
}

const NOISE = /\b(0 (failed|errors?)|no errors?|failures: 0|fail-fast|errors?: 0)\b/i;

/** What to show when no runner format matched: the first lines mentioning an error or failure. */
function fallbackLines(lines: string[], max: number): string[] {
  return lines
    .map((l) => l.trim())
    .filter((l) => l && /error|fail|panic|exception|traceback/i.test(l) && !NOISE.test(l))
    .slice(0, max);
}

export interface SummaryContext {
  exitCode: number | null;
  timedOut?: boolean;
  timeoutMs?: number;
}

/** The short failure summary (≤ MAX_SUMMARY_LINES lines) of a test run's output. */
export function summarizeTestOutput(output: string, context: SummaryContext): string {
  const lines = stripAnsi(output).split(/\r?\n/);
  const parsed: Parsed = { failures: [], errors: [] };
  parseJsRunners(lines, parsed);
  parsePytest(lines, parsed);
  parseCargo(lines, parsed);
  parseGo(lines, parsed);

  const out: string[] = [];
  if (context.timedOut) {
    const ms = context.timeoutMs;
    const after = ms ? ` after ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : '';
    out.push(`Timed out${after}; the run was stopped.`);
  }
  if (parsed.status) out.push(cut(parsed.status));
  if (parsed.failures.length) {
    const n = parsed.failures.length;
    out.push(`${n} failing test${n === 1 ? '' : 's'}:`);
    for (const f of parsed.failures.slice(0, MAX_NAMED)) {
      out.push(cut(f.error ? `- ${f.name}: ${f.error}` : `- ${f.name}`));
    }
    if (n > MAX_NAMED) out.push(`… and ${n - MAX_NAMED} more`);
  }
  const room = MAX_SUMMARY_LINES - out.length;
  const extra = parsed.errors.length
    ? [...new Set(parsed.errors)]
    : parsed.failures.length
      ? []
      : fallbackLines(lines, room);
  out.push(...extra.slice(0, Math.max(0, room)).map(cut));
  if (out.length === 0) {
    // Nothing recognisable: the last non-empty lines usually say why.
    const tail = lines
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-5);
    out.push(`Exited with code ${context.exitCode ?? 'unknown'}`, ...tail.map(cut));
  }
  return out.slice(0, MAX_SUMMARY_LINES).join('\n');
}
