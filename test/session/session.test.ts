// The session end to end without a terminal: real router, providers (against the stubs), agent
// loop, local runtime, ledger and test gate, built by the same wiring as the screen.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/session/session.js';
import type { AppState } from '../../src/session/types.js';
import type { LedgerRecord } from '../../src/core/index.js';
import { ledgerDir, monthOfDate } from '../../src/ledger/index.js';
import { TokRateTracker } from '../../src/telemetry/tok-rate.js';
import { buildCore, buildSession, type Core } from '../../src/wiring/build.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { CAPABILITY } from '../../src/router/table.js';
import type { Tier } from '../../src/core/tier.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs();
});
afterAll(async () => {
  await stubs.close();
});

const sessions: { session: Session; core: Core }[] = [];
afterEach(() => {
  for (const { session, core } of sessions.splice(0)) {
    session.stop();
    core.close();
  }
  stubs.anthropic.steps.length = 0;
  stubs.openai.steps.length = 0;
});

async function makeSession(
  config: Record<string, unknown>,
  cwd: string,
  dataDir: string,
  extra: { yes?: boolean; tokRates?: TokRateTracker } = {},
) {
  const configDir = join(dataDir, '..', 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
  const env = { ...stubs.env, KIRIKAE_DATA_DIR: dataDir, KIRIKAE_CONFIG_DIR: configDir };
  const core = buildCore({
    env,
    cwd,
    writeLedger: true,
    sessionId: 'test-session',
    notice: () => {},
    ...(extra.tokRates ? { tokRates: extra.tokRates } : {}),
  });
  await core.local.ready(5_000);
  const session = buildSession(core, { sessionId: 'test-session', yes: extra.yes });
  sessions.push({ session, core });
  const records = (): LedgerRecord[] => {
    const file = join(ledgerDir(env), `${monthOfDate(new Date())}.jsonl`);
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LedgerRecord);
  };
  return { session, records, core };
}

/** Scripts a plain answer on the stub the route's model is served by (the escalation's varies). */
function answerOn(model: string, text: string): void {
  const step = { text: [text] };
  if (model.startsWith('anthropic/')) stubs.anthropic.steps.push(step);
  else stubs.openai.steps.push(step);
}

async function until(
  controller: Session,
  predicate: (s: AppState) => boolean,
  timeoutMs = 8_000,
): Promise<AppState> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = controller.getState();
    if (predicate(state)) return state;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `condition not met; transcript:\n${JSON.stringify(controller.getState().transcript, null, 1)}`,
  );
}

function tempDirs() {
  const root = mkdtempSync(join(tmpdir(), 'kirikae-ctl-'));
  const cwd = join(root, 'project');
  mkdirSync(cwd);
  return { cwd, dataDir: join(root, 'data') };
}

/**
 * A session whose first attempt (forced onto the budget tier) writes a wrong `sum` and fails its
 * test gate; resolves once the escalation card is up.
 */
async function failedSumAttempt() {
  const { cwd, dataDir } = tempDirs();
  writeFileSync(join(cwd, 'package.json'), JSON.stringify({ scripts: { test: 'node check.js' } }));
  writeFileSync(
    join(cwd, 'check.js'),
    "for (let i = 0; i < 3000; i++) console.log('noise line ' + i);\nconsole.log(' FAIL  test/sum.test.ts > sum > adds two numbers');\nconsole.log('AssertionError: expected 3 to be 4');\nprocess.exitCode = 1;\n",
  );
  const { session: controller, records } = await makeSession(
    {
      agent: { permissionMode: 'auto' },
      verify: { retryCap: 1 },
      tiers: { '4': ['openrouter/deepseek/deepseek-chat'] },
    },
    cwd,
    dataDir,
  );
  stubs.openai.steps.push(
    {
      toolCalls: [
        {
          name: 'write_file',
          arguments: { path: 'src/sum.ts', content: 'export const sum = (a, b) => a - b;\n' },
        },
      ],
    },
    { text: ['Done.'] },
  );
  controller.setModelOverride('openrouter/deepseek/deepseek-chat', 'turn');
  controller.submit('implement sum in src/sum.ts');
  const state = await until(controller, (s) => s.proposal?.escalation !== undefined, 15_000);
  return { controller, records, cwd, state };
}

