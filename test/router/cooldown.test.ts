import { describe, expect, it } from 'vitest';
import {
  cooldownOf,
  DEFAULT_PAUSE_MS,
  EMPTY_COOLDOWN,
  recordFailure,
  recordSuccess,
  type CooldownState,
} from '../../src/router/cooldown.js';

/** A fake clock: the state is pure, time is whatever the test says. */
function fail(state: CooldownState, at: number, retryAfterMs?: number) {
  return recordFailure(state, 'anthropic', { kind: 'overloaded', retryAfterMs }, at);
}

describe('cooldown', () => {
  it('two failures do not pause; the third within a minute pauses for 30 s, then it is available again', () => {
    let s = fail(EMPTY_COOLDOWN, 0);
    s = fail(s, 10_000);
    expect(cooldownOf(s, 'anthropic', 10_001)).toBeUndefined();
    s = fail(s, 20_000);
    const active = cooldownOf(s, 'anthropic', 20_001);
    expect(active?.until).toBe(20_000 + DEFAULT_PAUSE_MS);
    expect(active?.reason).toMatch(
      /anthropic cooling down for 30 s after 3 failures in a minute \(overloaded\)/,
    );
    expect(cooldownOf(s, 'anthropic', 20_000 + DEFAULT_PAUSE_MS - 1)).toBeDefined();
    expect(cooldownOf(s, 'anthropic', 20_000 + DEFAULT_PAUSE_MS)).toBeUndefined();
    // Other providers are not affected.
    expect(cooldownOf(s, 'openai', 20_001)).toBeUndefined();
  });

  it('pauses for the retry-after the rate-limit headers gave', () => {
    let s = EMPTY_COOLDOWN;
    for (const t of [0, 1000, 2000]) {
      s = recordFailure(s, 'openai', { kind: 'rate_limit', retryAfterMs: 90_000 }, t);
    }
    expect(cooldownOf(s, 'openai', 91_999)).toBeDefined();
    expect(cooldownOf(s, 'openai', 92_000)).toBeUndefined();
  });

  it('forgets failures older than a minute', () => {
    let s = fail(EMPTY_COOLDOWN, 0);
    s = fail(s, 30_000);
    s = fail(s, 61_000);
    expect(cooldownOf(s, 'anthropic', 61_001)).toBeUndefined();
  });

  it('does not count errors that waiting cannot fix', () => {
    let s = EMPTY_COOLDOWN;
    for (const t of [0, 1, 2, 3]) s = recordFailure(s, 'anthropic', { kind: 'auth' }, t);
    expect(s).toBe(EMPTY_COOLDOWN);
  });

  it('a success clears the count', () => {
    let s = fail(EMPTY_COOLDOWN, 0);
    s = fail(s, 1);
    s = recordSuccess(s, 'anthropic');
    s = fail(s, 2);
    expect(cooldownOf(s, 'anthropic', 3)).toBeUndefined();
    expect(s.providers.anthropic?.failures).toEqual([2]);
  });

  it('never mutates the state it was given', () => {
    const s = fail(EMPTY_COOLDOWN, 0);
    const copy = structuredClone(s);
    fail(s, 1);
    expect(s).toEqual(copy);
  });
});
