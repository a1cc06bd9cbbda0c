// The model classifier in the session: when the offline verdict is unsure, a small resident
// Ollama model is asked with a JSON schema while the card already shows "classifying…"; its
// verdict re-routes the card, and its agreement is kept for retraining. The stub's /api/chat
// answers `format` requests as Ollama does (non-streamed JSON in message.content).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QWEN3_8B, QWEN3_CODER, startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession, until, type KitSession } from './session-kit.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs({ models: [QWEN3_CODER, QWEN3_8B] });
  // Preload as Ollama documents it: /api/generate with no prompt loads the model.
  await fetch(`${stubs.ollama.url}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model: 'qwen3:8b', keep_alive: '30m' }),
  });
});
afterAll(async () => {
  await stubs.close();
});

const open: KitSession[] = [];
afterEach(() => {
  for (const kit of open.splice(0)) kit.close();
  stubs.ollama.chatSteps.length = 0;
});

async function start(routing: Record<string, unknown>) {
  const kit = await startSession(stubs, {
    config: { routing, local: { memoryBudgetGb: 64, reserveGb: 0 } },
    session: { modelClassifier: true },
  });
  open.push(kit);
  return { session: kit.session, dataDir: kit.dataDir };
}

describe('model classifier in the session', () => {
  it('an unsure prompt shows "classifying…", then the model verdict re-routes the card; agreement is logged', async () => {
    // askModelBelow 1: every prompt counts as unsure, whatever the trained weights say of it.
    const { session, dataDir } = await start({ askModelBelow: 1, classifierTimeoutMs: 3_000 });
    stubs.ollama.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 5, confidence: 0.9 })],
      chunkDelayMs: 150,
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
  });

  it('Enter before the model answers accepts the card as it stands and stops waiting', async () => {
    const { session } = await start({ askModelBelow: 1, classifierTimeoutMs: 5_000 });
    stubs.ollama.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'architecture', complexity: 5, confidence: 0.9 })],
      chunkDelayMs: 1_500,
    });
    session.submit('hmm, what should we do about the sync layer');
    const card = (await until(session, (s) => s.proposal?.classifying === true)).proposal!;
    const chosen = card.options[0]!.model;
    session.acceptRoute();
    expect(session.getState().proposal).toBeUndefined();
    const done = await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    expect(done.transcript.find((i) => i.kind === 'turn')).toMatchObject({ model: chosen });
    // The late verdict changes nothing: no card comes back.
    await new Promise((r) => setTimeout(r, 1_700));
    expect(session.getState().proposal).toBeUndefined();
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