describe('Session', () => {
  it('runs a local turn through the residency bridge and feeds the measured tok/s to the models screen', async () => {
    const { cwd, dataDir } = tempDirs();
    const tokRates = new TokRateTracker();
    const { session: controller } = await makeSession(
      { local: { memoryBudgetGb: 64, reserveGb: 0 } },
      cwd,
      dataDir,
      {
        tokRates,
      },
    );
    // 400 tokens in 5 s of generation: 80 tok/s, as Ollama reports it.
    stubs.ollama.chatSteps.push({
      chunks: ['local ', 'answer'],
      evalCount: 400,
      evalDurationNs: 5e9,
    });

    controller.setModelOverride('ollama/qwen3-coder:30b', 'turn');
    controller.submit('fix the typo in README.md');
    const state = await until(controller, (s) => s.transcript.some((i) => i.kind === 'turn'));

    expect(state.transcript.find((i) => i.kind === 'turn')).toMatchObject({
      model: 'ollama/qwen3-coder:30b',
      outcome: 'ok',
      costUsd: 0,
    });
    expect(stubs.ollama.resident().map((r) => r.name)).toContain('qwen3-coder:30b');
    const chat = stubs.ollama.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as {
      options: { num_ctx: number };
    };
    expect(chat.options.num_ctx).toBe(4096);
    expect(tokRates.rate('qwen3-coder:30b')).toBeCloseTo(80, 5);
  });

  it('a model already resident at a larger context (the models screen loads at 32K) runs the turn there, not reloaded at 4K', async () => {
    const { cwd, dataDir } = tempDirs();
    // As the models screen loads it: an empty chat with num_ctx (ollama docs/api.md "Load a model").
    await fetch(`${stubs.ollama.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'qwen3-coder:30b',
        messages: [],
        keep_alive: '30m',
        options: { num_ctx: 32768 },
      }),
    });
    const { session: controller } = await makeSession(
      { local: { memoryBudgetGb: 64, reserveGb: 0 } },
      cwd,
      dataDir,
    );
    stubs.ollama.chatSteps.push({ chunks: ['local ', 'answer'] });
    const chats = () => stubs.ollama.requests.filter((r) => r.path === '/api/chat');
    const before = chats().length;
    controller.setModelOverride('ollama/qwen3-coder:30b', 'turn');
    controller.submit('fix the typo in README.md');
    const state = await until(controller, (s) => s.transcript.some((i) => i.kind === 'turn'));
    expect(state.transcript.find((i) => i.kind === 'turn')).toMatchObject({ outcome: 'ok' });
    // One request, the turn's own: no preload at another context, and the resident num_ctx.
    const sent = chats().slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { options: { num_ctx: number } }).options.num_ctx).toBe(32768);
    expect(stubs.ollama.resident()).toEqual([
      expect.objectContaining({ name: 'qwen3-coder:30b', contextLength: 32768 }),
    ]);
  });

  it('falls back to the next model of the chain when the first is overloaded (529)', async () => {
    const { cwd, dataDir } = tempDirs();
    const { session: controller, records } = await makeSession(
      {
        fallback: ['anthropic/claude-sonnet-4-6', 'openai/gpt-5.3-codex'],
      },
      cwd,
      dataDir,
    );
    stubs.anthropic.steps.push({
      httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
    });
    stubs.openai.steps.push({
      text: ['answered ', 'by codex'],
      usage: { prompt: 500, completion: 20 },
    });

    controller.setModelOverride('anthropic/claude-sonnet-4-6', 'turn');
    controller.submit('implement a retry helper in src/retry.ts');
    const state = await until(controller, (s) => s.transcript.some((i) => i.kind === 'turn'));

    const notices = state.transcript
      .filter((i) => i.kind === 'notice')
      .map((i) => (i.kind === 'notice' ? i.text : ''));
    expect(notices.join('\n')).toMatch(/overloaded[\s\S]*openai\/gpt-5\.3-codex/i);
    const answer = state.transcript.find((i) => i.kind === 'assistant');
    expect(answer && answer.kind === 'assistant' ? answer.text : '').toBe('answered by codex');
    const turn = state.transcript.find((i) => i.kind === 'turn');
    expect(turn).toMatchObject({
      model: 'openai/gpt-5.3-codex',
      outcome: 'ok',
      how: 'fallback from anthropic/claude-sonnet-4-6 · totals include its attempt',
    });
    expect((stubs.openai.requests.at(-1)!.body as { model: string }).model).toBe('gpt-5.3-codex');

    const calls = records().filter((r) => r.type === 'call');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      model: 'anthropic/claude-sonnet-4-6',
      outcome: 'error',
      errorKind: 'overloaded',
    });
    expect(calls[1]).toMatchObject({
      model: 'openai/gpt-5.3-codex',
      outcome: 'ok',
      decision: 'fallback',
      fallbackHops: ['anthropic/claude-sonnet-4-6'],
    });
  });

  it('an auto-accepted route says so below the prompt it routed', async () => {
    const { cwd, dataDir } = tempDirs();
    const { session: controller } = await makeSession(
      { confirm: { autoAcceptBelowUsd: 1 } },
      cwd,
      dataDir,
    );
    controller.submit('explain what a closure is');
    const state = await until(controller, (s) => s.transcript.some((i) => i.kind === 'turn'));
    const kinds = state.transcript.map((i) =>
      i.kind === 'notice' && i.text.includes('auto-accepted') ? 'auto' : i.kind,
    );
    expect(kinds.indexOf('user')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('auto')).toBeGreaterThan(kinds.indexOf('user'));
  });

  it('never retries the same provider after an auth error', async () => {
    const { cwd, dataDir } = tempDirs();
    const { session: controller } = await makeSession(
      {
        fallback: [
          'anthropic/claude-sonnet-4-6',
          'anthropic/claude-haiku-4-5',
          'openai/gpt-5.3-codex',
        ],
      },
      cwd,
      dataDir,
    );
    stubs.anthropic.steps.push({
      httpError: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' },
    });
    controller.setModelOverride('anthropic/claude-sonnet-4-6', 'turn');
    const before = stubs.anthropic.requests.length;
    controller.submit('implement a retry helper');
    const state = await until(controller, (s) => s.transcript.some((i) => i.kind === 'turn'));
    expect(stubs.anthropic.requests.length - before).toBe(1);
    expect(state.transcript.find((i) => i.kind === 'turn')).toMatchObject({ outcome: 'error' });

    // The next prompt follows an answer saying there was none, not the failed prompt as a
    // second user message in a row (which the model reads as one message asking both).
    stubs.anthropic.steps.push({ text: ['Here it is.'] });
    controller.setModelOverride('anthropic/claude-sonnet-4-6', 'turn');
    controller.submit('use exponential backoff');
    await until(controller, (s) => s.transcript.filter((i) => i.kind === 'turn').length === 2);
    const sent = stubs.anthropic.requests.at(-1)!.body as {
      messages: { role: string; content: unknown }[];
    };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sent.messages[1]!.content)).toContain(
      '(No answer: the request failed, auth.)',
    );
  });

  it('runs the test gate after an edit and proposes a priced escalation, up to the retry cap', async () => {
    const { controller, records, cwd, state } = await failedSumAttempt();
    expect(readFileSync(join(cwd, 'src/sum.ts'), 'utf8')).toContain('a - b');
    const proposal = state.proposal!;
    const chosen = proposal.options[proposal.selected]!;
    expect(chosen.tier).toBe(2); // the ladder climbs budget → efficient
    expect(chosen.estimate.usdP50).toBeGreaterThan(0);
    // The retry is the same task: read afresh, its failure summary made the reason lines say
    // another task type than the card's header.
    expect(proposal.taskType).toBe('implement');
    expect(proposal.reasons.join('\n')).not.toMatch(/bugfix|debug/);
    const summary = proposal.escalation!.summary;
    expect(summary).toContain('adds two numbers');
    expect(summary.split('\n').length).toBeLessThanOrEqual(20);
    expect(summary).not.toContain('noise line 2000');

    const verify = records().filter((r) => r.type === 'verify');
    expect(verify).toMatchObject([{ passed: false, model: 'openrouter/deepseek/deepseek-chat' }]);

    // Accept the escalation: the tier-2 model edits again, the tests fail again, and the cap
    // (1 retry) holds.
    const edit = { path: 'src/sum.ts', content: 'export const sum = (a, b) => a + b;\n' };
    const viaAnthropic = chosen.model.startsWith('anthropic/');
    if (viaAnthropic) {
      stubs.anthropic.steps.push(
        { toolUses: [{ name: 'write_file', input: edit }] },
        { text: ['Fixed.'] },
      );
    } else {
      stubs.openai.steps.push(
        { toolCalls: [{ name: 'write_file', arguments: edit }] },
        { text: ['Fixed.'] },
      );
    }
    controller.acceptRoute();
    const after = await until(
      controller,
      (s) =>
        s.transcript.filter((i) => i.kind === 'tool' && i.name === 'verify').length === 2 &&
        !s.live,
      15_000,
    );
    expect(after.proposal).toBeUndefined();
    const notices = after.transcript
      .filter((i) => i.kind === 'notice')
      .map((i) => (i.kind === 'notice' ? i.text : ''));
    expect(notices.join('\n')).toMatch(/cap|retr/i);
    const requests = viaAnthropic ? stubs.anthropic.requests : stubs.openai.requests;
    const sent = requests.at(-2)!.body as { model: string; messages: unknown[] };
    expect(sent.model).toBe(chosen.model.split('/').slice(1).join('/'));
    // The retry carries the short failure summary, not the 3,000-line log.
    expect(JSON.stringify(sent.messages)).toContain('adds two numbers');
    expect(JSON.stringify(sent.messages)).not.toContain('noise line 2000');
  });

  it('a retry that changes nothing ("already fixed") still runs the tests', async () => {
    const { controller, state } = await failedSumAttempt();
    const chosen = state.proposal!.options[state.proposal!.selected]!;
    answerOn(chosen.model, 'Already fixed; tests should pass now.');
    controller.acceptRoute();
    const after = await until(
      controller,
      (s) =>
        s.transcript.filter((i) => i.kind === 'tool' && i.name === 'verify').length === 2 &&
        !s.live,
      15_000,
    );
    const verifies = after.transcript.filter((i) => i.kind === 'tool' && i.name === 'verify');
    expect(verifies.at(-1)).toMatchObject({ ok: false });
  });

  it('a question typed after the failure (card dismissed) is answered, not re-verified', async () => {
    const { controller } = await failedSumAttempt();
    controller.cancelRoute();
    controller.submit('why did the test fail?');
    const card = await until(
      controller,
      (s) => s.proposal !== undefined && s.proposal.escalation === undefined,
    );
    const chosen = card.proposal!.options[card.proposal!.selected]!;
    answerOn(chosen.model, 'Because add subtracts.');
    controller.acceptRoute();
    const after = await until(
      controller,
      (s) => s.transcript.filter((i) => i.kind === 'turn').length === 2 && !s.live,
      15_000,
    );
    expect(after.transcript.filter((i) => i.kind === 'tool' && i.name === 'verify')).toHaveLength(
      1,
    );
  });

  it('a retry the user types after dismissing the escalation card is not routed below the tier that failed', async () => {
    const { controller } = await failedSumAttempt();
    controller.cancelRoute();
    // On its own this prompt goes to the local tier; the attempt that failed ran on the budget
    // tier (a peer of efficient).
    controller.submit('fix the typo in README.md');
    const state = await until(
      controller,
      (s) => s.proposal !== undefined && s.proposal.escalation === undefined,
    );
    const proposal = state.proposal!;
    const chosen = proposal.options[proposal.selected]!;
    expect(CAPABILITY[chosen.tier as Tier]).toBeGreaterThanOrEqual(CAPABILITY[4]);
    expect(proposal.reasons.join('\n')).toContain('retry after a failed attempt on tier 4');
  });
});
