import { TASK_TYPES, type Complexity, type TaskType } from '../core/task.js';
import { TIERS, type Tier } from '../core/tier.js';
import { TIER_TABLE, UNLABELLED_CELLS } from './tier-table.js';
import type { Classification } from './types.js';

/**
 * How the three heads' probabilities become one route:
 * - `table`: the most likely task type and complexity, through the tier table;
 * - `joint`: each tier's probability summed over the (type, complexity) cells that route to it;
 * - `tier`: the head trained on the acceptable tiers directly;
 * - `blend`: the mean of `joint` and `tier`;
 * - `cheapest`: the cheapest tier the tier head finds acceptable with p ≥ 0.5 (cost order
 *   3 < 4 < 2 < 1 < 0), else `blend`'s pick: under-routing costs a redo, but over-routing every
 *   local-tier prompt costs more in sum;
 * - `ensemble`: the mean of `joint`, `tier` and the set head's view (P(tier acceptable) = the
 *   probability of the acceptable sets that contain it), when the model has a set head;
 * - `lean5`, `lean10`: `ensemble`'s view, then the cheapest tier whose P(acceptable) is within
 *   0.05 or 0.10 of the most acceptable one's. A quick fix is acceptable on tiers 3 and 2, so
 *   tier 2 is nearly always the more probably acceptable of the two, and `ensemble` sent half
 *   the local tier's prompts to a tier that costs more for the same work.
 * The eval measures them all; the weights file names the one it was fitted for.
 */
export type Strategy =
  'table' | 'joint' | 'tier' | 'blend' | 'cheapest' | 'ensemble' | 'lean5' | 'lean10';
export const STRATEGIES: readonly Strategy[] = [
  'table',
  'joint',
  'tier',
  'blend',
  'cheapest',
  'ensemble',
  'lean5',
  'lean10',
];
/** How much less P(acceptable) a cheaper tier may have and still be chosen, per lean strategy. */
const LEAN_TOLERANCE: Partial<Record<Strategy, number>> = { lean5: 0.05, lean10: 0.1 };

/** Whether the strategy reads the set head (a model stores that head only then). */
export function readsSetHead(strategy: Strategy): boolean {
  return strategy === 'ensemble' || LEAN_TOLERANCE[strategy] !== undefined;
}

/**
 * The sets of acceptable tiers the labelling guide produces (cheapest first), the classes of the
 * set head. A prompt labelled with a set outside this list gives that head no label.
 */
export const ACCEPTABLE_SETS: readonly (readonly Tier[])[] = [
  [3],
  [3, 2],
  [4, 2],
  [2],
  [2, 1],
  [1],
  [1, 0],
  [0],
];

/** P(tier t acceptable) from the set head: the mass of the sets that contain t. */
export function tierFromSets(pSet: ArrayLike<number>): Float64Array {
  const out = new Float64Array(TIERS.length);
  ACCEPTABLE_SETS.forEach((set, s) => {
    for (const t of set) out[t]! += pSet[s]!;
  });
  return out;
}

/** Tiers by price, cheapest first. */
export const COST_ORDER: readonly Tier[] = [3, 4, 2, 1, 0];

export interface HeadProbabilities {
  /** Indexed like TASK_TYPES. */
  taskType: ArrayLike<number>;
  /** Index 0 = complexity 1. */
  complexity: ArrayLike<number>;
  /** Indexed like TIERS. */
  tier: ArrayLike<number>;
  /** Indexed like ACCEPTABLE_SETS; absent in a model without a set head. */
  set?: ArrayLike<number>;
}

export interface Decision {
  tier: Tier;
  /** A task type and complexity that the tier table routes to `tier` (when one exists). */
  taskType: TaskType;
  complexity: Complexity;
  /** The probability the strategy gives `tier`, before the confidence calibration. */
  p: number;
}

type Table = Readonly<Record<TaskType, readonly Tier[]>>;

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

/** P(tier) from the type and complexity heads, taken as independent. */
export function tierFromCells(p: HeadProbabilities, table: Table = TIER_TABLE): Float64Array {
  const out = new Float64Array(TIERS.length);
  TASK_TYPES.forEach((type, i) => {
    const row = table[type];
    for (let c = 0; c < 5; c++) out[row[c]!] += p.taskType[i]! * p.complexity[c]!;
  });
  return out;
}

