// The session hands the router what the conversation says about the next prompt: the task it
// continues and, while it awaits a retry, the tier that failed (TurnFlow.sessionFacts). Before,
// it never did, so "ok do it" after a debugging turn was classified as if it were the first prompt.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QWEN3_CODER } from '../support/all-stubs.js';
import { LOCAL_NO_CLASSIFIER, sessionSuite, until } from './session-kit.js';

const suite = sessionSuite([QWEN3_CODER]);

describe('a follow-up in the session', () => {
  it('continues the task the conversation is on, and a new task starts afresh', async () => {
    const { session } = await suite.start(LOCAL_NO_CLASSIFIER);
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

  it('re-routing a vague follow-up is not kept as a label for its words', async () => {
    const { session, dataDir } = await suite.start(LOCAL_NO_CLASSIFIER);
    session.submit('Debug why the worker pool deadlocks under load; here is the goroutine dump');
    await until(session, (s) => s.proposal !== undefined);
    session.acceptRoute();
    await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));

    session.submit('ok do it');
    const card = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    expect(card.reasons.join('\n')).toMatch(/continues-previous/);
    session.selectTier(card.options[0]!.tier === 0 ? 1 : 0);
    session.acceptRoute();
    await until(session, (s) => s.transcript.filter((i) => i.kind === 'turn').length === 2);
    const file = join(dataDir, 'router', 'overrides.jsonl');
    // The choice was about the debugging task; "ok do it" → tier 0 would teach the classifier
    // (and the past-choice lookup) that these words mean the frontier.
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').not.toContain('ok do it');
  });
});
