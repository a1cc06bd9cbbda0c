import type { LedgerRecord } from '../core/records.js';
import { TASK_TYPES, type TaskType } from '../core/task.js';
import { TIER_NAMES, TIERS, isTier, type Tier } from '../core/tier.js';
import { percent } from './format.js';
import { DEFAULT_SUCCESS_PRIORS } from './priors.js';

export type SuccessPriors = Record<TaskType, Record<Tier, number>>;

export interface SuccessRate {
  /** Posterior mean success rate. */
  p: number;
  /** Outcomes observed (weighted), not counting the prior. */
  n: number;
}

/** One observed outcome of a model on a task type. */
export interface Outcome {
  ts: string;
  /** A test run (verify record) or a task's end (task record). */
  kind: 'tests' | 'task';
  passed: boolean;
}

/**
 * Success per task type × tier (what the tier table and escalation compare), carrying the
 * evidence per model (`byModel`) and the priors it started from, so a model is judged on its
 * own results: a tier-mate's failures do not move a model that never ran.
 */
export type SuccessTable = Record<TaskType, Record<Tier, SuccessRate>> & {
  readonly priors: SuccessPriors;
  /** `provider/model` → task type → its outcomes, oldest first. */
  readonly byModel: ReadonlyMap<string, Partial<Record<TaskType, Outcome[]>>>;
};

/**
 * How many outcomes the prior is worth. Small enough that a dozen real results move the rate
 * visibly, large enough that two unlucky turns do not condemn a tier.
 */
export const PRIOR_STRENGTH = 8;

type PriorOverrides = Partial<Record<TaskType, Record<string, number>>>;

/** The user's priors for a task type, by tier (keys as `routing.successPriors` writes them). */
function statedPriors(overrides: PriorOverrides, type: TaskType): Map<Tier, number> {
  const stated = new Map<Tier, number>();
  for (const [key, p] of Object.entries(overrides[type] ?? {})) {
    const tier = Number(key);
    if (isTier(tier) && Number.isFinite(p)) stated.set(tier, Math.min(1, Math.max(0, p)));
  }
  return stated;
}

/** Built-in priors with the user's `routing.successPriors` laid over them. */
export function mergePriors(overrides: PriorOverrides = {}): SuccessPriors {
  const merged = {} as SuccessPriors;
  for (const type of TASK_TYPES) {
    const row = { ...DEFAULT_SUCCESS_PRIORS[type] };
    for (const [tier, p] of statedPriors(overrides, type)) row[tier] = p;
    merged[type] = row;
  }
  return merged;
}

/** Whether the user set this task type's prior on this tier (it is then theirs, not built in). */
export function priorIsStated(overrides: PriorOverrides, type: TaskType, tier: Tier): boolean {
  return statedPriors(overrides, type).has(tier);
}

/**
 * Success rate per task type × tier, and the outcomes per model: a Beta prior (mean = prior
 * rate, weight PRIOR_STRENGTH) updated by outcomes. A verify record is one trial of the model
 * (and tier) that made the change. A task record is one trial of the model that finished it
 * (failed → failure), and a failure for every earlier, different model of that task (they were
 * tried and did not finish it; their tier when `tierOf` can place them). An abandoned task
 * (/new without /done) teaches nothing: moving on says nothing about whether the work passed.
 */
export function successRates(
  priors: SuccessPriors,
  records: readonly LedgerRecord[],
  tierOf: (model: string) => Tier | undefined = () => undefined,
): SuccessTable {
  const fold = successFold(priors, tierOf);
  fold.add(records, 0);
  return fold.table();
}

/** successRates as a running fold over an append-only history (see learnFold). */
export interface SuccessFold {
  /** Adds `records[from..]`. */
  add(records: readonly LedgerRecord[], from: number): void;
  /** A table of its own: later additions do not change a table already handed out. */
  table(): SuccessTable;
  /**
   * The fold so far, plain data (a ledger checkpoint keeps it); shares the fold's objects. It
   * holds what the records said, not the priors or the tier of each model, which come from the
   * config: a fold going on from it must be given the same ones.
   */
  snapshot(): SuccessState;
}

export interface SuccessState {
  /** `type|tier` → passed trials, and all trials. */
  wins: Map<string, number>;
  trials: Map<string, number>;
  byModel: Map<string, Partial<Record<TaskType, Outcome[]>>>;
}

