/**
 * Token counts of one model call. `input` is the billed uncached input: it excludes
 * `cacheRead` and `cacheWrite` (Anthropic's convention; OpenAI-style usage is converted).
 */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Reasoning tokens, already included in `output`. */
  reasoning: number;
  /** The part of `cacheWrite` written with the 1-hour TTL (Anthropic `ttl: "1h"`, 2× input). */
  cacheWrite1h?: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    reasoning: a.reasoning + b.reasoning,
  };
}

/** All input tokens the model read, cached or not. */
export function totalInput(u: Usage): number {
  return u.input + u.cacheRead + u.cacheWrite;
}

/** USD, or 'unknown' when no price is known: an unpriced model is never shown as free. */
export type Cost = number | 'unknown';

export function addCost(a: Cost, b: Cost): Cost {
  return a === 'unknown' || b === 'unknown' ? 'unknown' : a + b;
}
