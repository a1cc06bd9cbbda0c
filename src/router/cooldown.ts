import { isRetryable, type ErrorKind } from '../core/errors.js';

/** Failures of one provider that count towards a pause, and the pause itself. */
export interface ProviderCooldown {
  /** Epoch ms of recent counted failures, oldest first. */
  failures: readonly number[];
  /** Paused until this epoch ms. */
  until?: number;
  /** Kind of the failure that started the pause. */
  kind?: ErrorKind;
}

/** Immutable: every update returns a new state, so the caller decides where it lives. */
export interface CooldownState {
  readonly providers: Readonly<Record<string, ProviderCooldown>>;
}

export const EMPTY_COOLDOWN: CooldownState = Object.freeze({ providers: Object.freeze({}) });

export const COOLDOWN_WINDOW_MS = 60_000;
export const COOLDOWN_FAILURES = 3;
export const DEFAULT_PAUSE_MS = 30_000;

export interface FailureInfo {
  kind: ErrorKind;
  /** What the provider's rate-limit headers asked for (KirikaeError.retryAfterMs). */
  retryAfterMs?: number;
}

/**
 * Counts a failure. Three transient failures (rate limit, overload, network, server, cut
 * stream) within a minute pause the provider for as long as its headers asked, else 30 s: more
 * requests would only extend the rate limit, and the fallback chain has other routes meanwhile.
 * Auth, spend-limit and request errors do not count: waiting does not fix them.
 */
export function recordFailure(
  state: CooldownState,
  provider: string,
  failure: FailureInfo,
  now: number,
): CooldownState {
  if (!isRetryable(failure.kind)) return state;
  const previous = state.providers[provider];
  const failures = [...(previous?.failures ?? []), now].filter((t) => now - t < COOLDOWN_WINDOW_MS);
  let next: ProviderCooldown = { ...previous, failures };
  if (failures.length >= COOLDOWN_FAILURES) {
    const pause =
      failure.retryAfterMs !== undefined && failure.retryAfterMs > 0
        ? failure.retryAfterMs
        : DEFAULT_PAUSE_MS;
    next = { failures: [], until: Math.max(previous?.until ?? 0, now + pause), kind: failure.kind };
  }
  return { providers: { ...state.providers, [provider]: next } };
}

/** A success proves the provider works again: forget its failures. */
export function recordSuccess(state: CooldownState, provider: string): CooldownState {
  const previous = state.providers[provider];
  if (!previous || (!previous.failures.length && previous.until === undefined)) return state;
  const { [provider]: _dropped, ...rest } = state.providers;
  return { providers: rest };
}

export interface ActiveCooldown {
  until: number;
  remainingMs: number;
  reason: string;
}

export function cooldownOf(
  state: CooldownState | undefined,
  provider: string,
  now: number,
): ActiveCooldown | undefined {
  const entry = state?.providers[provider];
  if (!entry?.until || entry.until <= now) return undefined;
  const remainingMs = entry.until - now;
  const what = entry.kind ? entry.kind.replace('_', ' ') : 'failures';
  return {
    until: entry.until,
    remainingMs,
    reason: `${provider} cooling down for ${Math.ceil(remainingMs / 1000)} s after ${COOLDOWN_FAILURES} failures in a minute (${what})`,
  };
}