/** A fold from nothing, or going on from a snapshot (which it then owns). */
export function successFold(
  priors: SuccessPriors,
  tierOf: (model: string) => Tier | undefined = () => undefined,
  state?: SuccessState,
): SuccessFold {
  const wins = state?.wins ?? new Map<string, number>();
  const trials = state?.trials ?? new Map<string, number>();
  const byModel = state?.byModel ?? new Map<string, Partial<Record<TaskType, Outcome[]>>>();
  const add = (type: TaskType | undefined, tier: Tier | null | undefined, win: boolean) => {
    if (!type || tier === null || tier === undefined) return;
    const key = `${type}|${tier}`;
    wins.set(key, (wins.get(key) ?? 0) + (win ? 1 : 0));
    trials.set(key, (trials.get(key) ?? 0) + 1);
  };
  const observe = (model: string | undefined, type: TaskType | undefined, outcome: Outcome) => {
    if (!model || !type) return;
    const row = byModel.get(model) ?? {};
    (row[type] ??= []).push(outcome);
    byModel.set(model, row);
  };
  const addOne = (record: LedgerRecord): void => {
    if (record.type === 'verify') {
      add(record.taskType, record.tier, record.passed);
      observe(record.model, record.taskType, {
        ts: record.ts,
        kind: 'tests',
        passed: record.passed,
      });
    } else if (record.type === 'task' && record.outcome !== 'abandoned') {
      const finalModel = record.models[record.models.length - 1];
      const passed = record.outcome === 'completed';
      add(record.taskType, record.tier, passed);
      observe(finalModel, record.taskType, { ts: record.ts, kind: 'task', passed });
      const earlier = new Set(record.models.slice(0, -1).filter((m) => m !== finalModel));
      for (const model of earlier) {
        add(record.taskType, tierOf(model), false);
        observe(model, record.taskType, { ts: record.ts, kind: 'task', passed: false });
      }
    }
  };

  return {
    snapshot: () => ({ wins, trials, byModel }),
    add(records, from) {
      for (let i = from; i < records.length; i++) addOne(records[i]!);
    },
    table() {
      const table = {} as Record<TaskType, Record<Tier, SuccessRate>>;
      for (const type of TASK_TYPES) {
        const row = {} as Record<Tier, SuccessRate>;
        for (const tier of TIERS) {
          const n = trials.get(`${type}|${tier}`) ?? 0;
          row[tier] = posterior(priors[type][tier], wins.get(`${type}|${tier}`) ?? 0, n);
        }
        table[type] = row;
      }
      // Outcomes are tests and task ends (a few per task): copied, so a table handed out
      // stays as it was.
      const snapshot = new Map<string, Partial<Record<TaskType, Outcome[]>>>();
      for (const [model, row] of byModel) {
        const copy: Partial<Record<TaskType, Outcome[]>> = {};
        for (const [type, list] of Object.entries(row) as [TaskType, Outcome[]][])
          copy[type] = [...list];
        snapshot.set(model, copy);
      }
      return Object.assign(table, { priors, byModel: snapshot });
    },
  };
}

function posterior(prior: number, wins: number, n: number): SuccessRate {
  return { p: (prior * PRIOR_STRENGTH + wins) / (PRIOR_STRENGTH + n), n };
}

/**
 * One model's success rate on a task type: its tier's prior rate, updated by that model's own
 * outcomes only. A model that never ran keeps the prior of the tier it is placed in.
 */
export function successOf(
  table: SuccessTable,
  model: string,
  tier: Tier,
  taskType: TaskType,
): SuccessRate {
  const outcomes = table.byModel.get(model)?.[taskType] ?? [];
  const wins = outcomes.filter((o) => o.passed).length;
  return posterior(table.priors[taskType][tier], wins, outcomes.length);
}

const TASK_NOUNS: Record<TaskType, string> = {
  architecture: 'architecture tasks',
  refactor: 'refactors',
  implement: 'implementations',
  bugfix: 'bugfixes',
  debug: 'debugging tasks',
  test: 'test-writing tasks',
  review: 'reviews',
  docs: 'docs edits',
  'quick-fix': 'quick fixes',
  research: 'research tasks',
  'long-context': 'long-context tasks',
  chat: 'chats',
};

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** `ollama/qwen3-coder:30b` → `qwen3-coder:30b`: the card names the provider elsewhere. */
function shortName(model: string): string {
  const slash = model.indexOf('/');
  return slash < 0 ? model : model.slice(slash + 1);
}

/**
 * Why the card shows the success rate it shows, in one line: "success 56% — 2 of 4 bugfixes by
 * qwen3-coder:30b passed their tests this week". Counts the model's test runs of the last 7 days
 * (all of its history when the week has none; finished tasks when it has no test runs at all);
 * a model with no outcomes says its rate is its tier's prior. `used` is the rate the route is
 * priced with, when the turn's complexity moved it: the line leads with that figure (the card's
 * cost line shows it too) and says what it was before.
 */
export function explainSuccess(
  stats: { success: SuccessTable },
  model: string,
  tier: Tier,
  taskType: TaskType,
  now: Date = new Date(),
  used?: { p: number; before: number; complexity: number },
): string {
  const rate = successOf(stats.success, model, tier, taskType);
  const moved = used !== undefined && percent(used.p) !== percent(used.before);
  const head = `success ${percent(used ? used.p : rate.p)}`;
  const adjusted = moved
    ? ` (${percent(used.before)}, ${used.p > used.before ? 'raised' : 'lowered'} for complexity ${used.complexity})`
    : '';
  const noun = TASK_NOUNS[taskType];
  const name = shortName(model);
  const outcomes = stats.success.byModel.get(model)?.[taskType] ?? [];
  if (!outcomes.length) {
    return `${head} — the ${TIER_NAMES[tier]} tier's prior for ${noun}${adjusted}; no results for ${name} yet`;
  }
  const tests = outcomes.filter((o) => o.kind === 'tests');
  const pool = tests.length ? tests : outcomes;
  const recent = pool.filter((o) => now.getTime() - Date.parse(o.ts) < WEEK_MS);
  const shown = recent.length ? recent : pool;
  const passed = shown.filter((o) => o.passed).length;
  const verb = tests.length ? 'passed their tests' : 'were completed';
  const when = recent.length ? ' this week' : '';
  return `${head} — ${passed} of ${shown.length} ${noun} by ${name} ${verb}${when}${adjusted}`;
}
