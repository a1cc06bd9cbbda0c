import type { CallRecord, LedgerRecord, TaskRecord } from '../core/records.js';
import type { TaskOutcome, TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { totalInput, type Usage } from '../core/usage.js';
import { isCall } from './spend.js';
import { median, percentileSorted, ratio, sortedValues } from './stats.js';
import {
  dayFraction,
  dayOfDate,
  dayOfTs,
  isoWeek,
  monthDays,
  monthOfDate,
  monthOfTs,
} from './time.js';

/*
 * Pure aggregations over ledger records: data in, data out, no I/O. The USD figures are the
 * ones recorded at call time (the honest spend); re-pricing lives in whatif.ts.
 * An unpriced call (costUsd null) is never summed as $0: its count and tokens go to `unknown`
 * and the UI shows "?".
 */

export interface UnknownCost {
  calls: number;
  /** Input of every kind plus output. */
  tokens: number;
}

export interface CostTotals {
  calls: number;
  /** USD of calls with a known price. */
  usd: number;
  unknown: UnknownCost;
  usage: Usage;
  /** Electricity of local calls, kept apart from the money paid to providers. */
  energyUsd: number;
}

export interface GroupRow extends CostTotals {
  key: string;
}

function emptyTotals(): CostTotals {
  return {
    calls: 0,
    usd: 0,
    unknown: { calls: 0, tokens: 0 },
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    energyUsd: 0,
  };
}

function addCall(t: CostTotals, call: CallRecord): void {
  const u = call.usage;
  t.calls += 1;
  t.usage.input += u.input;
  t.usage.output += u.output;
  t.usage.cacheRead += u.cacheRead;
  t.usage.cacheWrite += u.cacheWrite;
  t.usage.reasoning += u.reasoning;
  t.energyUsd += call.energyUsd ?? 0;
  if (call.costUsd === null) {
    t.unknown.calls += 1;
    t.unknown.tokens += totalInput(u) + u.output;
  } else {
    t.usd += call.costUsd;
  }
}

function mergeInto(t: CostTotals, other: CostTotals): void {
  t.calls += other.calls;
  t.usd += other.usd;
  t.unknown.calls += other.unknown.calls;
  t.unknown.tokens += other.unknown.tokens;
  t.usage.input += other.usage.input;
  t.usage.output += other.usage.output;
  t.usage.cacheRead += other.usage.cacheRead;
  t.usage.cacheWrite += other.usage.cacheWrite;
  t.usage.reasoning += other.usage.reasoning;
  t.energyUsd += other.energyUsd;
}

export function callsOf(records: readonly LedgerRecord[]): CallRecord[] {
  return records.filter(isCall);
}

export function totals(calls: readonly CallRecord[]): CostTotals {
  const t = emptyTotals();
  for (const call of calls) addCall(t, call);
  return t;
}

export type GroupBy = 'day' | 'week' | 'month' | 'tier' | 'model' | 'provider' | 'taskType';

export function providerOf(model: string): string {
  const slash = model.indexOf('/');
  return slash < 0 ? model : model.slice(0, slash);
}

export function isLocalModel(model: string): boolean {
  return model.startsWith('ollama/');
}

const KEY_OF: Record<Exclude<GroupBy, 'week' | 'month'>, (call: CallRecord) => string> = {
  day: (c) => dayOfTs(c.ts),
  tier: (c) => (c.tier === null ? 'none' : String(c.tier)),
  model: (c) => c.model,
  provider: (c) => providerOf(c.model),
  taskType: (c) => c.taskType ?? 'none',
};

function byKeyOrder(a: GroupRow, b: GroupRow): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function byUsdDesc(a: GroupRow, b: GroupRow): number {
  return b.usd - a.usd || b.calls - a.calls || byKeyOrder(a, b);
}

function group(calls: readonly CallRecord[], keyOf: (c: CallRecord) => string): GroupRow[] {
  const rows = new Map<string, GroupRow>();
  for (const call of calls) {
    const key = keyOf(call);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, ...emptyTotals() }));
    addCall(row, call);
  }
  return [...rows.values()];
}

/** Day rows rolled up (weeks, months) without touching every call again. */
function rollUp(days: readonly GroupRow[], keyOf: (day: string) => string): GroupRow[] {
  const rows = new Map<string, GroupRow>();
  for (const day of days) {
    const key = keyOf(day.key);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, ...emptyTotals() }));
    mergeInto(row, day);
  }
  return [...rows.values()].sort(byKeyOrder);
}

