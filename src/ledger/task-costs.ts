import type { CallRecord, TaskRecord } from '../core/records.js';
import type { TaskOutcome, TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { percentileSorted, sortedValues } from './stats.js';

/*
 * What each task cost: every call it made, failed attempts and escalations included, joined
 * on the task id (task ids are unique across sessions).
 */

export interface TaskCost {
  task: string;
  session: string;
  taskType?: TaskType;
  /** Tier that finished the task (its TaskRecord), or of its last call while still open. */
  tier: Tier | null;
  /** 'open' while no TaskRecord has been written. */
  outcome: TaskOutcome | 'open';
  /** Every call of the task: all attempts, failed ones and escalations included. */
  calls: number;
  usd: number;
  /** Calls with no known price; when > 0 the task's real cost is unknown. */
  unknownCalls: number;
  /** Calls whose usage was estimated (interrupted streams): the USD is approximate. */
  estimatedCalls: number;
  /** Models used, in order of first use. */
  models: string[];
  lastTs: string;
}

export function newTaskCost(task: string, session: string, ts: string): TaskCost {
  return {
    task,
    session,
    tier: null,
    outcome: 'open',
    calls: 0,
    usd: 0,
    unknownCalls: 0,
    estimatedCalls: 0,
    models: [],
    lastTs: ts,
  };
}

/**
 * `newTaskCost` for a task first seen by one of its calls, already holding what addTaskCall
 * would add for it (same keys, same order). Built whole, the object gets all its fields at
 * once instead of growing a second store for `taskType` and an array for `models`.
 */
export function newTaskCostOfCall(call: CallRecord): TaskCost {
  return {
    task: call.task,
    session: call.session,
    tier: null,
    outcome: 'open',
    calls: 0,
    usd: 0,
    unknownCalls: 0,
    estimatedCalls: 0,
    // As addTaskCall: the model classifier is not one of the task's models.
    models: call.role === 'classifier' ? [] : [call.model],
    lastTs: call.ts,
    taskType: call.taskType,
  };
}

export function addTaskCall(cost: TaskCost, call: CallRecord): void {
  cost.calls += 1;
  if (call.costUsd === null) cost.unknownCalls += 1;
  else cost.usd += call.costUsd;
  // As CostTotals.estimated: a $0 local call's estimated tokens do not make its price approximate.
  if (call.usageEstimated === true && call.costUsd !== 0) cost.estimatedCalls += 1;
  cost.taskType ??= call.taskType;
  // The model classifier routed the turn; it did not work on the task. Its tier is null, and a
  // task whose last call was one read "no tier" beside the money a tier-1 turn spent.
  if (call.role === 'classifier') return;
  if (!cost.models.includes(call.model)) cost.models.push(call.model);
  cost.tier = call.tier;
}

/** The TaskRecord has the last word on how the task ended and on which tier. */
/** What of a task's TaskRecord its cost row takes. */
export type TaskEnd = Pick<TaskRecord, 'outcome' | 'tier' | 'taskType'>;

export function endTask(cost: TaskCost, end: TaskEnd): void {
  cost.outcome = end.outcome;
  cost.tier = end.tier;
  if (end.taskType) cost.taskType = end.taskType;
}

/** The `count` most expensive tasks (known USD), any outcome: a costly abandoned task counts. */
export function topTasks(costs: readonly TaskCost[], count = 5): TaskCost[] {
  if (!Number.isInteger(count) || count < 0) return [...costs].sort(byTaskCost).slice(0, count);
  // The few best kept in order while walking the tasks once: a month has thousands of tasks,
  // and sorting them all for five costs more than the rest of the task figures together.
  const top: TaskCost[] = [];
  for (const cost of costs) {
    let at = top.length;
    while (at > 0 && byTaskCost(cost, top[at - 1]!) < 0) at -= 1;
    if (at >= count) continue;
    top.splice(at, 0, cost);
    if (top.length > count) top.pop();
  }
  return top;
}

/** Most expensive first, then most calls, then by task id (unique): a total order. */
function byTaskCost(a: TaskCost, b: TaskCost): number {
  return b.usd - a.usd || b.calls - a.calls || (a.task < b.task ? -1 : 1);
}

export type TaskGrouping = 'taskType' | 'tier' | 'taskType+tier';

export interface CompletedTaskRow {
  key: string;
  taskType?: TaskType | 'none';
  tier?: Tier | null;
  completed: number;
  /** Completed tasks with at least one unpriced call: left out of the averages, shown "?". */
  unknownTasks: number;
  /** Known USD of the completed tasks whose every call was priced. */
  usd: number;
  meanUsd: number | null;
  p50Usd: number | null;
  p90Usd: number | null;
  /** Abandoned or failed tasks in the same group and their known spend. */
  wastedTasks: number;
  wastedUsd: number;
  /** (completed + wasted spend) / completed: what one finished task really costs. */
  usdPerCompletedInclWaste: number | null;
}

function groupKeyOf(cost: TaskCost, by: TaskGrouping): string {
  const tierKey = cost.tier === null ? 'none' : String(cost.tier);
  if (by === 'tier') return tierKey;
  const taskType = cost.taskType ?? 'none';
  return by === 'taskType' ? taskType : `${taskType}/${tierKey}`;
}

function taskGroupKey(
  cost: TaskCost,
  by: TaskGrouping,
): Pick<CompletedTaskRow, 'key' | 'taskType' | 'tier'> {
  const key = groupKeyOf(cost, by);
  const taskType = cost.taskType ?? 'none';
  if (by === 'taskType') return { key, taskType };
  if (by === 'tier') return { key, tier: cost.tier };
  return { key, taskType, tier: cost.tier };
}

/**
 * Cost per completed task, by task type and the tier that finished it. A task's cost is every
 * call it made (failed attempts and escalations included), so a cheap tier that needs three
 * tries shows what it really costs.
 */
export function perCompletedTask(
  costs: readonly TaskCost[],
  by: TaskGrouping = 'taskType+tier',
): CompletedTaskRow[] {
  const groups = new Map<string, { row: CompletedTaskRow; priced: number[] }>();
  for (const cost of costs) {
    if (cost.outcome === 'open') continue;
    // The key alone per task; the row's fields only for a new group (a month has thousands of
    // tasks and a few dozen groups).
    let entry = groups.get(groupKeyOf(cost, by));
    if (!entry) {
      const id = taskGroupKey(cost, by);
      entry = {
        row: {
          ...id,
          completed: 0,
          unknownTasks: 0,
          usd: 0,
          meanUsd: null,
          p50Usd: null,
          p90Usd: null,
          wastedTasks: 0,
          wastedUsd: 0,
          usdPerCompletedInclWaste: null,
        },
        priced: [],
      };
      groups.set(id.key, entry);
    }
    const { row, priced } = entry;
    if (cost.outcome !== 'completed') {
      row.wastedTasks += 1;
      row.wastedUsd += cost.usd;
    } else {
      row.completed += 1;
      if (cost.unknownCalls > 0) row.unknownTasks += 1;
      else {
        row.usd += cost.usd;
        priced.push(cost.usd);
      }
    }
  }
  const rows: CompletedTaskRow[] = [];
  for (const { row, priced } of groups.values()) {
    const sorted = sortedValues(priced);
    row.meanUsd = priced.length ? row.usd / priced.length : null;
    row.p50Usd = percentileSorted(sorted, 0.5);
    row.p90Usd = percentileSorted(sorted, 0.9);
    row.usdPerCompletedInclWaste = priced.length ? (row.usd + row.wastedUsd) / priced.length : null;
    rows.push(row);
  }
  return rows.sort(
    (a, b) => b.usd + b.wastedUsd - (a.usd + a.wastedUsd) || (a.key < b.key ? -1 : 1),
  );
}
