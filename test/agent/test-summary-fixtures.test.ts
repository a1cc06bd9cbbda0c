import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeTestOutput } from '../../src/agent/test-summary.js';

// Each fixture is a real runner's output (captured here, or from the runner's own repository
// where the runner is not installed); its header says which, above the `---8<---` line.
const DIR = join(import.meta.dirname, '..', 'fixtures', 'test-output');

function summary(name: string): string {
  const text = readFileSync(join(DIR, name), 'utf8');
  const body = text.slice(text.indexOf('---8<---\n') + '---8<---\n'.length);
  return summarizeTestOutput(body, { exitCode: 1 });
}

describe('summarizeTestOutput on real runner output', () => {
  it('node: a script that throws shows the assertion, not node’s rethrow echo', () => {
    const s = summary('node-uncaught.txt');
    expect(s).toBe('AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 2 !== 3');
    expect(s).not.toContain('triggerUncaughtException');
  });

  it('node --test, spec reporter: each failing test once, with its values', () => {
    expect(summary('node-test-spec.txt')).toBe(
      [
        '2 failed, 1 passed',
        '2 failing tests:',
        '- adds (a.test.mjs:4:3): AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 3 !== 4',
        '- throws here (a.test.mjs:7:1): TypeError [Error]: boom',
      ].join('\n'),
    );
  });

  it('node --test through a pipe (TAP): tests, not the suite that contains them', () => {
    expect(summary('node-test-tap.txt')).toBe(
      [
        '2 failed, 1 passed',
        '2 failing tests:',
        '- adds: AssertionError: Expected values to be strictly equal: 3 !== 4',
        '- throws here: TypeError: boom',
      ].join('\n'),
    );
  });

  it('vitest: the per-test count line, and a file that fails to load', () => {
    expect(summary('vitest-failures.txt')).toBe(
      [
        'Tests  2 failed | 1 passed (3)',
        '2 failing tests:',
        '- a.test.mjs > math > adds: AssertionError: expected 3 to be 4 // Object.is equality',
        '- a.test.mjs > throws here: TypeError: boom',
      ].join('\n'),
    );
    expect(summary('vitest-load-error.txt')).toBe(
      [
        'Test Files  1 failed (1)',
        '1 failing test:',
        "- b.test.mjs (failed to load): Error: Cannot find module './nope.mjs' imported from /tmp/ts-daily/vt/b.test.mjs",
      ].join('\n'),
    );
  });

  it('jest: assertion lines with Expected/Received, and a suite that failed to run', () => {
    expect(summary('jest-failures.txt')).toBe(
      [
        'Tests:       3 failed, 3 total',
        '4 failing tests:',
        '- use some imported macro to make assertion: expect(received).toEqual(expected) Expected: 2 Received: 1',
        '- __tests__/throwString.test.js (failed to run): banana',
        '- resolve, but fail: expect(received).toEqual(expected)',
        '- expect reject: expect(received).rejects.toEqual() Received promise resolved instead of rejected Resolved to value: {"foo": "bar"}',
      ].join('\n'),
    );
  });

  it('pytest', () => {
    expect(summary('pytest-failures.txt')).toBe(
      [
        '2 failed, 1 passed in 3.59s',
        '2 failing tests:',
        '- test_a.py::test_bad: assert (1 + 1) == 3',
        '- test_a.py::TestX::test_err: ValueError: nope',
      ].join('\n'),
    );
  });

  it('cargo: the panic with its values, not the backtrace; compile errors with their place', () => {
    const s = summary('cargo-failures.txt');
    expect(s).toBe(
      [
        'test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.28s',
        '1 failing test:',
        '- tests::it_fails: assertion `left == right` failed left: 4 right: 5',
      ].join('\n'),
    );
    expect(s).not.toContain('rust_begin_unwind');
    expect(summary('cargo-build-error.txt').split('\n')[0]).toBe(
      'error[E0308]: mismatched types (src/lib.rs:1:37)',
    );
  });

  it('go test: a "--- FAIL:" inside a message is not a test; a panic is the message', () => {
    expect(summary('go-failures.txt')).toBe(
      [
        '2 failing tests:',
        '- TestActualCase: foo_test.go:14: Differed.',
        '- TestOutputWithSubtest: foo_test.go:6: output before sub tests',
      ].join('\n'),
    );
    expect(summary('go-panic.txt')).toBe('1 failing test:\n- TestPanic: panic: oops');
  });

  it('go test -v: streamed logs found in each test’s own block; a parent gives way to its subtests', () => {
    const lines = summary('go-verbose.txt').split('\n');
    expect(lines[0]).toBe('10 failing tests:');
    expect(lines).toContain('- TestNestedParallelFailures/d: fails_test.go:50: failed sub d');
    expect(lines).toContain('- TestParallelTheSecond: fails_test.go:35: failed the second');
    expect(lines).toContain('- TestFailedWithStderr: fails_test.go:43: also failed');
    expect(lines).toContain('- TestNestedWithFailure/c: fails_test.go:65: failed');
    expect(lines.some((l) => /^- TestNested\w+:/.test(l))).toBe(false);
  });
});
