import type { Config } from '../config/schema.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';
import { isKnownModel } from './models.js';
import { priceCurve, type PriceOrigin } from './price-curve.js';
import { retirement, type Retirement } from './retirements.js';

/*
 * What `doctor` says about each configured model (tiers and fallback): which source prices it,
 * whether it is retired or retiring, and what to do about it. Pure: the date and config are inputs.
 */

export interface ModelCheck {
  id: string;
  /** Where it is configured: "tier 0", "fallback". */
  usedIn: string[];
  priced: boolean;
  /** "catalog (genai-prices@0.1.8)", "override https://… (checked 2026-11-30)", … */
  source: string;
  origin: PriceOrigin['kind'];
  retirement?: Retirement;
  problems: { problem: string; fix: string }[];
}

function describeOrigin(origin: PriceOrigin): string {
  switch (origin.kind) {
    case 'catalog':
      return `catalog (${origin.version})`;
    case 'catalog-override':
      return `override ${origin.source} (checked ${origin.checked})`;
    case 'config': {
      const derived = origin.fields
        .filter((f) => f.from !== 'given')
        .map(
          (f) => `${f.field} ${f.from === 'catalog' ? 'from the catalog' : (f.note ?? 'missing')}`,
        );
      return `your prices override${derived.length ? ` (derived: ${derived.join('; ')})` : ''}`;
    }
    case 'local':
      return 'local (energy only)';
    default:
      return 'unknown';
  }
}

function checkOne(ref: ModelRef, config: Config, usedIn: string[], today: Date): ModelCheck {
  const id = `${ref.provider}/${ref.model}`;
  const curve = priceCurve(ref, config.prices, today.getTime());
  const retired = retirement(id, today);
  const problems: ModelCheck['problems'] = [];
  const where = usedIn.join(', ');
  if (retired) {
    problems.push({
      problem: retired.retired
        ? `retired on ${retired.retiresOn}`
        : `deprecated, retires ${retired.retiresOn}`,
      fix: `use ${retired.replacement} instead in ${where} (${retired.source})`,
    });
  }
  if (!curve.steps) {
    problems.push(
      isKnownModel(ref) || config.prices[id]
        ? { problem: 'has no known price (costs would show as "?")', fix: `set prices.${id}` }
        : { problem: 'unknown to the price catalog', fix: `check the id, or set prices.${id}` },
    );
  }
  return {
    id,
    usedIn,
    priced: curve.steps !== undefined,
    source: describeOrigin(curve.origin),
    origin: curve.origin.kind,
    ...(retired ? { retirement: retired } : {}),
    problems,
  };
}

/**
 * Every model in the tier table, the fallback chain and the price overrides, once each, in config
 * order: an override for a model no tier uses still says which of its fields were derived.
 */
export function checkModels(config: Config, today: Date = new Date()): ModelCheck[] {
  const uses = new Map<string, string[]>();
  const note = (id: string, where: string): void => {
    const list = uses.get(id) ?? [];
    if (!list.includes(where)) list.push(where);
    uses.set(id, list);
  };
  for (const [tier, models] of Object.entries(config.tiers))
    for (const id of models) note(id, `tier ${tier}`);
  for (const id of config.fallback) note(id, 'fallback');
  for (const id of Object.keys(config.prices)) if (!uses.has(id)) note(id, 'prices');
  return [...uses].map(([id, usedIn]) => checkOne(parseModelRef(id), config, usedIn, today));
}
