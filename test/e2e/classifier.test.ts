// #14: the model classifier in the real binary. An unsure prompt shows "classifying…" on the
// card while a cheap cloud model (Haiku, through the Anthropic stub) answers the classifier's
// schema as a forced tool call; the card then shows its verdict and what it cost, and the
// ledger books the call with the role `classifier`.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { hasTmux, startTmux, type TmuxSession } from '../support/tmux.js';
import { terminalBox, type TerminalBox } from './terminal-box.js';
import { classifierToolAnswer } from '../fixtures/classifier.js';

// .ci/run sets CI=true, under which Ink draws only the last frame: a person's terminal has no CI.
vi.hoisted(() => {
  delete process.env.CI;
});

const BIN = resolve('bin/kirikae.js');
const HAIKU = 'anthropic/claude-haiku-4-5';

describe.skipIf(!hasTmux())('the model classifier on the card (tmux)', () => {
  let stubs: AllStubs;
  let tmux: TmuxSession;
  let box: TerminalBox;

  beforeAll(async () => {
    stubs = await startAllStubs();
    box = terminalBox(
      {
        local: { reserveGb: 0 },
        // The default threshold (routing.askModelBelow): this vague prompt is below it
        // (test/router/model-policy.test.ts checks the same prompt against the weights).
        routing: { classifierTimeoutMs: 5_000, modelClassifier: HAIKU },
      },
      stubs.env,
    );
    tmux = startTmux({ command: `node ${BIN}`, cwd: box.project, env: box.env });
  });

  afterAll(async () => {
    tmux?.kill();
    await stubs?.close();
  });

  it('shows "classifying…", then the verdict with its cost, and books the call', async () => {
    await tmux.waitFor('Type a prompt');
    stubs.anthropic.steps.push(classifierToolAnswer(150));
    tmux.type('hmm, what should we do about the sync layer');
    tmux.send('Enter');
    await tmux.waitFor('classifying…');
    // The whole card: a capture can land while Ink is still writing the frame (seen under CI
    // load: the classifier line on screen, the key line not yet).
    const card = await tmux.waitFor(
      /classifier: model claude-haiku-4-5 · \d+ ms · \$0\.00\d+[\s\S]*Enter accept/,
    );
    expect(card).toMatch(/architecture · complexity 5\/5/);

    const sent = stubs.anthropic.requests.at(-1)!.body as { model: string; tool_choice: unknown };
    expect(sent.model).toBe('claude-haiku-4-5');
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'classify' });

    const month = new Date().toISOString().slice(0, 7);
    const records = readFileSync(join(box.dataDir, 'ledger', `${month}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const booked = records.find((r) => r.role === 'classifier');
    expect(booked).toMatchObject({
      type: 'call',
      model: HAIKU,
      usage: { input: 640, output: 38 },
      priceSource: 'catalog',
    });
    // The cost on the card is the booked one.
    const shown = /· \$(0\.\d+)/.exec(card.split('classifier: ')[1]!)![1]!;
    expect(Number(shown)).toBeCloseTo(booked!.costUsd as number, 4);
    tmux.send('Escape');
  });
});
