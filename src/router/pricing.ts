// The router prices routes with the catalog's one price curve; this module only keeps the
// router's import path stable.
export {
  costOf,
  costOfTokens,
  priceCurve,
  ratesFor,
  type PriceCurve,
  type UnitRates as TokenRates,
} from '../catalog/price-curve.js';
