// Names a person types for a planner or executor (`opus`, `haiku`, `local`, `frontier`, a
// tier number, or `provider/model`), resolved through the configured tiers — never a
// hard-coded model id, so `opus` means whatever Opus the user's config routes to.
import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import { TIER_NAMES, TIERS, type Tier } from '../core/tier.js';
import { resolveModel } from '../session/resolve-model.js';
import { tierModels } from '../router/table.js';

/** The executor when none is named: the first model of the local tier. */
export const DEFAULT_EXECUTOR_TIER: Tier = 3;

export function resolveAlias(name: string, config: Config): string {
  const alias = name.trim().toLowerCase();
  if (alias.includes('/')) {
    resolveModel(name.trim(), config);
    return name.trim();
  }
  const byTier = TIERS.find((t) => String(t) === alias || TIER_NAMES[t] === alias);
  if (byTier !== undefined) {
    const first = tierModels(config, byTier)[0];
    if (first) return first;
    throw new KirikaeError('config', `Tier ${byTier} (${TIER_NAMES[byTier]}) has no models`);
  }
  const configured = TIERS.flatMap((t) => tierModels(config, t));
  const match = configured.find((id) =>
    id
      .slice(id.indexOf('/') + 1)
      .toLowerCase()
      .includes(alias),
  );
  if (match) return match;
  throw new KirikaeError('config', `No configured model matches "${name}"`, {
    hint: `Use a tier name (${TIERS.map((t) => TIER_NAMES[t]).join(', ')}), part of a configured model id, or provider/model`,
  });
}

export function defaultExecutor(config: Config): string {
  return resolveAlias(String(DEFAULT_EXECUTOR_TIER), config);
}
