// Drives the real binary in tmux against the stub servers, reading the screen as a person would.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { hasTmux, startTmux, type TmuxSession } from '../support/tmux.js';

const BIN = resolve('bin/kirikae.js');

function words(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `word${i} `);
}

describe.skipIf(!hasTmux())('kirikae in a terminal (tmux)', () => {
  let stubs: AllStubs;
  let tmux: TmuxSession;
  let dataDir: string;

  beforeAll(async () => {
    stubs = await startAllStubs();
    const root = mkdtempSync(join(tmpdir(), 'kirikae-e2e-'));
    const project = join(root, 'project');
    const configDir = join(root, 'config');
    dataDir = join(root, 'data');
    mkdirSync(project);
    mkdirSync(configDir);
    writeFileSync(join(project, 'README.md'), '# demo\n');
    // This machine has 24 GB, not 128: without the 16 GB default reserve a 30B model fits.
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ local: { reserveGb: 0 } }));
    tmux = startTmux({
      command: `node ${BIN}`,
      cwd: project,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        TERM: 'xterm-256color',
        KIRIKAE_CONFIG_DIR: configDir,
        KIRIKAE_DATA_DIR: dataDir,
        ...stubs.env,
      },
    });
  });

  afterAll(async () => {
    tmux?.kill();
    await stubs?.close();
  });

  it('shows the route card, takes an override, streams the answer and records it', async () => {
    await tmux.waitFor('Type a prompt');
    stubs.anthropic.steps.push({
      text: ['The typo ', 'is on line 1: ', '"demo" should be "Demo".'],
      chunkDelayMs: 60,
      usage: { input: 900, output: 40, cacheRead: 0, cacheWrite: 800 },
    });
    tmux.type('fix the typo in README.md');
    tmux.send('Enter');
    const card = await tmux.waitFor('Enter accept');
    expect(card).toMatch(/(anthropic|openai|openrouter|deepseek|ollama)\/[\w.:/-]+/);
    expect(card).toMatch(/\$\d/);

    tmux.send('1');
    await tmux.waitFor('▶ 1 standard anthropic/claude-sonnet-5-5');
    tmux.send('Enter');
    const answered = await tmux.waitFor(
      /"demo" should be "Demo"[\s\S]*■ anthropic\/claude-sonnet-5-5/,
    );
    expect(answered).toMatch(/\$0\.\d+/);
    // The status bar refreshes once a second: memory arrives with the first sample.
    const status = await tmux.waitFor(/mem .*GiB/);
    expect(status).toMatch(/\d+ tok\/s/);

    const sent = stubs.anthropic.requests.at(-1)!.body as { model: string };
    expect(sent.model).toBe('claude-sonnet-5-5');

    const month = new Date().toISOString().slice(0, 7);
    const lines = readFileSync(join(dataDir, 'ledger', `${month}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const call = JSON.parse(lines.at(-1)!) as { model: string; decision: string; costUsd: number };
    expect(call.model).toBe('anthropic/claude-sonnet-5-5');
    expect(call.decision).toBe('override');
    expect(call.costUsd).toBeGreaterThan(0);
  });

  it('interrupts a slow stream with Esc and keeps the partial answer', async () => {
    stubs.anthropic.steps.push({ text: words(400), chunkDelayMs: 50 });
    tmux.type('explain the architecture of this project in depth');
    tmux.send('Enter');
    await tmux.waitFor('Enter accept');
    tmux.send('1');
    await tmux.waitFor('▶ 1 standard');
    tmux.send('Enter');
    await tmux.waitFor('word5 ');
    tmux.send('Escape');
    const screen = await tmux.waitFor('Interrupted');
    expect(screen).toMatch(/aborted/);
    expect(screen).not.toContain('word399');
    const month = new Date().toISOString().slice(0, 7);
    const records = readFileSync(join(dataDir, 'ledger', `${month}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(records.at(-1)!)).toMatchObject({ outcome: 'aborted' });
  });

  it('opens the costs screen with /costs and comes back with Esc', async () => {
    tmux.type('/costs');
    tmux.send('Enter');
    const costs = await tmux.waitFor(/budget/i);
    // The call of the first test is on the costs screen.
    expect(costs).toMatch(/\$0\.0\d/);
    tmux.send('Escape');
    await tmux.waitFor('Type a prompt');
  });

  it('lists local models on the models screen (Ctrl-O) and loads one', async () => {
    tmux.send('C-o');
    await tmux.waitFor('qwen3-coder:30b');
    tmux.send('l');
    // Loaded through the stub, which now lists it in /api/ps.
    await tmux.waitFor(() => stubs.ollama.resident().some((r) => r.name === 'qwen3-coder:30b'));
    tmux.send('r');
    await tmux.waitFor(/resident|loaded|●/i);
    tmux.send('Escape');
    await tmux.waitFor('Type a prompt');
  });

  it('pulls a model on the pull screen (Ctrl-T) with progress until it is installed', async () => {
    stubs.ollama.pullScripts.set('qwen3:8b', { chunksPerLayer: 6, chunkDelayMs: 60 });
    tmux.send('C-t');
    await tmux.waitFor(/pull/i);
    tmux.type('qwen3:8b');
    tmux.send('Enter');
    await tmux.waitFor(/\d+%/);
    await tmux.waitFor(() => stubs.ollama.models.some((m) => m.name === 'qwen3:8b'), 15_000);
    await tmux.waitFor(/success|done|installed|100%/i);
    tmux.send('Escape');
    await tmux.waitFor('Type a prompt');
  });

  it('saves the session transcript, held by this screen while it is open', () => {
    const files = readdirSync(join(dataDir, 'sessions'));
    const transcripts = files.filter((f) => f.endsWith('.jsonl'));
    expect(transcripts).toHaveLength(1);
    // The lock beside it keeps a `-p -c` from writing into it meanwhile.
    expect(files).toContain(transcripts[0]!.replace(/\.jsonl$/, '.lock'));
  });
});
