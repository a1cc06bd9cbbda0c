import type { PriceOverride } from '../config/schema.js';
import type { CallRecord } from '../core/records.js';
import type { Tier } from '../core/tier.js';
import { totalInput } from '../core/usage.js';
import { makePricer, type Pricer } from './pricer.js';

/*
 * "What would this month have cost on X?" The recorded usage of every call, local ones
 * included (that is the point), is priced again with X's prices, cache reads and writes at X's
 * cache prices. Calls whose actual or what-if price is unknown are left out of both sides, so
 * the saving compares like with like; how many were left out is reported.
 */

/** The comparison when the config names no frontier model (tier 0 empty). */
export const DEFAULT_WHATIF_MODEL = 'anthropic/claude-opus-4-6';

/**
 * "What if everything had gone to the frontier tier": the first model of the config's tier 0,
 * so the comparison follows the tier table as models are retired and replaced.
 */
export function whatIfModelOf(tiers: Readonly<Record<string, readonly string[]>>): string {
  return tiers['0']?.[0] ?? DEFAULT_WHATIF_MODEL;
}

export interface WhatIfOptions {
  /** The user's price overrides (config `prices`), applied as at record time. */
  overrides?: Record<string, PriceOverride>;
}

export interface WhatIfResult {
  /** The model, or a description of the routing table. */
  label: string;
  /** Recorded USD of the compared calls. */
  actualUsd: number;
  /** The same calls priced the what-if way; 'unknown' when no call could be priced. */
  totalUsd: number | 'unknown';
  /** whatIf - actual (positive: routing saved money). */
  savedUsd: number | null;
  /** savedUsd / whatIf × 100. Negative when the what-if would have been cheaper. */
  savedPct: number | null;
  comparedCalls: number;
  /** Calls left out because one of the two prices is unknown. */
  excludedCalls: number;
  excludedTokens: number;
}

/**
 * The what-if totals, one call at a time: `add` each call, then read `result`. Lets a streamed
 * read of the ledger price calls as they are parsed, without keeping them.
 */
export class WhatIfTally {
  private actual = 0;
  private whatIf = 0;
  private compared = 0;
  private excluded = 0;
  private excludedTokens = 0;

  constructor(
    private readonly label: string,
    private readonly pricerFor: (call: CallRecord) => Pricer | undefined,
  ) {}

  add(call: CallRecord): void {
    const pricer = this.pricerFor(call);
    const price = pricer ? pricer.price(call.usage) : call.costUsd;
    if (call.costUsd === null || price === null || price === 'unknown') {
      this.excluded += 1;
      this.excludedTokens += totalInput(call.usage) + call.usage.output;
      return;
    }
    this.actual += call.costUsd;
    this.whatIf += price;
    this.compared += 1;
  }

  /** The running totals (for a checkpoint); `restore` puts them back. */
  snapshot(): number[] {
    return [this.actual, this.whatIf, this.compared, this.excluded, this.excludedTokens];
  }

  restore(totals: readonly number[]): void {
    [this.actual, this.whatIf, this.compared, this.excluded, this.excludedTokens] = totals as [
      number,
      number,
      number,
      number,
      number,
    ];
  }

  result(): WhatIfResult {
    const known = this.compared > 0;
    const savedUsd = known ? this.whatIf - this.actual : null;
    return {
      label: this.label,
      actualUsd: this.actual,
      totalUsd: known ? this.whatIf : 'unknown',
      savedUsd,
      savedPct: savedUsd !== null && this.whatIf > 0 ? (savedUsd / this.whatIf) * 100 : null,
      comparedCalls: this.compared,
      excludedCalls: this.excluded,
      excludedTokens: this.excludedTokens,
    };
  }
}

function compare(
  label: string,
  calls: readonly CallRecord[],
  pricerFor: (call: CallRecord) => Pricer | undefined,
): WhatIfResult {
  const tally = new WhatIfTally(label, pricerFor);
  for (const call of calls) tally.add(call);
  return tally.result();
}

/** A tally pricing every call as if it had run on `model` (default Opus 4.6). */
export function whatIfModelTally(
  model: string = DEFAULT_WHATIF_MODEL,
  options: WhatIfOptions = {},
): WhatIfTally {
  const pricer = makePricer(model, { overrides: options.overrides });
  return new WhatIfTally(model, () => pricer);
}

/** Every call priced as if it had run on `model` (default Opus 4.6). */
export function whatIfModel(
  calls: readonly CallRecord[],
  model: string = DEFAULT_WHATIF_MODEL,
  options: WhatIfOptions = {},
): WhatIfResult {
  const tally = whatIfModelTally(model, options);
  for (const call of calls) tally.add(call);
  return tally.result();
}

/** A routing table for the what-if: the model each tier would have used. */
export type RoutingWhatIf = Partial<Record<Tier, string>>;

/**
 * Calls re-priced on the model their tier maps to in `table`; a call whose tier is unset or
 * not in the table keeps its recorded cost.
 */
export function whatIfRouting(
  calls: readonly CallRecord[],
  table: RoutingWhatIf,
  options: WhatIfOptions = {},
): WhatIfResult {
  const pricers = new Map<string, Pricer>();
  const pricerOf = (model: string): Pricer => {
    let pricer = pricers.get(model);
    if (!pricer) pricers.set(model, (pricer = makePricer(model, { overrides: options.overrides })));
    return pricer;
  };
  const label = Object.entries(table)
    .map(([tier, model]) => `${tier}→${model}`)
    .join(', ');
  return compare(label, calls, (call) => {
    const model = call.tier === null ? undefined : table[call.tier];
    return model ? pricerOf(model) : undefined;
  });
}
