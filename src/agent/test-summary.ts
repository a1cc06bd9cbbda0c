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

/** Lines that end an error message: stack frames, source excerpts, diffs, the next test. */
const MESSAGE_END =
  /^(at |❯|⎯|>?\s*\d+\s?\||\||[-+] |Difference:|stack backtrace:|note: |-{3}|\.{3}$|●|FAIL\b|[✖✕×✗] |test |thread '|===)/;

/**
 * The error message starting at `index`, joined to one line: the message line plus up to
 * `extra` continuation lines ("3 !== 4", "Expected: 2", "left: 4"), which carry the values
 * that make an assertion readable. Stops at a stack frame, a source excerpt or a diff.
 */
function messageAt(lines: string[], index: number, extra = 2): string {
  const parts = [lines[index]!.trim()];
  let blanks = 0;
  for (let i = index + 1; i < lines.length && parts.length <= extra; i++) {
    const line = lines[i]!.trim();
    if (!line) {
      // A blank line may separate the message from its values, once; after values it ends them.
      if (parts.length > 1 || ++blanks > 1) break;
      continue;
    }
    if (MESSAGE_END.test(line)) break;
    parts.push(line);
  }
  return parts.join(' ');
}

/** The first non-empty line after `index` that is not a diff/stack/source-frame line, with its values. */
function errorAfter(lines: string[], index: number, limit = 12): string | undefined {
  for (let i = index + 1; i < Math.min(lines.length, index + 1 + limit); i++) {
    const line = lines[i]!.trim();
    if (!line || /^(at |❯|⎯|\d+\||\||-+$|=+$|Expected|Received|- |\+ )/.test(line)) continue;
    return messageAt(lines, i);
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
  let file: string | undefined;
  let testsLine: string | undefined;
  let filesLine: string | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    let m = /^FAIL\s+(.+?\s>\s.+)$/.exec(line);
    if (m) return add(out.failures, m[1]!.trim(), errorAfter(lines, i));
    // vitest: a file that failed to load (`FAIL  a.test.ts [ a.test.ts ]`).
    m = /^FAIL\s+(\S+)\s+\[\s*\S+\s*\]$/.exec(line);
    if (m) return add(out.failures, `${m[1]!} (failed to load)`, errorAfter(lines, i));
    m = /^●\s+(.+)$/.exec(line);
    if (m && m[1] === 'Test suite failed to run' && file) {
      return add(out.failures, `${file} (failed to run)`, errorAfter(lines, i));
    }
    if (m && !/^Console$/.test(m[1]!)) return add(out.failures, m[1]!.trim(), errorAfter(lines, i));
    m = /^[×✗✕]\s+(.+?)(?:\s+\d+\s*ms)?$/.exec(line);
    if (m) return void crossed.push(m[1]!.trim());
    m = /^FAIL\s+(\S+)(?:\s+\(.*\))?$/.exec(line);
    if (m) {
      file = m[1]!;
      return void failedFiles.push(file);
    }
    // The per-test count says more than the per-file one; either may come first.
    if (/^Tests:?\s+.*\bfail/i.test(line)) testsLine ??= line;
    if (/^Test Files\s+.*\bfail/i.test(line)) filesLine ??= line;
  });
  out.status ??= testsLine ?? filesLine;
  // Names without a file are second best; file names alone are third.
  if (!out.failures.length) crossed.forEach((name) => add(out.failures, name));
  if (!out.failures.length) failedFiles.forEach((name) => add(out.failures, name));
}

