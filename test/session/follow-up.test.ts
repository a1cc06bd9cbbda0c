// The session hands the router what the conversation says about the next prompt: the task it
// continues and whether the last attempt failed (TurnFlow.sessionFacts). Before, it never did,
// so "ok do it" after a debugging turn was classified as if it were the first prompt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QWEN3_CODER, startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession, until, type KitSession } from './session-kit.js';

let stubs: AllStubs;
let kit: KitSession | undefined;
beforeAll(async () => {
  stubs = await startAllStubs({ models: [QWEN3_CODER] });
});
afterAll(async () => {
  kit?.close();
  await stubs.close();
});

describe('a follow-up in the session', () => {
  it('continues the task the conversation is on, and a new task starts afresh', async () => {
    kit = await startSession(stubs, {
      config: { routing: { modelClassifier: 'off' }, local: { memoryBudgetGb: 64, reserveGb: 0 } },
    });
    const { session } = kit;
    session.submit('Debug why the worker pool deadlocks under load; here is the goroutine dump');
    const first = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    expect(first.taskType).toBe('debug');
    session.acceptRoute();
    await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));

    session.submit('ok do it');
    const next = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    expect(next.taskType).toBe('debug');
    expect(next.reasons.join('\n')).toMatch(/continues-previous/);

    session.cancelRoute();
    // The card shows a few milliseconds before its preparation settles; a person is slower.
    await new Promise((r) => setTimeout(r, 100));
    session.newTask();
    session.submit('ok do it');
    const fresh = (
      await until(session, (s) => s.proposal?.reasons.join('\n').includes('no-cue') === true)
    ).proposal!;
    expect(fresh.reasons.join('\n')).not.toMatch(/continues-previous/);
  });
});
