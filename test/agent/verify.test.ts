import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proposeEscalation, type EstimateFn } from '../../src/agent/escalation.js';
import {
  chooseVerifyCommand,
  detectVerifyCommand,
  resolveVerifyCommand,
  runVerify,
  verifyGate,
} from '../../src/agent/verify.js';
import type { Tier } from '../../src/core/tier.js';
import { tempDir } from './helpers.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir()));
afterEach(() => cleanup());

const probe = (files: Record<string, string>) => ({
  packageJson: files['package.json'],
  makefile: files.Makefile,
  has: (name: string) => name in files,
});

describe('verify command detection', () => {
  it('follows the project type', () => {
    expect(
      chooseVerifyCommand(probe({ 'package.json': '{"scripts":{"test":"vitest run"}}' })),
    ).toBe('npm test');
    expect(chooseVerifyCommand(probe({ 'pyproject.toml': '' }))).toBe('pytest -q');
    expect(chooseVerifyCommand(probe({ 'pytest.ini': '' }))).toBe('pytest -q');
    expect(chooseVerifyCommand(probe({ 'Cargo.toml': '' }))).toBe('cargo test');
    expect(chooseVerifyCommand(probe({ 'go.mod': '' }))).toBe('go test ./...');
    expect(chooseVerifyCommand(probe({ Makefile: 'build:\n\tcc x.c\ntest: build\n\t./t\n' }))).toBe(
      'make test',
    );
  });

  it("skips npm's placeholder script and a Makefile without a test target", () => {
    const placeholder = '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}';
    expect(chooseVerifyCommand(probe({ 'package.json': placeholder }))).toBeUndefined();
    expect(chooseVerifyCommand(probe({ Makefile: 'all:\n\tcc x.c\n' }))).toBeUndefined();
    expect(chooseVerifyCommand(probe({}))).toBeUndefined();
  });

  it('reads the workspace, and the configured command wins', () => {
    writeFileSync(join(root, 'go.mod'), 'module x\n');
    expect(detectVerifyCommand(root)).toBe('go test ./...');
    expect(resolveVerifyCommand('make check', root)).toBe('make check');
    expect(resolveVerifyCommand(undefined, root)).toBe('go test ./...');
  });
});

describe('runVerify', () => {
  it('passes on exit 0', async () => {
    const result = await runVerify({ command: 'echo all good', cwd: root, timeoutMs: 5000 });
    expect(result).toMatchObject({ passed: true, command: 'echo all good', summary: 'passed' });
  });

  it('keeps the summary short when the log is 5,000 lines', async () => {
    writeFileSync(
      join(root, 'noisy.sh'),
      [
        'for i in $(seq 1 2500); do echo "  ✓ test/ok.test.ts > passes case $i 1ms"; done',
        'echo " FAIL  test/math.test.ts > math > adds"',
        'echo "AssertionError: expected 3 to be 4"',
        'for i in $(seq 1 2500); do echo "stdout | noise line $i"; done',
        'exit 1',
      ].join('\n'),
    );
    const result = await runVerify({ command: 'bash noisy.sh', cwd: root, timeoutMs: 20_000 });
    expect(result.passed).toBe(false);
    const lines = result.summary.split('\n');
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(result.summary).toContain(
      'test/math.test.ts > math > adds: AssertionError: expected 3 to be 4',
    );
    expect(result.summary.length).toBeLessThan(2000);
  });

  it('summarises a real vitest run', async () => {
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'package.json'), '{"type":"module"}');
    mkdirSync(join(root, 'test'));
    writeFileSync(
      join(root, 'test', 'm.test.js'),
      "import { expect, test } from 'vitest';\n" +
        "test('adds', () => { expect(1 + 2).toBe(4); });\n" +
        "test('fine', () => {});\n",
    );
    const vitest = resolve('node_modules/.bin/vitest');
    const result = await runVerify({ command: `${vitest} run`, cwd: root, timeoutMs: 20_000 });
    expect(result.passed).toBe(false);
    expect(result.summary).toContain('1 failing test:');
    expect(result.summary).toContain('- test/m.test.js > adds: AssertionError: expected 3 to be 4');
  });

  it('stops a run that exceeds its timeout', async () => {
    const result = await runVerify({ command: 'sleep 30', cwd: root, timeoutMs: 300 });
    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.summary.split('\n')[0]).toBe('Timed out after 0.3 s; the run was stopped.');
  });
});

