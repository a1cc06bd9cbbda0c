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
  /**
   * The part of `cacheWrite` written with Anthropic's 1-hour TTL (priced 2× input, not 1.25×).
   * Absent when every write used the 5-minute TTL.
   */
  cacheWrite1h?: number;
  /**
   * Some counts are kirikae's own estimate, not the provider's report: the stream was cut
   * before its final usage (abort, dropped connection), so input was counted from the request.
   */
  estimated?: boolean;
}

export const ZERO_USAGE: Usage = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    reasoning: a.reasoning + b.reasoning,
  };
  // Optional fields stay absent unless a part carries them, so plain sums compare equal.
  if (a.cacheWrite1h !== undefined || b.cacheWrite1h !== undefined) {
    sum.cacheWrite1h = (a.cacheWrite1h ?? 0) + (b.cacheWrite1h ?? 0);
  }
  if (a.estimated || b.estimated) sum.estimated = true;
  return sum;
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