/** node --test, spec reporter: `✖ name (1.2ms)` followed by its indented error. */
function parseNodeSpec(lines: string[], out: Parsed): void {
  // Newer nodes repeat every failure under "✖ failing tests:"; read only that list when present.
  const listed = lines.findIndex((l) => l.trim() === '✖ failing tests:');
  const from = listed >= 0 ? listed + 1 : 0;
  let where: string | undefined;
  for (let i = from; i < lines.length; i++) {
    const raw = lines[i]!;
    const at = /^test at (\S+)$/.exec(raw.trim());
    if (at) {
      where = at[1];
      continue;
    }
    const m = /^(\s*)✖ (.+?) \([\d.]+m?s\)$/.exec(raw);
    if (!m) continue;
    // A suite's line is followed by its children or a sibling, not by an indented error.
    const next = lines[i + 1] ?? '';
    const indent = /^\s*/.exec(next)![0].length;
    if (!next.trim() || indent <= m[1]!.length || /^\s*[✖✔▶ℹ﹣]/.test(next)) continue;
    add(out.failures, where ? `${m[2]!} (${where})` : m[2]!, messageAt(lines, i + 1));
    where = undefined;
  }
  nodeCounts(lines, /^ℹ (pass|fail) (\d+)$/, out);
}

/** node --test through a pipe (TAP): `not ok 1 - name` and its YAML block. */
function parseNodeTap(lines: string[], out: Parsed): void {
  lines.forEach((raw, i) => {
    const m = /^(\s*)not ok \d+ - (.+?)(?:\s+#.*)?$/.exec(raw);
    if (!m) return;
    const fields = new Map<string, string>();
    let message: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!.trim();
      if (line === '...') break;
      const field = /^(\w+): (.*)$/.exec(line);
      if (field && field[1] === 'error' && field[2] === '|-') {
        // A block scalar: the message lines that follow, up to the next field.
        const block: string[] = [];
        for (j++; j < lines.length && !/^\s*\w+: /.test(lines[j]!); j++) {
          if (lines[j]!.trim()) block.push(lines[j]!.trim());
        }
        message = block;
        j--;
        continue;
      }
      if (field) fields.set(field[1]!, field[2]!.replace(/^'(.*)'$/, '$1'));
    }
    if (fields.get('failureType') === 'subtestsFailed') return; // a suite: its tests say why
    if (!message.length && fields.has('error')) message = [fields.get('error')!];
    const kind = fields.get('name');
    const text = message.slice(0, 3).join(' ');
    add(out.failures, m[2]!, kind && text ? `${kind}: ${text}` : text || undefined);
  });
  nodeCounts(lines, /^# (pass|fail) (\d+)$/, out);
}

/** node's own pass/fail counters (`ℹ fail 2` or `# fail 2`) as one status line. */
function nodeCounts(lines: string[], pattern: RegExp, out: Parsed): void {
  const counts = new Map<string, string>();
  for (const raw of lines) {
    const m = pattern.exec(raw.trim());
    if (m) counts.set(m[1]!, m[2]!);
  }
  const failed = counts.get('fail');
  if (failed && failed !== '0')
    out.status ??= `${failed} failed, ${counts.get('pass') ?? 0} passed`;
}

/**
 * An uncaught error in a plain node script: node first echoes the internal line that rethrew
 * it (`node:internal/…:123`, `triggerUncaughtException(`, `^`), which says nothing about the
 * failure. The error and its message come after that echo.
 */
function parseNodeUncaught(lines: string[], out: Parsed): void {
  lines.forEach((raw, i) => {
    if (!/^node:internal\/\S+:\d+$/.test(raw.trim())) return;
    if (!/^\s*\^+\s*$/.test(lines[i + 2] ?? '')) return;
    for (let j = i + 3; j < lines.length; j++) {
      if (lines[j]!.trim()) return void out.errors.push(messageAt(lines, j));
    }
  });
}

/** pytest's short summary: `FAILED tests/test_x.py::test_y - AssertionError: …`. */
function parsePytest(lines: string[], out: Parsed): void {
  for (const raw of lines) {
    const m = /^(FAILED|ERROR)\s+(\S+?)(?:\s+-\s+(.*))?$/.exec(raw.trim());
    if (m && (m[2]!.includes('::') || m[2]!.endsWith('.py'))) add(out.failures, m[2]!, m[3]);
    if (/^=*\s*\d+ (failed|error)/.test(raw.trim())) out.status ??= raw.replace(/=+/g, '').trim();
  }
}

/** cargo test: `test a::b ... FAILED`, the panic message with its values, and compile errors. */
function parseCargo(lines: string[], out: Parsed): void {
  lines.forEach((raw, i) => {
    const line = raw.trim();
    let m = /^test\s+(\S+)\s+\.\.\.\s+FAILED$/.exec(line);
    if (m) return add(out.failures, m[1]!);
    m = /^thread '([^']+)'.*panicked at/.exec(line);
    if (m) {
      const message = lines[i + 1]?.trim() ? messageAt(lines, i + 1) : line;
      return add(out.failures, m[1]!, message);
    }
    // Unindented only: node's TAP blocks carry indented `error:` fields.
    if (/^error(\[E\d+\])?:/.test(raw) && !/^error: test failed/.test(line)) {
      const where = /^-->\s*(.+)$/.exec(lines[i + 1]?.trim() ?? '')?.[1];
      out.errors.push(where ? `${line} (${where})` : line);
    }
    if (/^test result: FAILED/.test(line)) out.status ??= line;
  });
}

