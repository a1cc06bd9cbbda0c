/**
 * What to propose after a failed attempt (tests failed, or the model broke its tool calls):
 * the next tier up with its estimated cost, or "cap reached". Pure: the router's estimate is
 * passed in, so this is tested with plain values.
 */
import { TIER_NAMES, type Tier } from '../core/tier.js';

export const DEFAULT_RETRY_CAP = 2;

/**
 * One step up in capability from each tier. Tier numbers are not a capability order: local (3)
 * and budget cloud (4) both step up to efficient (2); frontier (0) has nothing above it.
 */
export const ESCALATION_LADDER: Readonly<Record<Tier, Tier | null>> = {
  4: 2,
  3: 2,
  2: 1,
  1: 0,
  0: null,
};

/** The router's estimate for running the retry on a tier; undefined = no usable model there. */
export interface TierEstimate {
  /** `provider/model`. */
  model: string;
  /** Expected USD for the retry; null when the model has no known price (never shown as free). */
  usd: number | null;
}
export type EstimateFn = (tier: Tier) => TierEstimate | undefined;

export interface EscalationInput {
  /** Tier of the failed attempt; null for a model outside the tier table (the proposal then starts at standard). */
  tier: Tier | null;
  /** Attempts made on the task so far, the failed one included. */
  attempts: number;
  retryCap?: number;
  /** The short failure summary (test-summary), passed to the next attempt. */
  summary: string;
  estimate: EstimateFn;
  ladder?: Readonly<Record<Tier, Tier | null>>;
}

export type Escalation =
  | {
      kind: 'escalate';
      fromTier: Tier | null;
      toTier: Tier;
      model: string;
      usd: number | null;
      summary: string;
      /** Number of the attempt this would start. */
      attempt: number;
      /** Retries left after this one. */
      retriesLeft: number;
    }
  | { kind: 'cap_reached'; attempts: number; retryCap: number; summary: string }
  /** Nothing above (frontier failed, or no tier above has a model): retrying is the user's call. */
  | { kind: 'no_higher_tier'; fromTier: Tier | null; summary: string; retriesLeft: number };

/** Retries still allowed once `attempts` attempts were made (the first try is not a retry). */
export function retriesLeft(attempts: number, retryCap: number): number {
  return Math.max(0, retryCap - Math.max(0, attempts - 1));
}

export function proposeEscalation(input: EscalationInput): Escalation {
  const retryCap = input.retryCap ?? DEFAULT_RETRY_CAP;
  const left = retriesLeft(input.attempts, retryCap);
  if (left === 0) {
    return { kind: 'cap_reached', attempts: input.attempts, retryCap, summary: input.summary };
  }
  const ladder = input.ladder ?? ESCALATION_LADDER;
  // A model outside the tier table has no rung: standard (1) is the safe first proposal.
  let next = input.tier === null ? 1 : ladder[input.tier];
  const seen = new Set<Tier>();
  while (next !== null && !seen.has(next)) {
    seen.add(next);
    const estimate = input.estimate(next);
    if (estimate) {
      return {
        kind: 'escalate',
        fromTier: input.tier,
        toTier: next,
        model: estimate.model,
        usd: estimate.usd,
        summary: input.summary,
        attempt: input.attempts + 1,
        retriesLeft: left - 1,
      };
    }
    next = ladder[next];
  }
  return {
    kind: 'no_higher_tier',
    fromTier: input.tier,
    summary: input.summary,
    retriesLeft: left,
  };
}

function usd(value: number | null): string {
  if (value === null) return 'cost unknown';
  return value < 0.01 ? `~$${value.toFixed(4)}` : `~$${value.toFixed(2)}`;
}

/** One line for the UI and for headless output. */
export function describeEscalation(e: Escalation): string {
  switch (e.kind) {
    case 'escalate':
      return `Retry on tier ${e.toTier} (${TIER_NAMES[e.toTier]}) with ${e.model}, ${usd(e.usd)}; ${e.retriesLeft} retr${e.retriesLeft === 1 ? 'y' : 'ies'} left after it`;
    case 'cap_reached':
      return `Retry cap reached (${e.retryCap} retr${e.retryCap === 1 ? 'y' : 'ies'} after ${e.attempts} attempts): the task counts as failed`;
    case 'no_higher_tier':
      return 'No higher tier to escalate to; retry on the same model or change the approach';
  }
}
