// `kirikae --yes` in a real terminal: a tool call that would ask runs without the dialog, and a
// deny rule still wins over --yes.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { hasTmux, startTmux, type TmuxSession } from '../support/tmux.js';

const BIN = resolve('bin/kirikae.js');

describe.skipIf(!hasTmux())('kirikae --yes in a terminal (tmux)', () => {
  let stubs: AllStubs;
  let tmux: TmuxSession;
  let project: string;

  beforeAll(async () => {
    stubs = await startAllStubs();
    const root = mkdtempSync(join(tmpdir(), 'kirikae-yes-'));
    project = join(root, 'project');
    const configDir = join(root, 'config');
    mkdirSync(project);
    mkdirSync(configDir);
    writeFileSync(join(project, 'README.md'), '# demo\n');
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({ agent: { deny: ['edit(secret/**)'] } }),
    );
    tmux = startTmux({
      command: `node ${BIN} --yes --model anthropic/claude-sonnet-5-5`,
      cwd: project,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        TERM: 'xterm-256color',
        KIRIKAE_CONFIG_DIR: configDir,
        KIRIKAE_DATA_DIR: join(root, 'data'),
        ...stubs.env,
      },
    });
  });

  afterAll(async () => {
    tmux?.kill();
    await stubs?.close();
  });

  it('writes without an approval dialog, and the deny rule still refuses', async () => {
    await tmux.waitFor('Type a prompt');
    await tmux.waitFor('--yes');
    stubs.anthropic.steps.push(
      {
        toolUses: [
          { name: 'write_file', input: { path: 'notes.md', content: 'approved by --yes\n' } },
          { name: 'write_file', input: { path: 'secret/key.txt', content: 'nope\n' } },
        ],
      },
      { text: ['Wrote notes.md.'] },
    );
    tmux.type('write a notes file');
    tmux.send('Enter');
    // --model is a session choice: the card is skipped, so is every approval dialog.
    const screen = await tmux.waitFor(/Wrote notes\.md\.[\s\S]*■ anthropic\/claude-sonnet-5-5/);
    expect(screen).not.toMatch(/Allow write_file\?|y once · s this session/);
    expect(readFileSync(join(project, 'notes.md'), 'utf8')).toBe('approved by --yes\n');
    expect(existsSync(join(project, 'secret/key.txt'))).toBe(false);
  });
});
