import { DEFAULT_ROUTING_TABLE, type Config, type RoutingRule } from '../config/schema.js';
import type { Complexity, TaskType } from '../core/task.js';
import { tierFor } from './tier-table.js';
import { TIERS, isTier, type Tier } from '../core/tier.js';
import type { RouteOverride } from './types.js';

/**
 * The tier a task routes to: the user's table for its type when set, else the corpus-fitted
 * table by type and complexity (tier-table.ts), else the per-type default.
 */
export function tableTier(config: Config, taskType: TaskType, complexity?: Complexity): Tier {
  if (complexity !== undefined) return tierFor(taskType, complexity, config.routing.table);
  const tier = config.routing.table[taskType] ?? DEFAULT_ROUTING_TABLE[taskType];
  return isTier(tier) ? tier : 1;
}

/** Models configured for a tier, in the order the user listed them. */
export function tierModels(config: Config, tier: Tier): readonly string[] {
  return config.tiers[String(tier) as keyof Config['tiers']] ?? [];
}

/** The tier a configured model belongs to (first match), else null. */
export function tierOfModel(config: Config, model: string): Tier | null {
  for (const tier of TIERS) if (tierModels(config, tier).includes(model)) return tier;
  return null;
}

/**
 * Where a failed turn is redone: the next more capable tier. Budget cloud (4) and efficient (2)
 * are peers, so a failure on either goes to standard; the frontier redoes its own work.
 */
export const ESCALATION: Record<Tier, Tier> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 1 };

/** Capability rank (higher = stronger); tiers 2 and 4 are peers. */
export const CAPABILITY: Record<Tier, number> = { 0: 4, 1: 3, 2: 2, 3: 1, 4: 2 };

/** Tiers next to a tier by number, the neighbours a route may move to from the table's choice. */
export function adjacentTiers(tier: Tier): Tier[] {
  return TIERS.filter((t) => Math.abs(t - tier) === 1);
}

export interface TierChoice {
  tier: Tier;
  /** A model forced by a rule or override. */
  model?: string;
  source: 'table' | 'long-context' | 'rule' | 'past-choice' | 'session-override' | 'turn-override';
  /** The table's own tier, when a retry after a failure raised it (`retryFloor`). */
  raisedFrom?: Tier;
}

/**
 * Where the tier comes from, strongest first: this turn's override, the session's override, a
 * saved rule for the task type, the user's past choice for a near-identical prompt, the
 * long-context rule, the routing table.
 */
export function chooseTier(args: {
  config: Config;
  taskType: TaskType;
  /** With it, the table is read by type and complexity (a small review is local, a PR is not). */
  complexity?: Complexity;
  turnOverride?: RouteOverride;
  sessionOverride?: RouteOverride;
  /** Ignore saved rules (their model cannot run now). */
  skipRules?: boolean;
  /** The tier the user chose before for prompts like this one (past-choices.ts). */
  pastChoice?: { tier: Tier };
  /** The tier of the attempt this turn retries: the table's tier goes no lower. */
  retryFloor?: Tier;
}): TierChoice {
  const { config, taskType } = args;
  const fromOverride = (
    o: RouteOverride | undefined,
    source: TierChoice['source'],
  ): TierChoice | undefined => {
    if (!o || (o.model === undefined && o.tier === undefined)) return undefined;
    const tier =
      o.tier ??
      (o.model ? tierOfModel(config, o.model) : null) ??
      tableTier(config, taskType, args.complexity);
    return { tier, model: o.model, source };
  };
  const turn = fromOverride(args.turnOverride, 'turn-override');
  if (turn) return turn;
  const session = fromOverride(args.sessionOverride, 'session-override');
  if (session) return session;
  const rule = args.skipRules
    ? undefined
    : config.routing.rules.find((r) => r.taskType === taskType);
  const fromRule = fromOverride(
    rule && { tier: rule.tier as Tier | undefined, model: rule.model },
    'rule',
  );
  if (fromRule) return fromRule;
  if (args.pastChoice) return { tier: args.pastChoice.tier, source: 'past-choice' };
  const tier = tableTier(config, taskType, args.complexity);
  const source = taskType === 'long-context' ? 'long-context' : 'table';
  const floor = args.retryFloor;
  return floor !== undefined && CAPABILITY[floor] > CAPABILITY[tier]
    ? { tier: floor, source, raisedFrom: tier }
    : { tier, source };
}

/** A rule to save from an override ("always route refactors to tier 0"). Pure: the lead writes config. */
export function ruleFromOverride(taskType: TaskType, override: RouteOverride): RoutingRule {
  const rule: RoutingRule = { taskType };
  if (override.model) rule.model = override.model;
  else if (override.tier !== undefined) rule.tier = override.tier;
  return rule;
}

/** The rules list with `rule` replacing any rule for the same task type. */
export function upsertRule(rules: readonly RoutingRule[], rule: RoutingRule): RoutingRule[] {
  return [...rules.filter((r) => r.taskType !== rule.taskType), rule];
}

export function removeRule(rules: readonly RoutingRule[], taskType: TaskType): RoutingRule[] {
  return rules.filter((r) => r.taskType !== taskType);
}