describe('escalation after a failing verify', () => {
  const prices: Partial<Record<Tier, { model: string; usd: number | null }>> = {
    2: { model: 'anthropic/claude-haiku-4-5', usd: 0.012 },
    1: { model: 'anthropic/claude-sonnet-4-6', usd: 0.085 },
    0: { model: 'anthropic/claude-opus-4-6', usd: 0.41 },
  };
  const estimate: EstimateFn = (tier) => prices[tier];

  it('proposes the next tier up with its cost and the short summary', async () => {
    const verify = await runVerify({
      command: 'echo "--- FAIL: TestParse (0.00s)"; echo "    parse_test.go:9: want 2"; exit 1',
      cwd: root,
      timeoutMs: 5000,
    });
    const proposal = proposeEscalation({ tier: 3, attempts: 1, summary: verify.summary, estimate });
    expect(proposal).toEqual({
      kind: 'escalate',
      fromTier: 3,
      toTier: 2,
      model: 'anthropic/claude-haiku-4-5',
      usd: 0.012,
      summary: '1 failing test:\n- TestParse: parse_test.go:9: want 2',
      attempt: 2,
      retriesLeft: 1,
    });
  });

  it('skips a tier without a usable model, and stops at the top', () => {
    const noEfficient: EstimateFn = (tier) => (tier === 2 ? undefined : prices[tier]);
    expect(
      proposeEscalation({ tier: 4, attempts: 1, summary: 's', estimate: noEfficient }),
    ).toMatchObject({ kind: 'escalate', toTier: 1, usd: 0.085 });
    expect(proposeEscalation({ tier: 0, attempts: 1, summary: 's', estimate })).toMatchObject({
      kind: 'no_higher_tier',
      retriesLeft: 2,
    });
  });

  it('holds the retry cap: two retries, then cap reached', () => {
    const kinds: string[] = [];
    let tier: Tier = 3;
    for (let attempts = 1; attempts <= 4; attempts++) {
      const proposal = proposeEscalation({ tier, attempts, retryCap: 2, summary: 's', estimate });
      kinds.push(proposal.kind);
      if (proposal.kind !== 'escalate') break;
      tier = proposal.toTier;
    }
    expect(kinds).toEqual(['escalate', 'escalate', 'cap_reached']);
    expect(
      proposeEscalation({ tier: 3, attempts: 1, retryCap: 0, summary: 's', estimate }).kind,
    ).toBe('cap_reached');
  });
});

describe('verifyGate (issue 11 item 4)', () => {
  it('asks before a test command whose defining file the turn rewrote, except in auto mode', () => {
    const changed = ['src/a.ts', 'package.json'];
    for (const mode of ['ask', 'accept-edits', 'read-only'] as const) {
      const gate = verifyGate({ command: 'npm test', filesChanged: changed, mode });
      expect(gate.action, mode).toBe('ask');
      expect(gate).toMatchObject({ reason: expect.stringContaining('package.json') });
    }
    expect(verifyGate({ command: 'npm test', filesChanged: changed, mode: 'auto' })).toEqual({
      action: 'run',
    });
  });

  it('knows the files that define other runners, and a script the command names', () => {
    const asks = (command: string, file: string) =>
      verifyGate({ command, filesChanged: [file], mode: 'accept-edits' }).action === 'ask';
    expect(asks('make test', 'Makefile')).toBe(true);
    expect(asks('pytest -q', 'tests/conftest.py')).toBe(true);
    expect(asks('pytest -q', 'pyproject.toml')).toBe(true);
    expect(asks('cargo test', 'build.rs')).toBe(true);
    expect(asks('./scripts/test.sh', 'scripts/test.sh')).toBe(true);
    expect(asks('bash ci/run-tests.sh', 'ci/run-tests.sh')).toBe(true);
    expect(asks('npm test', 'src/app.ts')).toBe(false);
    expect(asks('npm test', 'docs/package.json.md')).toBe(false);
  });
});

describe('runVerify under the session policy', () => {
  it('refuses where bash would be refused, and runs with the policy environment', async () => {
    const refused = await runVerify({
      command: 'touch ran',
      cwd: root,
      timeoutMs: 5000,
      policy: { envAllow: [], refuse: 'agent.sandbox is "on" but no sandbox is available' },
    });
    expect(refused.passed).toBe(false);
    expect(refused.summary).toMatch(/^Not run: agent.sandbox/);
    const saved = process.env.MY_CI_TOKEN;
    process.env.MY_CI_TOKEN = 'token-for-tests';
    try {
      const kept = await runVerify({
        command: 'test "$MY_CI_TOKEN" = token-for-tests',
        cwd: root,
        timeoutMs: 5000,
        policy: { envAllow: ['MY_CI_TOKEN'] },
      });
      expect(kept.passed).toBe(true);
      const stripped = await runVerify({
        command: 'test -z "$MY_CI_TOKEN"',
        cwd: root,
        timeoutMs: 5000,
      });
      expect(stripped.passed).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.MY_CI_TOKEN;
      else process.env.MY_CI_TOKEN = saved;
    }
  });
});
