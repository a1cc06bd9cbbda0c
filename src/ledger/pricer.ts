import { costOf, priceCurve } from '../catalog/price-curve.js';
import type { PriceOptions } from '../catalog/prices.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';
import type { Cost, Usage } from '../core/usage.js';

/** Prices many calls on one model with the catalog's price curve (the ledger and the what-if). */
export interface Pricer {
  readonly model: string;
  price(usage: Usage): Cost;
}

export function makePricer(model: string, options: Pick<PriceOptions, 'overrides'> = {}): Pricer {
  let ref: ModelRef;
  try {
    ref = parseModelRef(model);
  } catch {
    return { model, price: () => 'unknown' };
  }
  let curve = priceCurve(ref, options.overrides);
  let calls = 0;
  return {
    model,
    price(usage: Usage): Cost {
      // Looked up again now and then, so time-of-day prices stay current over a long run.
      if (++calls % 4096 === 0) curve = priceCurve(ref, options.overrides);
      const usd = costOf(curve, usage);
      return usd === null ? 'unknown' : usd;
    },
  };
}
