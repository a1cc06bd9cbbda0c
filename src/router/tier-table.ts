import type { Complexity, TaskType } from '../core/task.js';
import { isTier, type Tier } from '../core/tier.js';

/**
 * The tier a turn goes to by task type and complexity 1–5. One tier per task type was too
 * coarse: a one-file review and a security audit are both `review`, a missing `wg.Done()` and
 * a heisenbug both `debug`. The cells were set from the labelled corpus (data/router/): for each
 * (type, complexity) the cheapest tier that a careful engineer accepts for most of its prompts,
 * then smoothed so that a harder task never goes to a weaker tier. See docs/router.md.
 */
export const TIER_TABLE: Readonly<Record<TaskType, readonly [Tier, Tier, Tier, Tier, Tier]>> = {
  // Design work is judgement: only a trivial structure question stays off the frontier.
  architecture: [1, 1, 0, 0, 0],
  // Shallow debugging (a config KeyError, a missing await) is standard work; deep (races,
  // leaks, heisenbugs) needs the frontier.
  debug: [1, 1, 1, 0, 0],
  refactor: [3, 1, 1, 1, 0],
  implement: [3, 1, 1, 1, 0],
  bugfix: [3, 1, 1, 1, 0],
  test: [3, 1, 1, 1, 0],
  // A small diff is local work; a PR needs standard; a security or concurrency audit, frontier.
  review: [3, 3, 1, 0, 0],
  docs: [3, 2, 2, 2, 1],
  'quick-fix': [3, 3, 3, 2, 1],
  // Comparisons and look-ups: the budget tier reads and summarises well and cheaply.
  research: [4, 4, 4, 4, 0],
  'long-context': [2, 2, 2, 2, 2],
  chat: [3, 3, 3, 4, 4],
};

/**
 * The table's tier for a turn. A tier the user set for the task type in
 * `routing.table` wins over the complexity split: their table is a statement of policy.
 */
export function tierFor(
  taskType: TaskType,
  complexity: Complexity,
  userTable: Partial<Record<TaskType, number>> = {},
  table: Readonly<Record<TaskType, readonly Tier[]>> = TIER_TABLE,
): Tier {
  const user = userTable[taskType];
  if (isTier(user)) return user;
  return table[taskType][complexity - 1]!;
}

/** Every (type, complexity) cell that routes to `tier`: how a tier is expressed as a class. */
export function cellsOf(
  tier: Tier,
  table: Readonly<Record<TaskType, readonly Tier[]>> = TIER_TABLE,
): [TaskType, Complexity][] {
  const out: [TaskType, Complexity][] = [];
  for (const [type, row] of Object.entries(table) as [TaskType, readonly Tier[]][]) {
    row.forEach((t, i) => {
      if (t === tier) out.push([type, (i + 1) as Complexity]);
    });
  }
  return out;
}