/**
 * Totals grouped by one dimension. Time groups (UTC day, ISO week, month) come in time order;
 * the others with the most expensive first. Tier and task type use "none" when unset.
 */
export function groupCalls(calls: readonly CallRecord[], by: GroupBy): GroupRow[] {
  if (by === 'week' || by === 'month') {
    const days = group(calls, KEY_OF.day);
    return rollUp(days, by === 'week' ? isoWeek : (day) => day.slice(0, 7));
  }
  const rows = group(calls, KEY_OF[by]);
  return rows.sort(by === 'day' ? byKeyOrder : byUsdDesc);
}

/** Every day of the month (zeros included) with its known USD: the spend chart's series. */
export function dailySeries(
  calls: readonly CallRecord[],
  month: string,
): { day: string; usd: number }[] {
  const usd = new Map<string, number>();
  for (const call of calls) {
    if (call.costUsd === null) continue;
    const day = dayOfTs(call.ts);
    usd.set(day, (usd.get(day) ?? 0) + call.costUsd);
  }
  return monthDays(month).map((day) => ({ day, usd: usd.get(day) ?? 0 }));
}

// ─── Tasks ────────────────────────────────────────────────────────────────────────────────

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
  /** Models used, in order of first use. */
  models: string[];
  lastTs: string;
}

/**
 * Every task seen in the records with the cost of all its calls, joined on the task id
 * (task ids are unique across sessions). A task's calls written in an earlier month are only
 * counted when those records are passed in too.
 */
export function taskCosts(records: readonly LedgerRecord[]): TaskCost[] {
  const tasks = new Map<string, TaskCost>();
  const ended = new Map<string, TaskRecord>();
  const get = (task: string, session: string, ts: string): TaskCost => {
    let cost = tasks.get(task);
    if (!cost) {
      cost = {
        task,
        session,
        tier: null,
        outcome: 'open',
        calls: 0,
        usd: 0,
        unknownCalls: 0,
        models: [],
        lastTs: ts,
      };
      tasks.set(task, cost);
    }
    if (ts > cost.lastTs) cost.lastTs = ts;
    return cost;
  };
  for (const record of records) {
    if (record.type === 'task') {
      get(record.task, record.session, record.ts);
      ended.set(record.task, record);
      continue;
    }
    if (record.type !== 'call') continue;
    const cost = get(record.task, record.session, record.ts);
    cost.calls += 1;
    if (record.costUsd === null) cost.unknownCalls += 1;
    else cost.usd += record.costUsd;
    if (!cost.models.includes(record.model)) cost.models.push(record.model);
    cost.taskType ??= record.taskType;
    cost.tier = record.tier;
  }
  for (const [task, end] of ended) {
    const cost = tasks.get(task)!;
    cost.outcome = end.outcome;
    cost.tier = end.tier;
    if (end.taskType) cost.taskType = end.taskType;
  }
  return [...tasks.values()];
}

