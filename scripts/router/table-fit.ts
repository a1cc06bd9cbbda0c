import { TASK_TYPES, type TaskType } from '../../src/core/task.js';
import type { Tier } from '../../src/core/tier.js';
import { COST_ORDER } from '../../src/router/decide.js';
import { CAPABILITY } from '../../src/router/table.js';
import type { Example } from './corpus.js';

export type TierTable = Record<TaskType, Tier[]>;

/**
 * The tier table refitted from labelled examples, the way src/router/tier-table.ts was set:
 * for each (type, complexity) the tier most of its prompts accept, the cheaper on a tie; empty
 * cells copy the nearest filled cell of the row (easier side first); then along each row a
 * harder task never goes to a weaker tier. The eval fits it on each training fold so that the
 * table, too, never saw the labels it is scored on.
 */
export function fitTierTable(examples: readonly Example[]): TierTable {
  const table = {} as TierTable;
  for (const type of TASK_TYPES) {
    const row: (Tier | undefined)[] = [1, 2, 3, 4, 5].map((cx) => {
      const cell = examples.filter((e) => e.taskType === type && e.complexity === cx);
      if (!cell.length) return undefined;
      const votes = (t: Tier) => cell.filter((e) => e.acceptableTiers.includes(t)).length;
      // COST_ORDER is cheapest first, so a strict `>` keeps the cheaper tier on a tie.
      return COST_ORDER.reduce((best, t) => (votes(t) > votes(best) ? t : best));
    });
    const filled = row.map((t, i) => {
      if (t !== undefined) return t;
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
