import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeTestOutput } from '../../src/agent/test-summary.js';

// Tiny failing projects run by the real runners installed here; a runner that is missing is
// skipped (its format is covered by the captured fixtures in test-summary-fixtures.test.ts).

const root = mkdtempSync(join(tmpdir(), 'kirikae-runners-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function has(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs like the verify gate: stdout and stderr together, no TTY, colours as the runner likes. */
function run(cwd: string, command: string, args: string[]): string {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: '1', NO_COLOR: '', FORCE_COLOR: '' },
  });
  expect(r.status).not.toBe(0);
  return `${r.stdout}${r.stderr}`;
}

const NODE_TEST = `import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
describe('math', () => {
  test('adds', () => { assert.equal(1 + 2, 4); });
  test('ok', () => {});
});
test('throws here', () => { throw new TypeError('boom'); });
`;

describe('summaries of real runs', () => {
  it('a node script whose assertion throws (npm test = node test.mjs)', () => {
    const dir = project('node-script', {
      'test.mjs': "import assert from 'node:assert/strict';\nassert.equal(1 + 1, 3);\n",
    });
    const s = summarizeTestOutput(run(dir, process.execPath, ['test.mjs']), { exitCode: 1 });
    expect(s).toContain('AssertionError');
    expect(s).toContain('2 !== 3');
    expect(s).not.toMatch(/triggerUncaughtException|node:internal/);
  });

  it('node --test, TAP through a pipe and the spec reporter', () => {
    const dir = project('node-test', { 'a.test.mjs': NODE_TEST });
    for (const reporter of ['tap', 'spec']) {
      const out = run(dir, process.execPath, [
        '--test',
        `--test-reporter=${reporter}`,
        'a.test.mjs',
      ]);
      const s = summarizeTestOutput(out, { exitCode: 1 });
      expect(s.split('\n').slice(0, 2)).toEqual(['2 failed, 1 passed', '2 failing tests:']);
      expect(s).toMatch(/^- adds.*: AssertionError.*3 !== 4$/m);
      expect(s).toMatch(/^- throws here.*: TypeError.*boom$/m);
      expect(s).not.toMatch(/- math|Test\.run|node:internal/);
    }
  }, 60_000);

  it('vitest', () => {
    const dir = project('vitest', {
      'package.json': '{"type":"module"}',
      'a.test.mjs': `import { describe, expect, it } from 'vitest';
describe('math', () => { it('adds', () => { expect(1 + 2).toBe(4); }); });
it('throws here', () => { throw new TypeError('boom'); });
`,
    });
    const vitest = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'vitest');
    const s = summarizeTestOutput(run(dir, vitest, ['run', '--root', '.']), { exitCode: 1 });
    expect(s).toContain('a.test.mjs > math > adds: AssertionError: expected 3 to be 4');
    expect(s).toContain('a.test.mjs > throws here: TypeError: boom');
    expect(s.split('\n')[0]).toMatch(/^Tests\s+2 failed/);
  }, 60_000);

  it.skipIf(!has('pytest'))(
    'pytest',
    () => {
      const dir = project('pytest', {
        'test_a.py': 'def test_bad():\n    assert 1 + 1 == 3\n\ndef test_ok():\n    pass\n',
      });
      const s = summarizeTestOutput(run(dir, 'pytest', ['-p', 'no:cacheprovider']), {
        exitCode: 1,
      });
      expect(s).toMatch(/^1 failed, 1 passed in /);
      expect(s).toContain('- test_a.py::test_bad: assert (1 + 1) == 3');
    },
    60_000,
  );

  it.skipIf(!has('cargo'))(
    'cargo test',
    () => {
      const dir = project('cargo', {
        'Cargo.toml': '[package]\nname = "rs"\nversion = "0.1.0"\nedition = "2021"\n',
        'src/lib.rs': `pub fn add(a: i32, b: i32) -> i32 { a + b }
#[cfg(test)]
mod tests {
    #[test]
    fn it_fails() { assert_eq!(super::add(2, 2), 5); }
}
`,
      });
      const out = run(dir, 'cargo', ['test', '--offline', '-q']);
      const s = summarizeTestOutput(out, { exitCode: 101 });
      expect(s).toContain('- tests::it_fails: assertion `left == right` failed left: 4 right: 5');
      expect(s).not.toMatch(/rust_begin_unwind|panicking\.rs/);
    },
    120_000,
  );

  it.skipIf(!has('go'))(
    'go test',
    () => {
      const dir = project('go', {
        'go.mod': 'module example.com/m\n\ngo 1.21\n',
        'add_test.go': `package m
import "testing"
func TestAdd(t *testing.T) { if 2+2 != 5 { t.Errorf("got %d want 5", 2+2) } }
`,
      });
      for (const args of [['test'], ['test', '-v']]) {
        const s = summarizeTestOutput(run(dir, 'go', args), { exitCode: 1 });
        expect(s).toContain('- TestAdd: add_test.go:3: got 4 want 5');
      }
    },
    120_000,
  );
});
