// A package copy whose router.bin is missing routes by the hand-written rules. The card must still
// work end to end: an override is accepted, the turn runs, and the override is kept as a label
// (its width comes from router.json alone, so writing it cannot throw).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { QWEN3_CODER } from '../support/all-stubs.js';
import { LOCAL_NO_CLASSIFIER, sessionSuite, until } from './session-kit.js';
import { committedDim } from '../../src/router/trained.js';

vi.mock('../../src/router/weights-file.js', () => ({
  readWeightsFile: (name: string) => {
    throw new Error(`router weights: ${name} is missing beside /opt/kirikae/dist/ (test)`);
  },
}));

const suite = sessionSuite([QWEN3_CODER]);

describe('a session without router.bin', () => {
  it('routes by the rules, accepts an override, runs the turn and keeps the label', async () => {
    const { session, dataDir } = await suite.start(LOCAL_NO_CLASSIFIER);
    const prompt = 'implement a token bucket rate limiter for the API client';
    session.submit(prompt);
    const card = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    expect(card.classifier?.source).toBe('rules');
    const proposedTier = card.options[0]!.tier;
    const other = proposedTier === 2 ? 1 : 2;
    session.selectTier(other);
    session.acceptRoute();
    const done = await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    expect(done.transcript.some((i) => i.kind === 'turn')).toBe(true);

    const file = join(dataDir, 'router', 'overrides.jsonl');
    const label = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1)!);
    expect(label).toMatchObject({ kind: 'override', tier: other, proposedTier, text: prompt });
    expect(label.features.dim).toBe(committedDim());

    // The label is found again while the rules route: the same prompt follows the user's choice.
    session.newTask();
    session.submit(prompt);
    const again = (await until(session, (s) => s.proposal !== undefined)).proposal!;
    expect(again.options[0]!.tier).toBe(other);
    expect(again.pastChoice).toEqual({ count: 1, tier: other });
  });
});
