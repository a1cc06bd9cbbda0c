import type { LedgerRecord } from '../core/records.js';
import { TASK_TYPES, type TaskType } from '../core/task.js';
import { TIERS, isTier, type Tier } from '../core/tier.js';
import { DEFAULT_SUCCESS_PRIORS } from './priors.js';

export type SuccessPriors = Record<TaskType, Record<Tier, number>>;

export interface SuccessRate {
  /** Posterior mean success rate. */
  p: number;
  /** Outcomes observed (weighted), not counting the prior. */
  n: number;
}

export type SuccessTable = Record<TaskType, Record<Tier, SuccessRate>>;

/**
 * How many outcomes the prior is worth. Small enough that a dozen real results move the rate
 * visibly, large enough that two unlucky turns do not condemn a tier.
 */
export const PRIOR_STRENGTH = 8;
/** An abandoned task may be a change of mind rather than a failure: it counts half. */
const ABANDONED_WEIGHT = 0.5;

/** Built-in priors with the user's `routing.successPriors` laid over them. */
export function mergePriors(
  overrides: Partial<Record<TaskType, Record<string, number>>> = {},
): SuccessPriors {
  const merged = {} as SuccessPriors;
  for (const type of TASK_TYPES) {
    const row = { ...DEFAULT_SUCCESS_PRIORS[type] };
    for (const [key, p] of Object.entries(overrides[type] ?? {})) {
      const tier = Number(key);
      if (isTier(tier) && Number.isFinite(p)) row[tier] = Math.min(1, Math.max(0, p));
    }
    merged[type] = row;
  }
  return merged;
}

/**
 * Success rate per task type × tier: a Beta prior (mean = prior rate, weight PRIOR_STRENGTH)
 * updated by outcomes. A verify record is one trial of the tier that made the change. A task
 * record is one trial of the tier that finished it (failed → failure), and a failure for every
 * earlier, different model of that task (they were tried and did not finish it), when
 * `tierOf` can place them.
 */
export function successRates(
  priors: SuccessPriors,
  records: readonly LedgerRecord[],
  tierOf: (model: string) => Tier | undefined = () => undefined,
): SuccessTable {
  const wins = new Map<string, number>();
  const trials = new Map<string, number>();
  const add = (type: TaskType | undefined, tier: Tier | null | undefined, win: number, w = 1) => {
    if (!type || tier === null || tier === undefined) return;
    const key = `${type}|${tier}`;
    wins.set(key, (wins.get(key) ?? 0) + win * w);
    trials.set(key, (trials.get(key) ?? 0) + w);
  };

  for (const record of records) {
    if (record.type === 'verify') {
      add(record.taskType, record.tier, record.passed ? 1 : 0);
    } else if (record.type === 'task') {
      const finalModel = record.models[record.models.length - 1];
      if (record.outcome === 'completed') add(record.taskType, record.tier, 1);
      else if (record.outcome === 'failed') add(record.taskType, record.tier, 0);
      else add(record.taskType, record.tier, 0, ABANDONED_WEIGHT);
      const earlier = new Set(record.models.slice(0, -1).filter((m) => m !== finalModel));
      for (const model of earlier) add(record.taskType, tierOf(model), 0);
    }
  }

  const table = {} as SuccessTable;
  for (const type of TASK_TYPES) {
    const row = {} as Record<Tier, SuccessRate>;
    for (const tier of TIERS) {
      const prior = priors[type][tier];
      const n = trials.get(`${type}|${tier}`) ?? 0;
      const w = wins.get(`${type}|${tier}`) ?? 0;
      row[tier] = { p: (prior * PRIOR_STRENGTH + w) / (PRIOR_STRENGTH + n), n };
    }
    table[type] = row;
  }
  return table;
}
