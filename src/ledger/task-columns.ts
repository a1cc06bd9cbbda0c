import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import type { TaskCost, TaskEnd } from './task-costs.js';

/*
 * A month's fold keeps a running entry per task (thousands a month). Checkpointed as they are,
 * as a Map of small objects, reading them back was most of a warm month report: v8.deserialize
 * builds each object property by property (~0.2 s for 8,000 tasks on the bench machine). Kept
 * as columns instead (one array per field, numbers in a Float64Array), they deserialize in a
 * few milliseconds, and the entries are rebuilt with their fields in the order the builder
 * gives them (key order shows in JSON output; an absent field stays absent).
 */

/** The report builder's running entry for one task (MonthReportBuilder). */
export interface TaskEntry {
  cost: TaskCost;
  end: TaskEnd | undefined;
  /**
   * Per turn number, the timestamp of the turn's last call so far, and whether it ran locally
   * (LocalShare.turns): kept instead of the call itself, so a streamed month keeps no records.
   * The flags of turns below TURN_BITS are bits of `localBits` rather than one more array per
   * task: fewer objects for the collector to move while a month is streamed.
   */
  lastTs: string[] | undefined;
  /**
   * `lastTs` as a checkpoint keeps it ("turn ts" lines), until the task is next touched: most
   * tasks of a restored month never are, and unpacking them all cost more than the rest.
   */
  packedTs?: string | undefined;
  localBits: number;
  localHigh: boolean[] | undefined;
}

/** What a Map<string, TaskEntry> checkpoints as. */
export interface TaskColumns {
  keys: string[];
  sessions: string[];
  tiers: (Tier | null)[];
  outcomes: TaskCost['outcome'][];
  /** calls, usd, unknownCalls, estimatedCalls of each task, one after the other. */
  numbers: Float64Array;
  /** Each task's models joined by '\n'. */
  models: string[];
  lastTs: string[];
  /** 1: the cost has a taskType field (its value may be undefined), 0: it has none. */
  hasTaskType: Uint8Array;
  taskTypes: (TaskType | undefined)[];
  /** null: no TaskRecord yet. */
  endOutcomes: (TaskEnd['outcome'] | null)[];
  endTiers: (Tier | null)[];
  endTaskTypes: (TaskType | undefined)[];
  /** Packed turn timestamps; null: no call yet. */
  turns: (string | null)[];
  localBits: Int32Array;
  /** The few tasks with turns past the bit flags: [index, flags]. */
  localHigh: [number, boolean[]][];
}

const NUMBERS = 4;

function packTurns(lastTs: string[]): string {
  // Object.keys, not join: a sparse array (a turn number in the thousands) stays small.
  return Object.keys(lastTs)
    .map((turn) => `${turn} ${lastTs[Number(turn)]}`)
    .join('\n');
}

/** A packed `lastTs` as the array it was (holes stay holes). */
export function unpackTurns(packed: string): string[] {
  const lastTs: string[] = [];
  if (!packed) return lastTs;
  for (const line of packed.split('\n')) {
    const space = line.indexOf(' ');
    lastTs[Number(line.slice(0, space))] = line.slice(space + 1);
  }
  return lastTs;
}

export function taskColumns(tasks: ReadonlyMap<string, TaskEntry>): TaskColumns {
  const n = tasks.size;
  const c: TaskColumns = {
    keys: [],
    sessions: [],
    tiers: [],
    outcomes: [],
    numbers: new Float64Array(n * NUMBERS),
    models: [],
    lastTs: [],
    hasTaskType: new Uint8Array(n),
    taskTypes: [],
    endOutcomes: [],
    endTiers: [],
    endTaskTypes: [],
    turns: [],
    localBits: new Int32Array(n),
    localHigh: [],
  };
  let i = 0;
  for (const [key, entry] of tasks) {
    const cost = entry.cost;
    c.keys.push(key);
    c.sessions.push(cost.session);
    c.tiers.push(cost.tier);
    c.outcomes.push(cost.outcome);
    c.numbers.set([cost.calls, cost.usd, cost.unknownCalls, cost.estimatedCalls], i * NUMBERS);
    c.models.push(cost.models.join('\n'));
    c.lastTs.push(cost.lastTs);
    c.hasTaskType[i] = 'taskType' in cost ? 1 : 0;
    c.taskTypes.push(cost.taskType);
    c.endOutcomes.push(entry.end ? entry.end.outcome : null);
    c.endTiers.push(entry.end ? entry.end.tier : null);
    c.endTaskTypes.push(entry.end?.taskType);
    c.turns.push(
      entry.lastTs ? packTurns(entry.lastTs) : entry.packedTs !== undefined ? entry.packedTs : null,
    );
    c.localBits[i] = entry.localBits;
    if (entry.localHigh) c.localHigh.push([i, entry.localHigh]);
    i++;
  }
  return c;
}

export function tasksOfColumns(c: TaskColumns): Map<string, TaskEntry> {
  const tasks = new Map<string, TaskEntry>();
  const high = new Map(c.localHigh);
  const n = c.keys.length;
  for (let i = 0; i < n; i++) {
    const at = i * NUMBERS;
    const key = c.keys[i]!;
    // Fields in the order newTaskCost / newTaskCostOfCall give them.
    const cost: TaskCost = {
      task: key,
      session: c.sessions[i]!,
      tier: c.tiers[i]!,
      outcome: c.outcomes[i]!,
      calls: c.numbers[at]!,
      usd: c.numbers[at + 1]!,
      unknownCalls: c.numbers[at + 2]!,
      estimatedCalls: c.numbers[at + 3]!,
      models: c.models[i] ? c.models[i]!.split('\n') : [],
      lastTs: c.lastTs[i]!,
    };
    if (c.hasTaskType[i]) cost.taskType = c.taskTypes[i];
    const endOutcome = c.endOutcomes[i];
    const turns = c.turns[i];
    tasks.set(key, {
      cost,
      end:
        endOutcome === null || endOutcome === undefined
          ? undefined
          : { outcome: endOutcome, tier: c.endTiers[i]!, taskType: c.endTaskTypes[i] },
      lastTs: undefined,
      packedTs: turns === null ? undefined : turns,
      localBits: c.localBits[i]!,
      localHigh: high.get(i),
    });
  }
  return tasks;
}
