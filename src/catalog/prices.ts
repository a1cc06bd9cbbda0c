import type { PriceOverride } from '../config/schema.js';
import type { ModelRef } from '../core/model-ref.js';
import type { Cost, Usage } from '../core/usage.js';
import { costOf, priceCurve, ratesFor, type PriceCurve } from './price-curve.js';

export { PRICE_DATA_VERSION } from './price-version.js';

export type PriceSource = 'catalog' | 'override' | 'local' | 'billed' | 'unknown';

export interface PricedUsage {
  usd: Cost;
  source: PriceSource;
}

/** A provider's own figure that differs from the price table by more than the tolerance. */
export interface BilledDisagreement {
  reportedUsd: number;
  tableUsd: number;
}

export interface PricedCall extends PricedUsage {
  /** Set when the provider reported a cost more than 5 % away from the table's. */
  billedDisagreement?: BilledDisagreement;
}

export interface PriceOptions {
  overrides?: Record<string, PriceOverride>;
  /**
   * A billed cost the provider documents as the charge: OpenRouter's `usage.cost` (or, for BYOK,
   * `cost_details.upstream_inference_cost` plus its fee). Trusted on OpenRouter only.
   */
  billedUsd?: number;
  /** Any other cost a provider reported (a proxy's `usage.cost`): compared, never trusted. */
  reportedUsd?: number;
  now?: number;
}

/** Providers whose reported cost is documented as the amount billed. */
const BILLED_TRUSTED = new Set(['openrouter']);

/** Relative difference above which a reported cost is kept on the record as a disagreement. */
export const DISAGREEMENT_TOLERANCE = 0.05;

const finite = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);

/** A reported cost that differs from the table by more than 5 % (of the larger), else undefined. */
export function billedDisagreement(
  reportedUsd: number | undefined,
  tableUsd: Cost,
  tolerance = DISAGREEMENT_TOLERANCE,
): BilledDisagreement | undefined {
  if (!finite(reportedUsd) || tableUsd === 'unknown') return undefined;
  const scale = Math.max(Math.abs(reportedUsd), Math.abs(tableUsd));
  if (scale === 0 || Math.abs(reportedUsd - tableUsd) <= tolerance * scale) return undefined;
  return { reportedUsd, tableUsd };
}

function sourceOf(curve: PriceCurve): PriceSource {
  switch (curve.origin.kind) {
    case 'config':
      return 'override';
    case 'catalog':
    case 'catalog-override':
      return 'catalog';
    case 'local':
      return 'local';
    default:
      return 'unknown';
  }
}

/**
 * Prices one call: the table price (catalog, dated override or the user's override), except on a
 * provider whose billed figure is documented as the charge. A reported figure that disagrees with
 * the table by more than 5 % is kept beside it. An unpriced model is 'unknown', never 0.
 */
export function priceCall(ref: ModelRef, usage: Usage, options: PriceOptions = {}): PricedCall {
  const curve = priceCurve(ref, options.overrides, options.now);
  const table = costOf(curve, usage);
  const tableUsd: Cost = table === null ? 'unknown' : table;
  const trusted = BILLED_TRUSTED.has(ref.provider) && finite(options.billedUsd);
  const reported = trusted ? options.billedUsd : (options.reportedUsd ?? options.billedUsd);
  const disagreement = billedDisagreement(reported, tableUsd);
  const priced: PricedUsage = trusted
    ? { usd: options.billedUsd!, source: 'billed' }
    : { usd: tableUsd, source: table === null ? 'unknown' : sourceOf(curve) };
  return disagreement ? { ...priced, billedDisagreement: disagreement } : priced;
}

/** USD for one call's usage on a model (see priceCall). */
export function priceUsage(ref: ModelRef, usage: Usage, options: PriceOptions = {}): PricedUsage {
  const { usd, source } = priceCall(ref, usage, options);
  return { usd, source };
}

export interface UnitPrices {
  inputMtok: number;
  outputMtok: number;
  cacheReadMtok: number;
  cacheWriteMtok: number;
  cacheWrite1hMtok: number;
}

/** Per-million-token prices below any long-context tier, for display. */
export function unitPrices(
  ref: ModelRef,
  overrides: Record<string, PriceOverride> = {},
  totalInput = 0,
): UnitPrices | undefined {
  const rates = ratesFor(priceCurve(ref, overrides), totalInput);
  if (!rates) return undefined;
  const m = (perToken: number): number => perToken * 1e6;
  return {
    inputMtok: m(rates.input),
    outputMtok: m(rates.output),
    cacheReadMtok: m(rates.cacheRead),
    cacheWriteMtok: m(rates.cacheWrite),
    cacheWrite1hMtok: m(rates.cacheWrite1h),
  };
}
