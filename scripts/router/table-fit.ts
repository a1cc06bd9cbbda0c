import { TASK_TYPES, type Complexity, type TaskType } from '../../src/core/task.js';
import type { Tier } from '../../src/core/tier.js';
import { COST_ORDER } from '../../src/router/decide.js';
import { CAPABILITY } from '../../src/router/table.js';
import { MIN_CELL_PROMPTS, UNLABELLED_CELLS } from '../../src/router/tier-table.js';
import type { Example } from './corpus.js';

export type TierTable = Record<TaskType, Tier[]>;

/**
 * The tier table refitted from labelled examples; src/router/tier-table.ts is this function's
 * output on the corpus (test/router/tier-table.test.ts checks it). For each (type, complexity)
 * the tier most of its prompts accept, the cheaper on a tie. A cell with fewer than
 * MIN_CELL_PROMPTS training prompts takes its tier from UNLABELLED_CELLS when the corpus has
 * fewer than that there at all (a judgement, not a label), otherwise from the nearest filled
 * cell of its row (easier side first); then along each row a harder task never goes to a
 * weaker tier. The eval fits it on each training fold so that the table, too, never saw the
 * labels it is scored on.
 */
export function fitTierTable(examples: readonly Example[]): TierTable {
  const table = {} as TierTable;
  for (const type of TASK_TYPES) {
    const row: (Tier | undefined)[] = [1, 2, 3, 4, 5].map((cx) => {
      // A model classifier's answer names no acceptable tier: it has no vote here.
      const cell = examples.filter(
        (e) => e.taskType === type && e.complexity === cx && e.acceptableTiers.length,
      );
      if (cell.length < MIN_CELL_PROMPTS) return undefined;
      const votes = (t: Tier) => cell.filter((e) => e.acceptableTiers.includes(t)).length;
      // COST_ORDER is cheapest first, so a strict `>` keeps the cheaper tier on a tie.
      return COST_ORDER.reduce((best, t) => (votes(t) > votes(best) ? t : best));
    });
    const filled = row.map((t, i) => {
      if (t !== undefined) return t;
      const judged = UNLABELLED_CELLS[type]?.[(i + 1) as Complexity];
      if (judged !== undefined) return judged;
      for (let d = 1; d < 5; d++) {
        const near = row[i - d] ?? row[i + d];
        if (near !== undefined) return near;
      }
      return 1 as Tier;
    });
    for (let i = 1; i < 5; i++) {
      if (CAPABILITY[filled[i]!] < CAPABILITY[filled[i - 1]!]) filled[i] = filled[i - 1]!;
    }
    table[type] = filled;
  }
  return table;
}
