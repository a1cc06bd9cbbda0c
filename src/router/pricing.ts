import { priceUsage } from '../catalog/prices.js';
import type { PriceOverride } from '../config/schema.js';
import type { ModelRef } from '../core/model-ref.js';
import { formatModelRef } from '../core/model-ref.js';
import type { Usage } from '../core/usage.js';

/** USD per token for each kind of token, valid for one range of total input tokens. */
export interface TokenRates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

interface Step {
  /** The rates apply when total input tokens ≥ from. */
  from: number;
  rates: TokenRates;
}

/**
 * Prices of a model as a step function of the total input size. Catalog prices are tiered by
 * total input (Sonnet 4.5 doubles above 200K), and a catalog lookup costs ~0.1 ms, too slow to
 * price a dozen routes per keystroke. So each model's steps are found once by probing
 * `priceUsage` (bisection finds every tier start exactly) and later prices are plain arithmetic
 * that matches `priceUsage` with the same token counts.
 */
export interface PriceCurve {
  /** undefined: the model has no known price. */
  readonly steps: readonly Step[] | undefined;
}

/** Largest input any model takes today, with room; tiers above it cannot matter. */
const PROBE_MAX = 4_194_304;
/** Time-of-day prices (DeepSeek off-peak) change during a session: probe again after this. */
const CURVE_TTL_MS = 10 * 60_000;
const ZERO: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };

const curves = new Map<
  string,
  { curve: PriceCurve; at: number; override: PriceOverride | undefined }
>();

function usdOf(ref: ModelRef, usage: Usage, overrides: Record<string, PriceOverride>) {
  const priced = priceUsage(ref, usage, { overrides });
  return priced.usd === 'unknown' ? undefined : priced.usd;
}

function ratesAt(
  ref: ModelRef,
  total: number,
  overrides: Record<string, PriceOverride>,
): TokenRates | undefined {
  const input = usdOf(ref, { ...ZERO, input: total }, overrides);
  if (input === undefined) return undefined;
  const cacheRead = usdOf(ref, { ...ZERO, cacheRead: total }, overrides) ?? input;
  const cacheWrite = usdOf(ref, { ...ZERO, cacheWrite: total }, overrides) ?? input;
  const withOutput = usdOf(ref, { ...ZERO, input: total, output: 1_000_000 }, overrides);
  if (withOutput === undefined) return undefined;
  return {
    input: input / total,
    cacheRead: cacheRead / total,
    cacheWrite: cacheWrite / total,
    output: (withOutput - input) / 1_000_000,
  };
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

function sameRates(a: TokenRates, b: TokenRates): boolean {
  return (
    near(a.input, b.input) &&
    near(a.output, b.output) &&
    near(a.cacheRead, b.cacheRead) &&
    near(a.cacheWrite, b.cacheWrite)
  );
}

/**
 * Tier starts between lo and hi (rates differ at the ends). Prices only rise with context size,
 * so equal rates at both ends mean no tier in between.
 */
function findSteps(
  rates: (n: number) => TokenRates,
  lo: number,
  loRates: TokenRates,
  hi: number,
  hiRates: TokenRates,
  out: Step[],
): void {
  if (sameRates(loRates, hiRates)) return;
  if (hi - lo <= 1) {
    out.push({ from: hi, rates: hiRates });
    return;
  }
  const mid = Math.floor((lo + hi) / 2);
  const midRates = rates(mid);
  findSteps(rates, lo, loRates, mid, midRates, out);
  findSteps(rates, mid, midRates, hi, hiRates, out);
}

function buildCurve(ref: ModelRef, overrides: Record<string, PriceOverride>): PriceCurve {
  const first = ratesAt(ref, 1, overrides);
  if (!first) return { steps: undefined };
  const last = ratesAt(ref, PROBE_MAX, overrides) ?? first;
  const steps: Step[] = [{ from: 0, rates: first }];
  findSteps((n) => ratesAt(ref, n, overrides) ?? first, 1, first, PROBE_MAX, last, steps);
  return { steps };
}

/** The model's price curve, cached per model and price overrides. */
export function priceCurve(
  ref: ModelRef,
  overrides: Record<string, PriceOverride> = {},
  now = Date.now(),
): PriceCurve {
  const id = formatModelRef(ref);
  const override = overrides[id];
  // The override object itself is part of the key: a config reload brings new objects.
  const hit = curves.get(id);
  if (hit && hit.override === override && now - hit.at < CURVE_TTL_MS) return hit.curve;
  const curve = buildCurve(ref, override ? { [id]: override } : {});
  curves.set(id, { curve, at: now, override });
  return curve;
}

export function ratesFor(curve: PriceCurve, totalInput: number): TokenRates | undefined {
  const steps = curve.steps;
  if (!steps) return undefined;
  let rates = steps[0]!.rates;
  for (const step of steps) if (totalInput >= step.from) rates = step.rates;
  return rates;
}

/** USD of one call, or null when the price is unknown. */
export function costOf(curve: PriceCurve, usage: Usage): number | null {
  return costOfTokens(curve, usage.input, usage.cacheRead, usage.cacheWrite, usage.output);
}

/** Same as costOf without building a Usage: the estimator calls this dozens of times a turn. */
export function costOfTokens(
  curve: PriceCurve,
  input: number,
  cacheRead: number,
  cacheWrite: number,
  output: number,
): number | null {
  const rates = ratesFor(curve, input + cacheRead + cacheWrite);
  if (!rates) return null;
  return (
    input * rates.input +
    cacheRead * rates.cacheRead +
    cacheWrite * rates.cacheWrite +
    output * rates.output
  );
}
