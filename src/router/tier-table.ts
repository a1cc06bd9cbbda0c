import type { Complexity, TaskType } from '../core/task.js';
import { isTier, type Tier } from '../core/tier.js';

/**
 * The tier a turn goes to by task type and complexity 1–5. One tier per task type was too
 * coarse: a one-file review and a security audit are both `review`, a missing `wg.Done()` and
 * a heisenbug both `debug`. The cells were set from the labelled corpus (data/router/): for each
 * (type, complexity) the tier that most of its prompts accept, the cheaper one on a tie (cost
 * order 3 < 4 < 2 < 1 < 0); cells without prompts follow their neighbours, so a harder task never
 * goes to a weaker tier. `scripts/eval-router.ts` prints the table's accuracy with the true labels.
 */
export const TIER_TABLE: Readonly<Record<TaskType, readonly [Tier, Tier, Tier, Tier, Tier]>> = {
  // Design of our own system is judgement: only a small-scope design stays on standard.
  architecture: [1, 1, 1, 0, 0],
  // A fix spelled out in the request is local work; an ordinary bug fix is standard.
  bugfix: [3, 1, 1, 1, 0],
  // Conceptual questions ("what is the event loop"): the budget tier answers them well and
  // cheaply; a local coder model is weaker at general knowledge.
  chat: [4, 4, 4, 4, 4],
  // Shallow debugging (a config KeyError, a missing wg.Done()) is standard work, and so is a
  // deep one where a strong standard model has a fair chance; only the hardest (c5: races and
  // heisenbugs that resisted analysis) go to the frontier.
  debug: [1, 1, 1, 1, 0],
  docs: [3, 2, 2, 2, 1],
  // A small, specified feature (a flag, a script) is efficient-tier work.
  implement: [2, 2, 1, 1, 0],
  'long-context': [4, 4, 2, 2, 2],
  // Mechanical even when large: running a formatter over the repo is still a quick fix.
  'quick-fix': [3, 3, 3, 2, 2],
  refactor: [3, 1, 1, 1, 0],
  research: [4, 4, 4, 4, 2],
  // A small diff is local work; an ordinary PR or a risky one needs standard; a full security
  // audit needs the frontier.
  review: [3, 3, 1, 1, 0],
  test: [3, 2, 1, 1, 0],
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
