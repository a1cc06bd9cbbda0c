/** One attempt at a turn: what it costs and how likely it finishes the task. */
export interface Attempt {
  /** USD of the attempt; null when its price is unknown. */
  usd: number | null;
  pSuccess: number;
}

/** Levels of redo counted: deeper failures are rare and would only add noise. */
export const MAX_REDO_LEVELS = 2;

/**
 * A redo after a failure costs more than doing the turn right the first time: the next model
 * reads the failed attempt and its test output, re-plans and undoes the damage (the field
 * reports behind kirikae: "a weak executor that fails makes the expensive model work harder").
 * Without this premium a free local attempt would always look worth trying, since
 * (1 − p) × C < C for any p > 0; with it, a local try only pays when p > 1 − 1/1.5 ≈ 0.33.
 */
export const REWORK_FACTOR = 1.5;

export interface ExpectedCostOptions {
  maxLevels?: number;
  reworkFactor?: number;
}

/**
 * Expected USD per completed task: the attempt's own cost, plus, when it fails (1 − p), the cost
 * of redoing the turn one tier up (× the rework premium), which itself may fail and be redone,
 * up to `maxLevels` redos. The last redo counted is assumed to finish the task.
 *
 *   E = c₀ + (1 − p₀)·k·(c₁ + (1 − p₁)·k·c₂)      k = rework factor
 *
 * Returns null when a needed price is unknown (a redo the attempt may need cannot be priced).
 */
export function expectedUsdPerTask(
  attempt: Attempt,
  redos: readonly Attempt[],
  options: ExpectedCostOptions = {},
): number | null {
  const maxLevels = options.maxLevels ?? MAX_REDO_LEVELS;
  const k = options.reworkFactor ?? REWORK_FACTOR;
  const chain = [attempt, ...redos.slice(0, Math.max(0, maxLevels))];
  let expected = 0;
  // Weight of step i: probability the task is still unfinished when it starts × its premium.
  let weight = 1;
  for (let i = 0; i < chain.length; i++) {
    const step = chain[i]!;
    if (step.usd === null) return null;
    expected += weight * step.usd;
    weight *= (1 - clampP(step.pSuccess)) * k;
    // A certain success never needs the redo, even when the redo has no known price.
    if (weight === 0) break;
  }
  return expected;
}

function clampP(p: number): number {
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
}
