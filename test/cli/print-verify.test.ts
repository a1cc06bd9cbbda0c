// `kirikae -p` as scripts and CI use it: failing tests after its edits are a failure (exit 3,
// `verify` in the JSON), and tool calls refused for want of --yes are said in full.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { ensureBuilt, kirikae, sandbox } from './helpers.js';
import { commitAll } from '../support/git-repo.js';

let stubs: AllStubs;
beforeAll(async () => {
  [stubs] = await Promise.all([startAllStubs(), ensureBuilt()]);
}, 120_000);
afterAll(() => stubs?.close());

function project(verify: string, { git = false } = {}) {
  const box = sandbox();
  const work = join(box.home, 'project');
  mkdirSync(join(work, 'src'), { recursive: true });
  mkdirSync(box.configDir, { recursive: true });
  writeFileSync(join(work, 'src', 'math.js'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(
    join(box.configDir, 'config.json'),
    JSON.stringify({ verify: { command: verify } }),
  );
  if (git) commitAll(work);
  return { box, work };
}

const bashCall = (command: string) => ({ toolUses: [{ name: 'bash', input: { command } }] });

/** `-p "fix add …" --yes --json` in the project, as a CI job would run it. */
const fixWithYes = (box: ReturnType<typeof sandbox>, work: string) =>
  kirikae(
    ['-p', 'fix add in src/math.js', '--model', 'anthropic/claude-sonnet-5-5', '--yes', '--json'],
    { ...box.env, ...stubs.env },
    { cwd: work },
  );

const editCall = {
  toolUses: [
    {
      name: 'write_file',
      input: { path: 'src/math.js', content: 'export const add = (a, b) => a + b;\n' },
    },
  ],
};

describe('kirikae -p after edits', () => {
  it('exits 3 and reports the failing tests when the gate fails; 0 and passed when it passes', async () => {
    for (const [command, code, passed] of [
      ['echo "1 failing test: add(1,2) expected 3"; exit 1', 3, false],
      ['echo "1 passing"; exit 0', 0, true],
    ] as const) {
      const { box, work } = project(command);
      stubs.anthropic.steps.push(editCall, { text: ['Fixed.'] });
      const run = await fixWithYes(box, work);
      expect(run.exitCode, run.stderr).toBe(code);
      const json = JSON.parse(run.stdout) as { verify: { command: string; passed: boolean } };
      expect(json.verify).toMatchObject({ command, passed });
      if (!passed) expect(run.stderr).toContain('kirikae: the tests failed after the edits');
      box.remove();
    }
  });

  it('in a git repository or not, an edit made through bash runs the gate; a read-only command does not', async () => {
    // Outside git the changes cannot be listed: a command not known to only read is taken to write.
    for (const [command, gated, git] of [
      ["sed -i 's/a - b/a + b/' src/math.js", true, true],
      ['ls src', false, true],
      ["sed -i 's/a - b/a + b/' src/math.js", true, false],
      ['ls src && grep -n add src/math.js | head -5', false, false],
    ] as const) {
      const { box, work } = project('echo "1 failing test"; exit 1', { git });
      stubs.anthropic.steps.push(bashCall(command), { text: ['Done.'] });
      const run = await fixWithYes(box, work);
      const json = JSON.parse(run.stdout) as { verify: unknown };
      if (gated) {
        expect(json.verify, run.stderr).toMatchObject({ passed: false });
        expect(run.exitCode).toBe(3);
      } else {
        expect(json.verify, run.stderr).toBeNull();
        expect(run.exitCode).toBe(0);
      }
      box.remove();
    }
  });

  it('without --yes, says in one whole line that the edits were refused and how to allow them', async () => {
    const { box, work } = project('exit 0');
    stubs.anthropic.steps.push(editCall, { text: ['I could not edit the file.'] });
    const run = await kirikae(
      ['-p', 'fix add in src/math.js', '--model', 'anthropic/claude-sonnet-5-5', '--json'],
      { ...box.env, ...stubs.env },
      { cwd: work },
    );
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ refusedCalls: 1, verify: null });
    expect(run.stderr).toContain(
      'kirikae: 1 tool call refused: kirikae runs non-interactively and nobody can approve this; run with --yes to allow edits and commands',
    );
    box.remove();
  });
});
