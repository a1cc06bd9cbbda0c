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
  return {
    model,
    price(usage: Usage): Cost {
      // The curve is memoised: looking it up per call keeps time-of-day prices current.
      const usd = costOf(priceCurve(ref, options.overrides), usage);
      return usd === null ? 'unknown' : usd;
    },
  };
}
