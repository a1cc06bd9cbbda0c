import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import type { PriceOverride } from '../config/schema.js';
import { formatModelRef, type ModelRef } from '../core/model-ref.js';
import type { Usage } from '../core/usage.js';
import { catalogOverride } from './overrides.js';
import { inheritOverride, vendorRatios, type FieldOrigin } from './price-override.js';
import { PRICE_PROVIDER } from './price-providers.js';
import { PRICE_DATA_VERSION } from './price-version.js';
import {
  requestUsdOf,
  stepsFromModelPrice,
  type PriceStep,
  type UnitRates,
} from './price-steps.js';

export type { PriceStep, UnitRates } from './price-steps.js';

/*
 * The one price engine. A model's prices are resolved once into steps over the total input size
 * (long-context tiers) with a rate per kind of token, and memoised; pricing a call is then a dot
 * product. The router's estimate, the ledger's pricing of a call and the what-if all use it, so
 * they cannot disagree.
 */

/** Where a model's prices came from, most specific first. */
export type PriceOrigin =
  | { kind: 'config'; fields: FieldOrigin[]; base: 'catalog' | 'catalog-override' | 'none' }
  | { kind: 'catalog-override'; source: string; checked: string; why: string }
  | { kind: 'catalog'; version: string; matched: string }
  | { kind: 'local' }
  | { kind: 'unknown' };

export interface PriceCurve {
  readonly id: string;
  /** undefined: the model has no known price. */
  readonly steps: readonly PriceStep[] | undefined;
  /** USD charged per request on top of tokens (0 nearly everywhere). */
  readonly requestUsd: number;
  readonly origin: PriceOrigin;
}

/** Time-of-day prices (DeepSeek peak hours) change during a session: resolve again after this. */
const CURVE_TTL_MS = 10 * 60_000;
const LOCAL_RATES: UnitRates = {
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  cacheWrite1h: 0,
};
const NO_TOKENS = { input_tokens: 0, output_tokens: 0 };

interface Base {
  steps: PriceStep[] | undefined;
  requestUsd: number;
  origin: PriceOrigin;
}

function fromModelPrice(ref: ModelRef, price: ModelPrice): Pick<Base, 'steps' | 'requestUsd'> {
  const anthropic = vendorRatios(ref)?.vendor === 'Anthropic';
  return {
    steps: stepsFromModelPrice(price, anthropic ? { cacheWrite1hRatio: 2 } : {}),
    requestUsd: requestUsdOf(price),
  };
}

/** The genai-prices entry for a model at a moment (constraints pick dated or hourly prices). */
function lookup(providerId: string, model: string, at: Date) {
  try {
    return calcPrice(NO_TOKENS, model, { providerId, timestamp: at });
  } catch {
    return null;
  }
}

/** The catalog's own view of a model: a dated override, genai-prices, local, or unknown. */
function catalogBase(ref: ModelRef, at: Date): Base {
  const id = formatModelRef(ref);
  const pinned = catalogOverride(id);
  if (pinned) {
    const origin: PriceOrigin = {
      kind: 'catalog-override',
      source: pinned.source,
      checked: pinned.checked,
      why: pinned.why,
    };
    const price =
      pinned.prices ?? lookup(pinned.priceAs!.providerId, pinned.priceAs!.model, at)?.model_price;
    if (price) return { ...fromModelPrice(ref, price), origin };
  }
  if (ref.provider === 'ollama')
    return { steps: [{ from: 0, rates: LOCAL_RATES }], requestUsd: 0, origin: { kind: 'local' } };
  const providerId = PRICE_PROVIDER[ref.provider];
  const found = providerId ? lookup(providerId, ref.model, at) : null;
  if (!found) return { steps: undefined, requestUsd: 0, origin: { kind: 'unknown' } };
  return {
    ...fromModelPrice(ref, found.model_price),
    origin: { kind: 'catalog', version: PRICE_DATA_VERSION, matched: found.model.id },
  };
}

function buildCurve(ref: ModelRef, override: PriceOverride | undefined, at: Date): PriceCurve {
  const id = formatModelRef(ref);
  const base = catalogBase(ref, at);
  if (!override) return { id, ...base };
  const inherited = inheritOverride(ref, override, base.steps);
  const baseKind = base.origin.kind;
  return {
    id,
    steps: inherited.steps,
    requestUsd: base.requestUsd,
    origin: {
      kind: 'config',
      fields: inherited.fields,
      base: baseKind === 'catalog' || baseKind === 'catalog-override' ? baseKind : 'none',
    },
  };
}

interface Memo {
  curve: PriceCurve;
  at: number;
  override: PriceOverride | undefined;
  /** The overrides object last seen: the same object again needs no id lookup. */
  from: Record<string, PriceOverride>;
}

// Keyed by provider, then model: no id string is built on the hot path (the router prices a
// dozen routes per key press, the ledger a month of calls).
const curves = new Map<string, Map<string, Memo>>();
const NO_OVERRIDES: Record<string, PriceOverride> = Object.freeze({});

/** The model's price curve, memoised per model and override for ten minutes. */
export function priceCurve(
  ref: ModelRef,
  overrides: Record<string, PriceOverride> = NO_OVERRIDES,
  now = Date.now(),
): PriceCurve {
  let byModel = curves.get(ref.provider);
  if (!byModel) curves.set(ref.provider, (byModel = new Map()));
  const hit = byModel.get(ref.model);
  const fresh = hit !== undefined && now - hit.at < CURVE_TTL_MS && now >= hit.at;
  if (fresh && hit.from === overrides) return hit.curve;
  // The override object itself is compared: a config reload brings new objects.
  const override = overrides[formatModelRef(ref)];
  if (fresh && hit.override === override) {
    hit.from = overrides;
    return hit.curve;
  }
  const curve = buildCurve(ref, override, new Date(now));
  byModel.set(ref.model, { curve, at: now, override, from: overrides });
  return curve;
}

export function ratesFor(curve: PriceCurve, totalInput: number): UnitRates | undefined {
  const steps = curve.steps;
  if (!steps) return undefined;
  let rates = steps[0]!.rates;
  for (const step of steps) if (totalInput >= step.from) rates = step.rates;
  return rates;
}

/**
 * USD of one call with these token counts, or null when the price is unknown. `cacheWrite`
 * includes `cacheWrite1h`, the part written with the 1-hour TTL.
 */
export function costOfTokens(
  curve: PriceCurve,
  input: number,
  cacheRead: number,
  cacheWrite: number,
  output: number,
  cacheWrite1h = 0,
): number | null {
  const rates = ratesFor(curve, input + cacheRead + cacheWrite);
  if (!rates) return null;
  const write1h = Math.min(cacheWrite1h, cacheWrite);
  return (
    curve.requestUsd +
    input * rates.input +
    cacheRead * rates.cacheRead +
    (cacheWrite - write1h) * rates.cacheWrite +
    write1h * rates.cacheWrite1h +
    output * rates.output
  );
}

/** USD of one call, or null when the price is unknown. */
export function costOf(curve: PriceCurve, usage: Usage): number | null {
  return costOfTokens(
    curve,
    usage.input,
    usage.cacheRead,
    usage.cacheWrite,
    usage.output,
    usage.cacheWrite1h ?? 0,
  );
}
