// A rate limit is waited out visibly: the live line counts down ("429 from Anthropic · retrying
// in 20 s · f fall back now") and `f` falls back down the chain at once. The 429 body and its
// retry-after header are Anthropic's documented shape (docs.anthropic.com/en/api/rate-limits:
// "429 rate_limit_error" with a retry-after header in seconds).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession, until, type KitSession } from './session-kit.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs();
});
afterAll(async () => {
  await stubs.close();
});
const open: KitSession[] = [];
afterEach(() => {
  for (const kit of open.splice(0)) kit.close();
  stubs.anthropic.steps.length = 0;
  stubs.openai.steps.length = 0;
});

async function start() {
  const kit = await startSession(stubs, {
    config: { fallback: ['openai/gpt-5.3-codex'] },
    core: { waitOnRateLimits: true },
  });
  open.push(kit);
  return kit.session;
}

const rateLimited = {
  httpError: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Number of request tokens has exceeded your per-minute rate limit',
    headers: { 'retry-after': '20' },
  },
};

describe('rate limits', () => {
  it('shows the 429 with a countdown, and f falls back at once', async () => {
    const session = await start();
    stubs.anthropic.steps.push(rateLimited);
    stubs.openai.steps.push({
      text: ['answered by codex'],
      usage: { prompt: 300, completion: 10 },
    });
    session.setModelOverride('anthropic/claude-sonnet-5-5', 'turn');
    const started = Date.now();
    session.submit('implement a retry helper');
    const waiting = await until(session, (s) => s.live?.retry !== undefined);
    expect(waiting.live!.retry!.reason).toBe('429 from Anthropic');
    const left = (waiting.live!.retry!.until - Date.now()) / 1000;
    expect(left).toBeGreaterThan(15);
    expect(left).toBeLessThanOrEqual(20);

    session.fallbackNow();
    const done = await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    expect(Date.now() - started).toBeLessThan(10_000);
    const answer = done.transcript.find((i) => i.kind === 'assistant');
    expect(answer).toMatchObject({ text: 'answered by codex' });
    expect(done.transcript.find((i) => i.kind === 'turn')).toMatchObject({
      model: 'openai/gpt-5.3-codex',
      how: 'fallback from anthropic/claude-sonnet-5-5 · totals include its attempt',
    });
    // One 429, no second request to Anthropic: the wait was not waited out.
    expect(stubs.anthropic.requests.filter((r) => r.path.includes('/messages')).length).toBe(1);
  });

  it('f does nothing when no retry is being waited out', async () => {
    const session = await start();
    session.fallbackNow();
    expect(session.getState().live).toBeUndefined();
  });
});
