// A day at the keyboard (#15), scripted end to end: the real built binary (bin/kirikae.js) in
// tmux against the stub servers, read from the screen as a person would. Start, see the route
// card, override it with a key, load a small model, run a local turn whose card and transcript
// show a load and an unload (the memory budget below forces one), /done, quit, and come back
// with --continue. The steps still being wired (the 429 countdown, the resumed conversation)
// are written out at the end, skipped, with the exact screen text they must show.
//
// tmux runs the binary with the env of terminalBox, which has no CI: Ink draws every frame
// there as in a terminal, even when .ci/run sets CI=true for vitest itself.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QWEN3_8B, QWEN3_CODER, startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { hasTmux, startTmux, type TmuxSession } from '../support/tmux.js';
import { terminalBox, type TerminalBox } from './terminal-box.js';

const BIN = resolve('bin/kirikae.js');

// A 22 GiB budget holds qwen3-coder:30b at 32K context (21.6 GiB with its KV cache) but not
// qwen3:8b beside it, so the local turn must unload qwen3:8b first. kirikae's own defaults
// (derived from this machine's memory) are left alone: the test sets its budget in its config.
const CONFIG = { local: { memoryBudgetGb: 22, reserveGb: 0 } };

const PROMPT_1 = 'what does README.md say';
const ANSWER_1 = 'README.md has one heading: "# demo".';
// A quick fix the table sends to the local tier: the card's proposal, so the turn is `accepted`.
const PROMPT_2 = 'fix the heading in README.md: demo should be Demo';
const ANSWER_2 = 'Renamed the heading.';

/**
 * Types a slash command and presses Enter until `done` shows: an Enter that arrives with the
 * typed text may only pick the command in the completion menu, as a person's first Enter can.
 */
async function slash(t: TmuxSession, command: string, done: RegExp | string): Promise<string> {
  t.type(command);
  for (let i = 0; i < 6; i++) {
    t.send('Enter');
    try {
      return await t.waitFor(done, 1_000);
    } catch {
      // Not yet: the Enter was taken by the menu, or the screen is slow.
    }
  }
  return t.waitFor(done, 1_000);
}

