// The model classifier in the session: when the offline verdict is unsure, a small resident
// Ollama model is asked with a JSON schema while the card already shows "classifying…"; its
// verdict re-routes the card, and its agreement is kept for retraining. The stub's /api/chat
// answers `format` requests as Ollama does (non-streamed JSON in message.content).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  QWEN3_8B,
  QWEN3_CODER,
  preload,
  startAllStubs,
  type AllStubs,
} from '../support/all-stubs.js';
import { startSession, until, type KitSession } from './session-kit.js';
import { buildSession } from '../../src/wiring/build.js';
import type { CallRecord } from '../../src/core/records.js';
import { classifierToolAnswer } from '../fixtures/classifier.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs({ models: [QWEN3_CODER, QWEN3_8B] });
  await preload(stubs.ollama.url, 'qwen3:8b');
});
afterAll(async () => {
  await stubs.close();
});

const open: KitSession[] = [];
afterEach(() => {
  for (const kit of open.splice(0)) kit.close();
  stubs.ollama.chatSteps.length = 0;
});

async function start(routing: Record<string, unknown>, without: readonly string[] = []) {
  const kit = await startSession(stubs, {
    config: { routing, local: { memoryBudgetGb: 64, reserveGb: 0 } },
    session: { modelClassifier: true },
    without,
  });
  open.push(kit);
  const calls = () => kit.core.history.records().filter((r): r is CallRecord => r.type === 'call');
  return { session: kit.session, dataDir: kit.dataDir, calls };
}

