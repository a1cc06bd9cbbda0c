// #15 item 5: the last turn's cost line stayed on screen only until another screen was opened.
// A screen taller than the chat (costs, help) pushed the transcript's last lines into the
// scrollback, and on the way back the chat was drawn under a blank screen. Screens now draw on
// the terminal's alternate screen, and the main screen comes back as it was.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { hasTmux, startTmux, type TmuxSession } from '../support/tmux.js';

const BIN = resolve('bin/kirikae.js');
const COST_LINE = /■ anthropic\/claude-sonnet-5-5 · .*\$0\.\d+/;

/** The rows above the header line ("kirikae · <folder>"): what the transcript shows. */
function transcriptRows(screen: string): string[] {
  const rows = screen.split('\n');
  const header = rows.findIndex((row) => row.startsWith('kirikae · '));
  return header < 0 ? [] : rows.slice(0, header);
}

describe.skipIf(!hasTmux())('returning from a screen (tmux 80×24)', () => {
  let stubs: AllStubs;
  let tmux: TmuxSession;

  beforeAll(async () => {
    stubs = await startAllStubs();
    const root = mkdtempSync(join(tmpdir(), 'kirikae-screens-'));
    const project = join(root, 'project');
    mkdirSync(project);
    tmux = startTmux({
      command: `node ${BIN} --model anthropic/claude-sonnet-5-5`,
      cwd: project,
      columns: 80,
      rows: 24,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        TERM: 'xterm-256color',
        KIRIKAE_CONFIG_DIR: join(root, 'config'),
        KIRIKAE_DATA_DIR: join(root, 'data'),
        ...stubs.env,
      },
    });
  });

  afterAll(async () => {
    tmux?.kill();
    await stubs?.close();
  });

  it('keeps the last turn and its cost line on screen after the costs and help screens', async () => {
    await tmux.waitFor('Type a prompt');
    // A few paragraphs, as test/support/run-stubs.ts streams, so the transcript fills the rows
    // above the chat and a taller screen scrolls it.
    stubs.anthropic.steps.push({
      text: ['The parser drops the offset.\n\n', 'Step one.\n\nStep two.\n\n', 'Done: renamed.'],
      usage: { input: 1200, output: 180, cacheRead: 0, cacheWrite: 0 },
    });
    tmux.type('rename extractParams');
    tmux.send('Enter');
    const before = await tmux.waitFor(COST_LINE);
    expect(transcriptRows(before).join('\n')).toMatch(/Done: renamed\.\n■ anthropic/);

    for (const [key, title] of [
      ['C-l', 'Costs '],
      ['?', 'Keys and commands'],
      ['C-o', 'Local models'],
    ] as const) {
      tmux.send(key);
      await tmux.waitFor(title);
      tmux.send('Escape');
      await tmux.waitFor(() => {
        const screen = tmux.capture();
        return screen.includes('Type a prompt') && !screen.includes(title);
      });
      const back = tmux.capture();
      // The turn's last line and its cost line sit right above the header, as before.
      const rows = transcriptRows(back);
      expect(rows.join('\n'), `after ${title.trim()}`).toMatch(COST_LINE);
      expect(rows.slice(-3).join('\n'), `after ${title.trim()}`).toMatch(
        /Done: renamed\.\n■ anthropic\/claude-sonnet-5-5/,
      );
    }
  }, 60_000);
});
