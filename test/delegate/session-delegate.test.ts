// Delegate mode from the screen's session: /delegate on puts a planner-tier route on the card
// with the executor named, the planner's request carries the `delegate` tool; off removes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession, until } from '../session/session-kit.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs();
});
afterAll(async () => {
  await stubs.close();
});

const toolNames = (body: unknown): string[] =>
  ((body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name);

describe('delegate mode in the session', () => {
  it('/delegate on: planner tier on the card, executor named, the delegate tool sent; off: gone', async () => {
    const kit = await startSession(stubs, {
      config: { local: { memoryBudgetGb: 64, reserveGb: 0 } },
    });
    const { session } = kit;
    try {
      session.setDelegate(true);
      session.submit('fix the typo in README.md');
      const card = (await until(session, (s) => s.proposal !== undefined)).proposal!;
      expect([0, 1]).toContain(card.options[card.selected]!.tier);
      expect(card.delegate?.line).toMatch(/^delegates to ollama\/\S+ \(d: solo\)$/);
      // Delegate mode forced the tier, not a key of the user's: the reason says so.
      expect(card.reasons).toContain(
        'delegate mode: the planner runs on tier 1 (standard); alone, this would go to tier 3 (local)',
      );
      expect(card.reasons.join('\n')).not.toContain('override for this turn');
      // …and the card's classifier line keeps the classifier's verdict, not "override".
      expect(card.classifier?.source).toBe('trained');

      stubs.anthropic.steps.push({ text: ['Nothing to hand off.'] });
      const before = stubs.anthropic.requests.length;
      session.acceptRoute();
      await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
      const sent = stubs.anthropic.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      expect(toolNames(sent[0]!.body)).toContain('delegate');

      session.setDelegate(false);
      session.setModelOverride('anthropic/claude-sonnet-5-5', 'turn');
      stubs.anthropic.steps.push({ text: ['solo'] });
      const solo = stubs.anthropic.requests.length;
      session.submit('and now explain what you did');
      await until(session, (s) => s.transcript.filter((i) => i.kind === 'turn').length === 2);
      const soloRequest = stubs.anthropic.requests[solo]!;
      expect(toolNames(soloRequest.body)).not.toContain('delegate');
    } finally {
      kit.close();
    }
  });

  it('the card prices the request the planner is sent: its cache is warm on the next delegated turn', async () => {
    const kit = await startSession(stubs, {
      config: { local: { memoryBudgetGb: 64, reserveGb: 0 } },
    });
    const { session } = kit;
    try {
      session.setDelegate(true);
      session.submit('fix the typo in README.md');
      const first = (await until(session, (s) => s.proposal !== undefined)).proposal!;
      const planner = first.options[first.selected]!;
      expect(planner.coldCache).toBe(true);

      stubs.anthropic.steps.push({ text: ['Nothing to hand off.'] });
      session.acceptRoute();
      await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));

      // The planner was sent the delegate tool. The card counts it too, so the next card of the
      // task reads that prefix as warm; before, it counted the tools without it, saw another
      // request, and priced every delegated turn as a cold one.
      session.submit('now check the other docs for the same typo');
      const next = (await until(session, (s) => s.proposal !== undefined)).proposal!;
      const again = next.options[next.selected]!;
      expect(again.model).toBe(planner.model);
      expect(again.coldCache).toBe(false);
      expect(again.estimate.cacheReadTokens).toBeGreaterThan(0);
    } finally {
      kit.close();
    }
  });

  it('turning delegate mode on or off under a card prices it again; a session model is kept', async () => {
    const kit = await startSession(stubs, {
      config: { local: { memoryBudgetGb: 64, reserveGb: 0 } },
    });
    const { session } = kit;
    const shown = () => {
      const card = session.getState().proposal!;
      return card.options[card.selected]!;
    };
    try {
      session.submit('refactor the session store into its own module and update every caller');
      await until(session, (s) => s.proposal !== undefined);
      const solo = shown();
      expect([0, 1]).toContain(solo.tier);
      // A tier-1 route stays where it is, but the request now carries the delegate tool.
      session.setDelegate(true);
      const delegated = shown();
      expect(delegated.model).toBe(solo.model);
      expect(delegated.estimate.inputTokens).toBeGreaterThan(solo.estimate.inputTokens + 100);
      session.setDelegate(false);
      expect(shown().estimate.inputTokens).toBe(solo.estimate.inputTokens);
      // An executor that names nothing is reported, and the mode stays off (it crashed the app).
      for (const executor of ['zzz', 'nosuch/model']) {
        session.setDelegate(true, executor);
        const last = session.getState().transcript.at(-1);
        expect(last).toMatchObject({ kind: 'notice', level: 'error' });
        expect(shown().estimate.inputTokens).toBe(solo.estimate.inputTokens);
      }
      session.cancelRoute();

      // The user's session model is their choice: delegate mode plans with it, not with tier 1.
      session.setModelOverride('openrouter/openai/gpt-oss-120b', 'session');
      session.setDelegate(true);
      stubs.openai.steps.push({ text: ['ok'] });
      session.submit('fix the typo in README.md');
      await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
      const turn = session.getState().transcript.find((i) => i.kind === 'turn');
      expect(turn).toMatchObject({ model: 'openrouter/openai/gpt-oss-120b' });
    } finally {
      kit.close();
    }
  });
});