describe('model classifier in the session', () => {
  it('an unsure prompt shows "classifying…", then the model verdict re-routes the card; agreement is logged', async () => {
    // askModelBelow 1: every prompt counts as unsure, whatever the trained weights say of it.
    const { session, dataDir, calls } = await start({
      askModelBelow: 1,
      classifierTimeoutMs: 3_000,
    });
    stubs.ollama.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 5, confidence: 0.9 })],
      chunkDelayMs: 150,
      promptEvalCount: 387,
      evalCount: 19,
    });
    session.submit('hmm, what should we do about the sync layer');
    const classifying = await until(session, (s) => s.proposal?.classifying === true);
    expect(classifying.proposal!.classifier?.source).not.toBe('model');

    const settled = await until(session, (s) => s.proposal?.classifier?.source === 'model');
    const card = settled.proposal!;
    expect(card.classifying).toBeFalsy();
    expect(card.taskType).toBe('architecture');
    expect(card.complexity).toBe(5);
    expect(card.options[0]!.tier).toBe(0); // architecture at complexity 5 is frontier work
    expect(card.classifier!.detail).toMatch(/^model qwen3:8b · \d+ ms · local, \$0$/);
    const request = stubs.ollama.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    expect((request.body as { format?: unknown }).format).toMatchObject({ type: 'object' });

    const log = join(dataDir, 'router', 'agreement.jsonl');
    expect(existsSync(log)).toBe(true);
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ kind: 'agreement', model: 'qwen3:8b', taskType: 'architecture' });
    expect(typeof line.agreement.tier).toBe('boolean');

    // The classifier's call is booked like any other, with the counts Ollama reported.
    const [booked] = calls();
    expect(booked).toMatchObject({
      role: 'classifier',
      model: 'ollama/qwen3:8b',
      host: stubs.ollama.url,
      usage: { input: 387, output: 19 },
      costUsd: 0,
      priceSource: 'local',
      outcome: 'ok',
      tier: null,
      turn: 1,
    });
    expect(booked!.energyWh).toBeGreaterThan(0);

    // The turn that follows books its calls to the same task as the classifier's.
    session.acceptRoute();
    await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    const turnCalls = calls().filter((r) => r.role !== 'classifier');
    expect(turnCalls.length).toBeGreaterThan(0);
    for (const r of turnCalls) expect(r.task).toBe(booked!.task);
    expect(booked!.task).not.toBe('none');
  });

  it('Enter before the model answers accepts the card as it stands and stops waiting', async () => {
    const { session, calls } = await start({ askModelBelow: 1, classifierTimeoutMs: 5_000 });
    stubs.ollama.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 5, confidence: 0.9 })],
      chunkDelayMs: 1_500,
    });
    session.submit('hmm, what should we do about the sync layer');
    const chats = () => stubs.ollama.requests.filter((r) => r.path === '/api/chat').length;
    const before = chats();
    await until(session, (s) => s.proposal?.classifying === true);
    // Accepted once the classifier's request is out (the stub is slow to answer it).
    await until(session, () => chats() > before);
    const card = session.getState().proposal!;
    expect(card.classifying).toBe(true);
    const chosen = card.options[0]!.model;
    session.acceptRoute();
    expect(session.getState().proposal).toBeUndefined();
    const done = await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    expect(done.transcript.find((i) => i.kind === 'turn')).toMatchObject({ model: chosen });
    // The late verdict changes nothing: no card comes back.
    await new Promise((r) => setTimeout(r, 1_700));
    expect(session.getState().proposal).toBeUndefined();
    // The stopped call was sent all the same: it is booked as aborted, its input estimated.
    const stopped = calls().find((r) => r.role === 'classifier');
    expect(stopped).toMatchObject({ outcome: 'aborted', model: 'ollama/qwen3:8b' });
    expect(stopped!.usage.input).toBeGreaterThan(100);
    expect(stopped!.usageEstimated).toBe(true);
  });

  it('a cloud classifier (routing.modelClassifier = anthropic/…haiku…) answers through a forced tool call, priced and booked', async () => {
    const haiku = 'anthropic/claude-haiku-4-5';
    const { session, calls } = await start({
      askModelBelow: 1,
      classifierTimeoutMs: 3_000,
      modelClassifier: haiku,
    });
    stubs.anthropic.steps.push(classifierToolAnswer());
    const before = stubs.anthropic.requests.length;
    session.submit('hmm, what should we do about the sync layer');
    const settled = await until(session, (s) => s.proposal?.classifier?.source === 'model');
    const request = stubs.anthropic.requests[before]!.body as {
      model: string;
      tool_choice?: unknown;
      tools?: { name: string }[];
    };
    expect(request.model).toBe('claude-haiku-4-5');
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'classify' });
    expect(request.tools?.map((t) => t.name)).toEqual(['classify']);

    const booked = calls().find((r) => r.role === 'classifier')!;
    expect(booked).toMatchObject({
      model: haiku,
      usage: { input: 640, output: 38 },
      priceSource: 'catalog',
      outcome: 'ok',
    });
    expect(booked.costUsd).toBeGreaterThan(0);
    // The card's verdict line says what the second opinion cost.
    expect(settled.proposal!.classifier!.detail).toMatch(
      /^model claude-haiku-4-5 · \d+ ms · \$0\.00\d+$/,
    );
    expect(settled.status.sessionUsd).toBeCloseTo(booked.costUsd!, 10);
    expect(settled.proposal!.taskType).toBe('architecture');
  });

  it('a cloud classifier without its API key is not asked, and the card says why', async () => {
    const { session } = await start(
      { askModelBelow: 1, modelClassifier: 'deepseek/deepseek-chat' },
      ['DEEPSEEK_API_KEY'],
    );
    const before = stubs.openai.requests.length;
    session.submit('hmm, what should we do about the sync layer');
    const card = await until(session, (s) => s.proposal?.classifier?.detail !== undefined);
    expect(card.proposal!.classifier!.detail).toBe(
      'no API key for deepseek (routing.modelClassifier deepseek/deepseek-chat)',
    );
    expect(stubs.openai.requests.length).toBe(before);
  });

  it('with modelClassifier off nothing is asked', async () => {
    const { session } = await start({ askModelBelow: 1, modelClassifier: 'off' });
    const chats = () => stubs.ollama.requests.filter((r) => r.path === '/api/chat').length;
    const before = chats();
    session.submit('hmm, what should we do about the sync layer');
    const card = await until(session, (s) => s.proposal !== undefined && !s.proposal.classifying);
    expect(card.proposal!.classifier?.source).not.toBe('model');
    expect(chats()).toBe(before);
  });

  it('under auto, a model that misses the time budget twice in a row is not asked again', async () => {
    const { session } = await start({ askModelBelow: 1, classifierTimeoutMs: 200 });
    const chats = () => stubs.ollama.requests.filter((r) => r.path === '/api/chat').length;
    const slow = {
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 5, confidence: 0.9 })],
      chunkDelayMs: 1_000,
    };
    const detailOf = async (prompt: string) => {
      session.submit(prompt);
      const card = await until(session, (s) => s.proposal?.classifier?.detail !== undefined);
      session.cancelRoute();
      return card.proposal!.classifier!.detail!;
    };
    stubs.ollama.chatSteps.push(slow, slow);
    expect(await detailOf('hmm, what should we do about the sync layer')).toMatch(
      /^the model classifier did not answer in \d+ ms · local, \$0$/,
    );
    // The second miss in a row says that it was the last.
    expect(await detailOf('something is off with the sync layer')).toMatch(
      /^qwen3:8b did not answer in \d+ ms · local, \$0 · not asked again$/,
    );
    // No other small model is resident: nothing is asked, and the card waits for nothing.
    const before = chats();
    session.submit('the sync layer needs work');
    const card = await until(session, (s) => s.proposal !== undefined && !s.proposal.classifying);
    expect(card.proposal!.classifier?.source).not.toBe('model');
    expect(chats()).toBe(before);
  });

  it('under auto, never asks the local model this conversation runs on: its cached prompt would be lost', async () => {
    const { session } = await start({ classifierTimeoutMs: 3_000 });
    const formatChats = () =>
      stubs.ollama.requests.filter(
        (r) => r.path === '/api/chat' && (r.body as { format?: unknown }).format !== undefined,
      );
    // A turn on qwen3:8b, the smallest resident model: the conversation is now in its cache.
    session.setModelOverride('ollama/qwen3:8b', 'turn');
    session.submit('add a --verbose flag to the CLI'); // a model override runs without a card
    await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    // /done ends the task but not the conversation: the model still holds it.
    session.doneTask();
    const before = formatChats().length;

    // An unsure prompt (not a follow-up): the only other resident model is asked instead.
    const unsure = 'explain the architecture of the sync layer';
    await preload(stubs.ollama.url, 'qwen3-coder:30b');
    stubs.ollama.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 3, confidence: 0.8 })],
    });
    session.submit(unsure);
    const card = (await until(session, (s) => s.proposal?.classifier?.source === 'model'))
      .proposal!;
    expect(card.classifier!.detail).toMatch(/^model qwen3-coder:30b/);
    const asked = formatChats().slice(before);
    expect(asked.map((r) => (r.body as { model: string }).model)).toEqual(['qwen3-coder:30b']);
  });

  it('a resumed conversation avoids the models it ran on before the restart', async () => {
    const kit = await startSession(stubs, {
      config: {
        routing: { classifierTimeoutMs: 3_000 },
        local: { memoryBudgetGb: 64, reserveGb: 0 },
      },
      session: { modelClassifier: true },
    });
    open.push(kit);
    kit.session.setModelOverride('ollama/qwen3:8b', 'turn');
    kit.session.submit('add a --verbose flag to the CLI');
    await until(kit.session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    kit.session.stop();

    // `--continue`: the same session's conversation and ledger, in a new process's session.
    const resumed = buildSession(kit.core, {
      sessionId: 's1',
      modelClassifier: true,
      restored: [
        { role: 'user', content: 'add a --verbose flag to the CLI' },
        { role: 'assistant', content: 'Done.' },
      ],
    });
    const before = stubs.ollama.requests.length;
    await preload(stubs.ollama.url, 'qwen3-coder:30b');
    stubs.ollama.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 3, confidence: 0.8 })],
    });
    resumed.submit('explain the architecture of the sync layer');
    const card = (await until(resumed, (s) => s.proposal?.classifier?.source === 'model'))
      .proposal!;
    expect(card.classifier!.detail).toMatch(/^model qwen3-coder:30b/);
    const asked = stubs.ollama.requests
      .slice(before)
      .filter((r) => r.path === '/api/chat' && (r.body as { format?: unknown }).format);
    expect(asked.map((r) => (r.body as { model: string }).model)).toEqual(['qwen3-coder:30b']);
    resumed.stop();
  });

  it('an override on the card is kept as a label for retraining (overrides.jsonl)', async () => {
    const { session, dataDir } = await start({ modelClassifier: 'off' });
    session.submit('implement a token bucket rate limiter for the API client');
    const card = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    const proposedTier = card.options[0]!.tier;
    const other = proposedTier === 2 ? 1 : 2;
    session.selectTier(other);
    session.acceptRoute();
    await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    const file = join(dataDir, 'router', 'overrides.jsonl');
    const label = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1)!);
    expect(label).toMatchObject({
      kind: 'override',
      tier: other,
      proposedTier,
      text: 'implement a token bucket rate limiter for the API client',
    });

    // The same request later is routed as the user routed it, and the card says why.
    session.newTask();
    session.submit('implement a token bucket rate limiter for the API client');
    const again = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    expect(again.options[0]!.tier).toBe(other);
    expect(again.pastChoice).toEqual({ count: 1, tier: other });
    expect(again.reasons.join('\n')).toMatch(/follows your past choices/);
  });
});
