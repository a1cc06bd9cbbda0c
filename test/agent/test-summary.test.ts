import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_LINES, summarizeTestOutput } from '../../src/agent/test-summary.js';

const fail = { exitCode: 1 };

// Output captured from the real runners (vitest 4 with colours, pytest 8, cargo 1.9x).
const VITEST = [
  '\u001b[1m\u001b[30m\u001b[46m RUN \u001b[49m\u001b[39m\u001b[22m \u001b[36mv4.1.12 \u001b[39m\u001b[90m/tmp/vt\u001b[39m',
  ' \u001b[31m❯\u001b[39m a.test.mjs \u001b[2m(\u001b[22m\u001b[2m3 tests\u001b[22m\u001b[2m | \u001b[22m\u001b[31m2 failed\u001b[39m\u001b[2m)\u001b[22m',
  '\u001b[31m     \u001b[31m×\u001b[31m adds\u001b[39m\u001b[32m 6\u001b[2mms\u001b[22m\u001b[39m',
  '\u001b[31m⎯⎯⎯⎯⎯⎯⎯\u001b[39m\u001b[1m\u001b[41m Failed Tests 2 \u001b[49m\u001b[22m\u001b[31m⎯⎯⎯⎯⎯⎯⎯\u001b[39m',
  '',
  '\u001b[41m\u001b[1m FAIL \u001b[22m\u001b[49m a.test.mjs\u001b[2m > \u001b[22mmath\u001b[2m > \u001b[22madds',
  '\u001b[31m\u001b[1mAssertionError\u001b[22m: expected 3 to be 4 // Object.is equality\u001b[39m',
  '',
  '\u001b[32m- Expected\u001b[39m',
  '\u001b[41m\u001b[1m FAIL \u001b[22m\u001b[49m a.test.mjs\u001b[2m > \u001b[22mthrows here',
  '\u001b[31m\u001b[1mTypeError\u001b[22m: boom\u001b[39m',
  '\u001b[36m \u001b[2m❯\u001b[22m a.test.mjs:\u001b[2m3:35\u001b[22m\u001b[39m',
  '\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m2 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m1 passed\u001b[39m\u001b[22m\u001b[90m (3)\u001b[39m',
].join('\n');

const PYTEST = `.FF                                                                      [100%]
=================================== FAILURES ===================================
___________________________________ test_bad ___________________________________

>   def test_bad(): assert 1 + 1 == 3
E   assert (1 + 1) == 3

test_a.py:2: AssertionError
=========================== short test summary info ============================
FAILED test_a.py::test_bad - assert (1 + 1) == 3
FAILED test_a.py::TestX::test_err - ValueError: nope
2 failed, 1 passed in 0.95s`;

const CARGO = `running 2 tests
test tests::it_works ... ok
test tests::it_fails ... FAILED

failures:

---- tests::it_fails stdout ----

thread 'tests::it_fails' (6702) panicked at src/lib.rs:5:27:
assertion \`left == right\` failed
  left: 4
 right: 5

failures:
    tests::it_fails

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s`;

const CARGO_BUILD = `   Compiling rs v0.1.0 (/tmp/rs)
error[E0308]: mismatched types
 --> src/lib.rs:1:40
  |
1 | pub fn add(a: i32, b: i32) -> i32 { "x" }
error: could not compile \`rs\` (lib) due to 1 previous error`;

const JEST = `FAIL src/sum.test.js
  math
    ✕ adds (3 ms)

  ● math › adds

    expect(received).toBe(expected) // Object.is equality

    Expected: 4
    Received: 3

Tests:       1 failed, 1 passed, 2 total`;

const GO = `--- FAIL: TestAdd (0.00s)
    add_test.go:8: got 4 want 5
--- FAIL: TestSub (0.00s)
    sub_test.go:12: got 1 want 0
FAIL
FAIL	example.com/m	0.002s`;

describe('summarizeTestOutput', () => {
  it('vitest: failing tests with their first error, colours stripped', () => {
    expect(summarizeTestOutput(VITEST, fail)).toBe(
      [
        'Tests  2 failed | 1 passed (3)',
        '2 failing tests:',
        '- a.test.mjs > math > adds: AssertionError: expected 3 to be 4 // Object.is equality',
        '- a.test.mjs > throws here: TypeError: boom',
      ].join('\n'),
    );
  });

  it('jest', () => {
    expect(summarizeTestOutput(JEST, fail)).toBe(
      [
        'Tests:       1 failed, 1 passed, 2 total',
        '1 failing test:',
        '- math › adds: expect(received).toBe(expected) // Object.is equality Expected: 4 Received: 3',
      ].join('\n'),
    );
  });

  it('pytest', () => {
    expect(summarizeTestOutput(PYTEST, fail)).toBe(
      [
        '2 failed, 1 passed in 0.95s',
        '2 failing tests:',
        '- test_a.py::test_bad: assert (1 + 1) == 3',
        '- test_a.py::TestX::test_err: ValueError: nope',
      ].join('\n'),
    );
  });

  it('cargo test failures and compile errors', () => {
    expect(summarizeTestOutput(CARGO, fail)).toBe(
      [
        'test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s',
        '1 failing test:',
        '- tests::it_fails: assertion `left == right` failed left: 4 right: 5',
      ].join('\n'),
    );
    expect(summarizeTestOutput(CARGO_BUILD, fail)).toBe(
      [
        'error[E0308]: mismatched types (src/lib.rs:1:40)',
        'error: could not compile `rs` (lib) due to 1 previous error',
      ].join('\n'),
    );
  });

  it('go test', () => {
    expect(summarizeTestOutput(GO, fail)).toBe(
      [
        '2 failing tests:',
        '- TestAdd: add_test.go:8: got 4 want 5',
        '- TestSub: sub_test.go:12: got 1 want 0',
      ].join('\n'),
    );
  });

  it('falls back to the first error lines, then to the last lines', () => {
    const log = ['building…', 'compiled 12 files', 'Error: cannot find module ./x', 'done'].join(
      '\n',
    );
    expect(summarizeTestOutput(log, fail)).toBe('Error: cannot find module ./x');
    expect(summarizeTestOutput('step 1\nstep 2\n', { exitCode: 2 })).toBe(
      'Exited with code 2\nstep 1\nstep 2',
    );
  });

  it('stays within 20 lines however many tests fail', () => {
    const log = Array.from({ length: 300 }, (_, i) => `--- FAIL: Test${i} (0.00s)`).join('\n');
    const summary = summarizeTestOutput(log, { ...fail, timedOut: true, timeoutMs: 60_000 });
    const lines = summary.split('\n');
    expect(lines.length).toBeLessThanOrEqual(MAX_SUMMARY_LINES);
    expect(lines[0]).toBe('Timed out after 60 s; the run was stopped.');
    expect(summary).toContain('… and 290 more');
  });
});
