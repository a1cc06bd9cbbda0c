// Delegate mode in a real terminal: the planner hands a sub-task to the local executor, and the
// screen sets the executor's steps apart (indented under ↳, named) from the planner's own.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { hasTmux, startTmux, type TmuxSession } from '../support/tmux.js';
import { terminalBox, type TerminalBox } from './terminal-box.js';

const BIN = resolve('bin/kirikae.js');
const PLANNER = 'anthropic/claude-sonnet-5-5';
// The local tier's first model is the default executor; the budget lets it load here.
const CONFIG = { local: { memoryBudgetGb: 64, reserveGb: 0 } };

describe.skipIf(!hasTmux())('delegate mode in a terminal (tmux)', () => {
  let stubs: AllStubs;
  let box: TerminalBox;
  let tmux: TmuxSession;

  beforeAll(async () => {
    stubs = await startAllStubs();
    box = terminalBox(CONFIG, stubs.env);
    writeFileSync(join(box.project, 'math.js'), 'export const add = (a, b) => a - b;\n');
    // --model makes the planner a session choice (no card); --yes runs the edits unasked.
    tmux = startTmux({
      command: `node ${BIN} --yes --model ${PLANNER}`,
      cwd: box.project,
      env: box.env,
      columns: 100,
      rows: 40,
    });
  });

  afterAll(async () => {
    tmux?.kill();
    await stubs?.close();
  });

  it("shows the executor's steps indented under ↳ and names it; the planner's stay as they are", async () => {
    await tmux.waitFor('Type a prompt');
    tmux.type('/delegate on');
    for (let i = 0; i < 6; i++) {
      tmux.send('Enter');
      try {
        await tmux.waitFor('Delegate mode: the routed model plans', 1_000);
        break;
      } catch {
        // The first Enter may only pick the command in the completion menu.
      }
    }
    stubs.anthropic.steps.push(
      {
        toolUses: [
          {
            name: 'delegate',
            input: { goal: 'make add() in math.js add', files: ['math.js'], check: 'true' },
          },
        ],
      },
      { text: ['Fixed: add() adds now.'] },
    );
    stubs.ollama.chatSteps.push(
      {
        toolCalls: [
          {
            name: 'edit_file',
            arguments: { path: 'math.js', old_string: 'a - b', new_string: 'a + b' },
          },
        ],
      },
      { chunks: ['Replaced a - b with a + b.'] },
    );
    tmux.type('fix add() in math.js');
    tmux.send('Enter');
    const screen = await tmux.waitFor(/Fixed: add\(\) adds now\.[\s\S]*■ anthropic/, 20_000);
    const lines = screen.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const edit = at(/edit_file/);
    const said = at(/Replaced a - b with a \+ b\./);
    const handed = at(/⏺ delegate /);
    expect(lines[edit]).toMatch(/^ {2}↳ ⏺ edit_file edited math\.js \(\+1 −1\)$/);
    expect(lines[said - 1]).toMatch(/^ {2}↳ executor ollama\/qwen3-coder:30b$/);
    expect(lines[said]).toMatch(/^ {2}Replaced/);
    // The planner's own tool line is not indented, and comes after the executor's work.
    expect(lines[handed]).toMatch(/^⏺ delegate /);
    expect(edit).toBeLessThan(handed);
    expect(readFileSync(join(box.project, 'math.js'), 'utf8')).toContain('a + b');
  });
});