/**
 * A review with a risk cue (production, migration, security, auth, concurrency, payments …) is
 * the guide's "high-risk PR" row (data/router/LABELLING.md, Reviews): tier 1 or 0, never a
 * local, efficient or budget model — unless the user calls it small. Too few such prompts in the corpus for the model to learn
 * it from its words alone ("Review this PR: it migrates the users table … on production" went
 * local), so the rule classifier's verdict restricts the tiers the decision may pick.
 */
export const RISKY_REVIEW_TIERS: readonly Tier[] = [1, 0];

/** The tiers a decision may pick for a prompt, from the rule classifier's verdict; undefined = any. */
export function allowedTiers(
  rules: Pick<Classification, 'baseTaskType' | 'signals'>,
): readonly Tier[] | undefined {
  // "Review this small PR that only adds migration tests": the user's own word for its size wins.
  const risky = rules.signals.includes('risk') && !rules.signals.includes('small');
  return rules.baseTaskType === 'review' && risky ? RISKY_REVIEW_TIERS : undefined;
}

export function decide(
  p: HeadProbabilities,
  strategy: Strategy,
  table: Table = TIER_TABLE,
  /** Tiers the pick is restricted to (allowedTiers); the most probable of them wins. */
  allowed?: readonly Tier[],
): Decision {
  let pTier: ArrayLike<number>;
  if (strategy === 'table') {
    const type = TASK_TYPES[argmax(p.taskType)]!;
    const cx = argmax(p.complexity);
    const tier = table[type][cx]!;
    const cells = tierFromCells(p, table);
    if (!allowed || allowed.includes(tier)) {
      return { tier, taskType: type, complexity: (cx + 1) as Complexity, p: cells[tier]! };
    }
    pTier = cells;
  } else if (strategy === 'joint') {
    pTier = tierFromCells(p, table);
  } else if (strategy === 'tier') {
    pTier = p.tier;
  } else if (readsSetHead(strategy) && p.set) {
    const cells = tierFromCells(p, table);
    const sets = tierFromSets(p.set);
    pTier = Array.from(cells, (v, i) => (v + p.tier[i]! + sets[i]!) / 3);
  } else {
    const cells = tierFromCells(p, table);
    pTier = Array.from(cells, (v, i) => (v + p.tier[i]!) / 2);
  }
  let tier = TIERS[argmax(pTier)]!;
  if (strategy === 'cheapest') {
    const cheap = COST_ORDER.find((t) => p.tier[t]! >= 0.5);
    if (cheap !== undefined) tier = cheap;
  }
  const tolerance = LEAN_TOLERANCE[strategy];
  if (tolerance !== undefined) {
    const top = pTier[tier]!;
    tier = COST_ORDER.find((t) => pTier[t]! >= top - tolerance) ?? tier;
  }
  let pOfTier = strategy === 'cheapest' ? p.tier[tier]! : pTier[tier]!;
  if (allowed && !allowed.includes(tier)) {
    tier = allowed.reduce((a, b) => (pTier[b]! > pTier[a]! ? b : a));
    pOfTier = pTier[tier]!;
  }
  // The type and complexity shown with the route must lead to the same tier through the table.
  // A cell no labelled prompt is in ("quick-fix, complexity 4") is shown only when no labelled
  // cell leads there: it is a contradiction in terms, and the type names the task's priors.
  let best: { type: TaskType; cx: number; score: number; judged: boolean } | undefined;
  TASK_TYPES.forEach((type, i) => {
    for (let c = 0; c < 5; c++) {
      if (table[type][c] !== tier) continue;
      const score = p.taskType[i]! * p.complexity[c]!;
      const judged = UNLABELLED_CELLS[type]?.[(c + 1) as Complexity] !== undefined;
      const better =
        !best || (best.judged && !judged) || (best.judged === judged && score > best.score);
      if (better) best = { type, cx: c, score, judged };
    }
  });
  return {
    tier,
    taskType: best?.type ?? TASK_TYPES[argmax(p.taskType)]!,
    complexity: ((best?.cx ?? argmax(p.complexity)) + 1) as Complexity,
    p: pOfTier,
  };
}