/**
 * go test: `--- FAIL: TestX (0.00s)` and its message — indented after it (buffered output),
 * before it since `=== RUN   TestX` (go test -v streams), or a panic — and build errors.
 * Message lines may themselves contain "--- FAIL:"; only a bare name ends the pattern.
 */
function parseGo(lines: string[], out: Parsed): void {
  const failed: Failure[] = [];
  lines.forEach((raw, i) => {
    const m = /^\s*--- FAIL:\s+(\S+)(?:\s+\([\d.]+s\))?$/.exec(raw);
    if (m) return void failed.push({ name: m[1]!, error: goMessage(lines, i, m[1]!) });
    if (/^\S+\.go:\d+:\d+: /.test(raw.trim())) out.errors.push(raw.trim());
  });
  // A parent test fails because a subtest did: the subtest names the failure.
  for (const f of failed) {
    if (!failed.some((g) => g.name.startsWith(`${f.name}/`))) add(out.failures, f.name, f.error);
  }
}

const GO_LOG = /^\s+\S+\.go:\d+: /;

/**
 * A failing go test's message: indented right after its `--- FAIL:` line (buffered output), a
 * panic there, or — go test -v streams — the first log line in the test's own block, which runs
 * from its latest `=== RUN`/`=== CONT` line to the next `===` line.
 */
function goMessage(lines: string[], index: number, name: string): string | undefined {
  const next = lines[index + 1] ?? '';
  if (GO_LOG.test(next)) return next.trim();
  if (/^panic: /.test(next)) return next.trim().replace(/ \[recovered\]$/, '');
  const header = (line: string) => /^=== (?:RUN|CONT)\s+(\S+)$/.exec(line)?.[1] === name;
  let start = index - 1;
  while (start >= 0 && !header(lines[start]!)) start--;
  if (start < 0) return undefined;
  for (let i = start + 1; i < index && !lines[i]!.startsWith('==='); i++) {
    if (GO_LOG.test(lines[i]!)) return lines[i]!.trim();
  }
  return undefined;
}

const NOISE = /\b(0 (failed|errors?)|no errors?|failures: 0|fail-fast|errors?: 0)\b/i;

/** The runner's own machinery: stack frames and node's rethrow echo, never the failure. */
const RUNNER_INTERNALS = /^at |node:internal\/|triggerUncaughtException\(/;

/** What to show when no runner format matched: the first lines mentioning an error or failure. */
function fallbackLines(lines: string[], max: number): string[] {
  return lines
    .map((l) => l.trim())
    .filter((l) => l && /error|fail|panic|exception|traceback/i.test(l) && !NOISE.test(l))
    .filter((l) => !RUNNER_INTERNALS.test(l))
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
  parseNodeSpec(lines, parsed);
  parseNodeTap(lines, parsed);
  parseNodeUncaught(lines, parsed);
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
