import { deprecation, isKnownModel } from './models.js';
import { priceUsage } from './prices.js';
import type { Config } from '../config/schema.js';
import { parseModelRef } from '../core/model-ref.js';

export interface TierWarning {
  model: string;
  problem: string;
  fix: string;
}

/** Models in the tier table that are unknown, unpriced or being retired (pure). */
export function checkTierTable(config: Config, today = new Date()): TierWarning[] {
  const warnings: TierWarning[] = [];
  const seen = new Set<string>();
  for (const [tier, models] of Object.entries(config.tiers)) {
    for (const id of models) {
      if (seen.has(id)) continue;
      seen.add(id);
      const ref = parseModelRef(id);
      const retiring = deprecation(ref, today);
      if (retiring) {
        warnings.push({
          model: id,
          problem: retiring.retired
            ? `retired on ${retiring.retiresOn}`
            : `deprecated, retires ${retiring.retiresOn}`,
          fix: `replace it in tier ${tier}: kirikae config set tiers.${tier} '[…]'`,
        });
      }
      if (ref.provider === 'ollama') continue;
      if (!isKnownModel(ref) && !config.prices[id]) {
        warnings.push({
          model: id,
          problem: 'unknown to the price catalog',
          fix: `check the id, or set prices.${id}`,
        });
      } else if (
        priceUsage(
          ref,
          { input: 1000, output: 1000, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
          { overrides: config.prices },
        ).usd === 'unknown'
      ) {
        warnings.push({
          model: id,
          problem: 'has no known price (costs would show as "?")',
          fix: `set prices.${id}`,
        });
      }
    }
  }
  return warnings;
}