/** The `count` most expensive tasks (known USD), any outcome: a costly abandoned task counts. */
export function topTasks(costs: readonly TaskCost[], count = 5): TaskCost[] {
  return [...costs]
    .sort((a, b) => b.usd - a.usd || b.calls - a.calls || (a.task < b.task ? -1 : 1))
    .slice(0, count);
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

function taskGroupKey(
  cost: TaskCost,
  by: TaskGrouping,
): Pick<CompletedTaskRow, 'key' | 'taskType' | 'tier'> {
  const taskType = cost.taskType ?? 'none';
  const tier = cost.tier;
  const tierKey = tier === null ? 'none' : String(tier);
  if (by === 'taskType') return { key: taskType, taskType };
  if (by === 'tier') return { key: tierKey, tier };
  return { key: `${taskType}/${tierKey}`, taskType, tier };
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
    const id = taskGroupKey(cost, by);
    let entry = groups.get(id.key);
    if (!entry) {
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

// ─── Shares, cache, latency ──────────────────────────────────────────────────────────────

export interface Share {
  local: number;
  total: number;
  /** local / total, null when total is 0. */
  share: number | null;
}

export interface LocalShare {
  /** A turn counts as local when its last call (the one that answered) ran locally. */
  turns: Share;
  calls: Share;
  /** Input of every kind plus output. */
  tokens: Share;
}

export function localShare(calls: readonly CallRecord[]): LocalShare {
  // Last call of each turn, by task id then turn number (task ids are unique across sessions).
  // Turn numbers are small integers, so an array per task is much cheaper than string keys.
  const turnsOfTask = new Map<string, CallRecord[]>();
  let turnCount = 0;
  let localCalls = 0;
  let localTokens = 0;
  let allTokens = 0;
  for (const call of calls) {
    let turns = turnsOfTask.get(call.task);
    if (!turns) turnsOfTask.set(call.task, (turns = []));
    const prev = turns[call.turn];
    if (!prev) turnCount += 1;
    if (!prev || call.ts >= prev.ts) turns[call.turn] = call;
    const tokens = totalInput(call.usage) + call.usage.output;
    allTokens += tokens;
    if (isLocalModel(call.model)) {
      localCalls += 1;
      localTokens += tokens;
    }
  }
  let localTurns = 0;
  for (const turns of turnsOfTask.values()) {
    for (const last of turns) if (last && isLocalModel(last.model)) localTurns += 1;
  }
  const share = (local: number, total: number): Share => ({
    local,
    total,
    share: ratio(local, total),
  });
  return {
    turns: share(localTurns, turnCount),
    calls: share(localCalls, calls.length),
    tokens: share(localTokens, allTokens),
  };
}

export interface CacheHitRate {
  /** cacheRead / all input, null with no input. */
  rate: number | null;
  cacheReadTokens: number;
  inputTokens: number;
}

/**
 * Prompt-cache hit rate of cloud calls: cache reads over all input (uncached + read + write).
 * Local calls are left out: Ollama reuses its KV cache but reports no cache tokens, so they
 * would only dilute the figure.
 */
export function cacheHitRate(calls: readonly CallRecord[]): CacheHitRate {
  let read = 0;
  let input = 0;
  for (const call of calls) {
    if (isLocalModel(call.model)) continue;
    read += call.usage.cacheRead;
    input += totalInput(call.usage);
  }
  return { rate: ratio(read, input), cacheReadTokens: read, inputTokens: input };
}

export interface LatencyRow {
  model: string;
  /** Successful calls only: errors and aborts end early and would flatter the figures. */
  calls: number;
  p50Ms: number | null;
  p90Ms: number | null;
  tokPerSecP50: number | null;
}

export function latencyByModel(calls: readonly CallRecord[]): LatencyRow[] {
  const byModel = new Map<string, { durations: number[]; speeds: number[] }>();
  for (const call of calls) {
    if (call.outcome !== 'ok') continue;
    let entry = byModel.get(call.model);
    if (!entry) byModel.set(call.model, (entry = { durations: [], speeds: [] }));
    entry.durations.push(call.durationMs);
    if (call.tokPerSec !== undefined) entry.speeds.push(call.tokPerSec);
  }
  return [...byModel]
    .map(([model, { durations, speeds }]) => {
      const sorted = sortedValues(durations);
      return {
        model,
        calls: durations.length,
        p50Ms: percentileSorted(sorted, 0.5),
        p90Ms: percentileSorted(sorted, 0.9),
        tokPerSecP50: median(speeds),
      };
    })
    .sort((a, b) => b.calls - a.calls || (a.model < b.model ? -1 : 1));
}

// ─── Projection ──────────────────────────────────────────────────────────────────────────

/** Fewer finished days than this and the projection borrows the previous month's last days. */
export const MIN_SAMPLE_DAYS = 7;

export interface Projection {
  /** Known USD so far this month. */
  spentUsd: number;
  /** Month-end spend if every remaining day is a median day. */
  p50Usd: number;
  /** Month-end spend if every remaining day is a p90 day: the tail that empties budgets. */
  p90Usd: number;
  /** With the mean day, for comparison (heavy days pull it above the median). */
  meanUsd: number;
  budgetUsd: number;
  /** The p90 projection crosses the budget. */
  willExceedBudget: boolean;
  /** Even the median projection crosses it. */
  exceedsAtP50: boolean;
  remainingDays: number;
  /** Finished days the daily distribution was taken from (0: none yet, today's spend used). */
  sampleDays: number;
  medianDayUsd: number;
  p90DayUsd: number;
}

export interface ProjectionInput {
  month: string;
  now: Date;
  budgetUsd: number;
  /** Known USD per UTC day of the month. */
  dailyUsd: Readonly<Record<string, number>>;
  /** Previous days' spend (oldest first), used while this month has few finished days. */
  history?: readonly number[];
}

/**
 * Month-end projection from the distribution of finished days (days without spend count as
 * $0 days: weekends are real). Today is unfinished, so it is in the spend but not the sample,
 * and the rest of today is projected like any other day.
 */
export function projectMonthEnd(input: ProjectionInput): Projection {
  const { month, now, budgetUsd, dailyUsd } = input;
  const days = monthDays(month);
  const current = monthOfDate(now);
  const spentUsd = days.reduce((sum, day) => sum + (dailyUsd[day] ?? 0), 0);
  let finished: string[];
  let remainingDays: number;
  if (month < current) {
    finished = days;
    remainingDays = 0;
  } else if (month > current) {
    finished = [];
    remainingDays = days.length;
  } else {
    const today = dayOfDate(now);
    finished = days.filter((day) => day < today);
    remainingDays = days.length - finished.length - dayFraction(now);
  }
  let sample = finished.map((day) => dailyUsd[day] ?? 0);
  if (sample.length < MIN_SAMPLE_DAYS && input.history?.length) {
    sample = [...input.history.slice(-(MIN_SAMPLE_DAYS - sample.length)), ...sample];
  }
  const sampleDays = sample.length;
  if (!sample.length) sample = [dailyUsd[dayOfDate(now)] ?? 0];
  const sorted = sortedValues(sample);
  const medianDayUsd = percentileSorted(sorted, 0.5) ?? 0;
  const p90DayUsd = percentileSorted(sorted, 0.9) ?? 0;
  const meanDay = sample.reduce((a, b) => a + b, 0) / sample.length;
  const p50Usd = spentUsd + medianDayUsd * remainingDays;
  const p90Usd = spentUsd + p90DayUsd * remainingDays;
  return {
    spentUsd,
    p50Usd,
    p90Usd,
    meanUsd: spentUsd + meanDay * remainingDays,
    budgetUsd,
    willExceedBudget: p90Usd > budgetUsd,
    exceedsAtP50: p50Usd > budgetUsd,
    remainingDays,
    sampleDays,
    medianDayUsd,
    p90DayUsd,
  };
}

// ─── The month in one object ─────────────────────────────────────────────────────────────

export interface MonthReportOptions {
  month: string;
  now: Date;
  budgetUsd: number;
  /** Daily USD before the month (oldest first), for the projection's early days. */
  history?: readonly number[];
}

export interface MonthReport {
  month: string;
  totals: CostTotals;
  dailySeries: { day: string; usd: number }[];
  byDay: GroupRow[];
  byWeek: GroupRow[];
  byTier: GroupRow[];
  byModel: GroupRow[];
  byProvider: GroupRow[];
  byTaskType: GroupRow[];
  perCompletedTask: CompletedTaskRow[];
  localShare: LocalShare;
  cacheHitRate: CacheHitRate;
  latency: LatencyRow[];
  projection: Projection;
  topTasks: TaskCost[];
}

/** Every report for one month. Records of other months are ignored. */
export function monthReport(
  records: readonly LedgerRecord[],
  options: MonthReportOptions,
): MonthReport {
  const { month } = options;
  const inMonth = records.filter((r) => monthOfTs(r.ts) === month);
  const calls = callsOf(inMonth);
  const byDay = groupCalls(calls, 'day');
  const dayUsd = new Map(byDay.map((row) => [row.key, row.usd]));
  const series = monthDays(month).map((day) => ({ day, usd: dayUsd.get(day) ?? 0 }));
  const dailyUsd = Object.fromEntries(series.map((d) => [d.day, d.usd]));
  const tasks = taskCosts(inMonth);
  return {
    month,
    totals: totals(calls),
    dailySeries: series,
    byDay,
    byWeek: rollUp(byDay, isoWeek),
    byTier: groupCalls(calls, 'tier'),
    byModel: groupCalls(calls, 'model'),
    byProvider: groupCalls(calls, 'provider'),
    byTaskType: groupCalls(calls, 'taskType'),
    perCompletedTask: perCompletedTask(tasks),
    localShare: localShare(calls),
    cacheHitRate: cacheHitRate(calls),
    latency: latencyByModel(calls),
    projection: projectMonthEnd({
      month,
      now: options.now,
      budgetUsd: options.budgetUsd,
      dailyUsd,
      history: options.history,
    }),
    topTasks: topTasks(tasks),
  };
}