describe.skipIf(!hasTmux())('a day at the keyboard (tmux, real binary)', () => {
  let stubs: AllStubs;
  let box: TerminalBox;
  let tmux: TmuxSession | undefined;
  const ollamaHost = () => new URL(stubs.ollama.url).host;

  const start = (args = ''): TmuxSession => {
    tmux?.kill();
    tmux = startTmux({
      command: `node ${BIN} ${args}`.trim(),
      cwd: box.project,
      env: box.env,
      columns: 100,
      rows: 40,
    });
    return tmux;
  };

  const ledger = () => {
    const month = new Date().toISOString().slice(0, 7);
    return readFileSync(join(box.dataDir, 'ledger', `${month}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  beforeAll(async () => {
    stubs = await startAllStubs({ models: [QWEN3_CODER, QWEN3_8B] });
    box = terminalBox(CONFIG, stubs.env);
  });

  afterAll(async () => {
    tmux?.kill();
    await stubs?.close();
  });

  it('starts, shows the route card, and takes an override with a key', async () => {
    const t = start();
    await t.waitFor('Type a prompt');
    stubs.anthropic.steps.push({
      text: ['README.md has one heading: ', '"# demo".'],
      chunkDelayMs: 30,
      usage: { input: 900, output: 20, cacheRead: 0, cacheWrite: 800 },
    });
    t.type(PROMPT_1);
    t.send('Enter');
    const card = await t.waitFor('Enter accept');
    expect(card).toMatch(/▶ \d \w+ (anthropic|openai|openrouter|deepseek|ollama)\//);
    expect(card).toContain('0–4 tier');
    t.send('1');
    await t.waitFor('▶ 1 standard anthropic/claude-sonnet-5-5');
    t.send('Enter');
    const answered = await t.waitFor(/■ anthropic\/claude-sonnet-5-5 .*override/);
    expect(answered).toContain(ANSWER_1);
    expect(answered).toMatch(/■ anthropic\/claude-sonnet-5-5 .*\$0\.00\d/);
    expect(ledger().at(-1)).toMatchObject({
      model: 'anthropic/claude-sonnet-5-5',
      decision: 'override',
    });
  });

  it('loads qwen3:8b from the models screen (Ctrl-O)', async () => {
    const t = tmux!;
    t.send('C-o');
    await t.waitFor(/› qwen3-coder:30b/);
    t.send('Down');
    await t.waitFor(/› qwen3:8b/);
    t.send('l');
    await t.waitFor('Loaded qwen3:8b at 32K context');
    expect(stubs.ollama.resident().map((r) => r.name)).toEqual(['qwen3:8b']);
    t.send('Escape');
    await t.waitFor('Type a prompt');
  });

  it('runs a local turn: the card shows the load and the unload, the transcript both', async () => {
    const t = tmux!;
    stubs.ollama.chatSteps.push({
      chunks: ['Renamed ', 'the heading.'],
      evalCount: 40,
      evalDurationNs: 1e9,
    });
    t.type(PROMPT_2);
    t.send('Enter');
    await t.waitFor('Enter accept');
    t.send('3');
    const card = await t.waitFor('▶ 3 local ollama/qwen3-coder:30b');
    // The plan, before anything is evicted: what loads, what unloads, what is left.
    expect(card).toMatch(
      /loads qwen3-coder:30b 19 GiB · unloads qwen3:8b \(idle \d+ min\) · [\d.]+ GiB left/,
    );
    // Nothing is unloaded while the card is up.
    expect(stubs.ollama.resident().map((r) => r.name)).toEqual(['qwen3:8b']);
    t.send('Enter');
    const done = await t.waitFor(/■ ollama\/qwen3-coder:30b/, 20_000);
    expect(done).toContain(
      `Unloaded qwen3:8b on ${ollamaHost()} to make room for ollama/qwen3-coder:30b`,
    );
    expect(done).toMatch(
      new RegExp(`Loaded ollama/qwen3-coder:30b on ${ollamaHost()} in [\\d.]+ s`),
    );
    expect(done).toContain(ANSWER_2);
    expect(done).toMatch(/■ ollama\/qwen3-coder:30b .*\$0\.00/);
    expect(stubs.ollama.resident().map((r) => r.name)).toEqual(['qwen3-coder:30b']);
  });

  it('/done records the task as completed', async () => {
    const screen = await slash(tmux!, '/done', /Task \S+ completed after \d+ attempt/);
    expect(screen).toMatch(/completed after \d+ attempt\(s\) on .*ollama\/qwen3-coder:30b/);
    expect(ledger().at(-1)).toMatchObject({ type: 'task', outcome: 'completed' });
  });

  it('quits with /quit and resumes with --continue', async () => {
    // The process exits cleanly (tmux keeps the dead pane and says so).
    const t = tmux!;
    t.type('/quit');
    // Enter may first complete the command from the menu; a loaded machine may be slow to exit.
    for (let i = 0; i < 6 && t.exitStatus() === undefined; i++) {
      t.send('Enter');
      await t.waitFor(() => t.exitStatus() !== undefined, 2_500).catch(() => undefined);
    }
    const status = t.exitStatus();
    expect(status).not.toBeUndefined();
    // tmux does not always record the status of a pane that closed; then the screen must show
    // no error: a failing kirikae prints one line ("kirikae: …") before it exits 1.
    if (status === null) expect(t.capture()).not.toMatch(/^kirikae: |Error| {4}at /m);
    else expect(status).toBe(0);
    const again = start('--continue');
    const resumed = await again.waitFor(/Resumed session \S+: 2 earlier prompts/);
    expect(resumed).toContain('Type a prompt');
  });

  // ─── the resumed session ─────────────────────────────────────────────────────────────────
  // Each of these runs after the steps above in the same terminal (tmux holds the --continue
  // session). The exact text is the wording.
  describe('after resuming (#15 items 3 and 4)', () => {
    it('--continue shows the earlier conversation with its route and cost lines', async () => {
      const t = tmux!;
      const screen = await t.waitFor(/■ ollama\/qwen3-coder:30b/);
      expect(screen).toContain(`› ${PROMPT_1}`);
      expect(screen).toContain(ANSWER_1);
      expect(screen).toMatch(/■ anthropic\/claude-sonnet-5-5 · .*\$0\.00\d.* · override/);
      expect(screen).toContain(`› ${PROMPT_2}`);
      expect(screen).toContain(ANSWER_2);
      expect(screen).toMatch(/■ ollama\/qwen3-coder:30b · .*\$0\.00 .*· accepted/);
    });

    it("429 with Retry-After shows '429 from Anthropic · retrying in N s · f fall back now' and f falls back", async () => {
      const t = tmux!;
      // Anthropic's rate-limit reply: HTTP 429, error.type rate_limit_error, retry-after in
      // seconds (docs.anthropic.com/en/api/rate-limits, "retry-after" header).
      stubs.anthropic.steps.push({
        httpError: {
          status: 429,
          type: 'rate_limit_error',
          message: 'Number of request tokens has exceeded your per-minute rate limit',
          headers: { 'retry-after': '20' },
        },
      });
      stubs.openai.steps.push({ text: ['Fell back and answered.'] });
      t.type('summarise README.md in one line');
      t.send('Enter');
      await t.waitFor('Enter accept');
      t.send('1');
      await t.waitFor('▶ 1 standard anthropic/claude-sonnet-5-5');
      t.send('Enter');
      const waiting = await t.waitFor(/429 from Anthropic · retrying in (\d+) s · f fall back now/);
      const first = Number(/retrying in (\d+) s/.exec(waiting)![1]);
      expect(first).toBeLessThanOrEqual(20);
      // A countdown, not a frozen number.
      await t.waitFor(new RegExp(`retrying in (?!${first} s)\\d+ s`), 3_000);
      t.send('f');
      const fell = await t.waitFor(/Fell back and answered\.[\s\S]*■ (?!anthropic)\S+/);
      expect(fell).not.toMatch(/retrying in \d+ s · f fall back now/);
    });
  });
});
