import type { CallRecord, LedgerRecord, TaskRecord } from '../core/records.js';
import type { TaskOutcome, TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { totalInput, type Usage } from '../core/usage.js';
import { isCall } from './spend.js';
import { NumberList, percentiles, percentileSorted, ratio, sortedValues } from './stats.js';
import {
  dayFraction,
  dayOfDate,
  dayOfTs,
  isoInMonth,
  isoWeek,
  monthDays,
  monthOfDate,
  utcIso,
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
export function rollUp(days: readonly GroupRow[], keyOf: (day: string) => string): GroupRow[] {
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

function newTaskCost(task: string, session: string, ts: string): TaskCost {
  return {
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
}

/**
 * `newTaskCost` for a task first seen by one of its calls, already holding what addTaskCall
 * would add for it (same keys, same order). Built whole, the object gets all its fields at
 * once instead of growing a second store for `taskType` and an array for `models`.
 */
function newTaskCostOfCall(call: CallRecord): TaskCost {
  return {
    task: call.task,
    session: call.session,
    tier: null,
    outcome: 'open',
    calls: 0,
    usd: 0,
    unknownCalls: 0,
    models: [call.model],
    lastTs: call.ts,
    taskType: call.taskType,
  };
}

function addTaskCall(cost: TaskCost, call: CallRecord): void {
  cost.calls += 1;
  if (call.costUsd === null) cost.unknownCalls += 1;
  else cost.usd += call.costUsd;
  if (!cost.models.includes(call.model)) cost.models.push(call.model);
  cost.taskType ??= call.taskType;
  cost.tier = call.tier;
}

/** The TaskRecord has the last word on how the task ended and on which tier. */
function endTask(cost: TaskCost, end: TaskRecord): void {
  cost.outcome = end.outcome;
  cost.tier = end.tier;
  if (end.taskType) cost.taskType = end.taskType;
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
    if (!cost) tasks.set(task, (cost = newTaskCost(task, session, ts)));
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
    addTaskCall(get(record.task, record.session, record.ts), record);
  }
  for (const [task, end] of ended) endTask(tasks.get(task)!, end);
  return [...tasks.values()];
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
  return {
    turns: share(localTurns, turnCount),
    calls: share(localCalls, calls.length),
    tokens: share(localTokens, allTokens),
  };
}

function share(local: number, total: number): Share {
  return { local, total, share: ratio(local, total) };
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

function latencyRow(
  model: string,
  durations: ArrayLike<number>,
  speeds: ArrayLike<number>,
): LatencyRow {
  const [p50Ms = null, p90Ms = null] = percentiles(durations, [0.5, 0.9]);
  return {
    model,
    calls: durations.length,
    p50Ms,
    p90Ms,
    tokPerSecP50: percentiles(speeds, [0.5])[0] ?? null,
  };
}

function byCallsDesc(a: LatencyRow, b: LatencyRow): number {
  return b.calls - a.calls || (a.model < b.model ? -1 : 1);
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
    .map(([model, { durations, speeds }]) => latencyRow(model, durations, speeds))
    .sort(byCallsDesc);
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

interface ModelEntry {
  row: GroupRow;
  provider: GroupRow;
  local: boolean;
  /** Successful calls' durations and speeds, for the latency table. */
  durations: NumberList;
  speeds: NumberList;
}

interface TaskEntry {
  cost: TaskCost;
  end: TaskRecord | undefined;
  /**
   * Per turn number, the timestamp of the turn's last call so far, and whether it ran locally
   * (see localShare): kept instead of the call itself, so a streamed month keeps no records.
   * The flags of turns below TURN_BITS are bits of `localBits` rather than one more array per
   * task: fewer objects for the collector to move while a month is streamed.
   */
  lastTs: string[] | undefined;
  localBits: number;
  localHigh: boolean[] | undefined;
}

const TURN_BITS = 30;

function hasBit(turn: number): boolean {
  return turn >>> 0 === turn && turn < TURN_BITS;
}

function isLocalTurn(task: TaskEntry, turn: number): boolean {
  return hasBit(turn) ? (task.localBits & (1 << turn)) !== 0 : task.localHigh?.[turn] === true;
}

function setLocalTurn(task: TaskEntry, turn: number, local: boolean): void {
  if (!hasBit(turn)) (task.localHigh ??= [])[turn] = local;
  else if (local) task.localBits |= 1 << turn;
  else task.localBits &= ~(1 << turn);
}

function rowOf(rows: Map<string, GroupRow>, key: string): GroupRow {
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { key, ...emptyTotals() }));
  return row;
}

function digitAt(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * Every report for one month, built one record at a time: `add` each record (records of other
 * months are ignored), then `build` once. What `monthReport` does over an array, and
 * what a streamed read does as each line is parsed, so no array of records is ever needed.
 *
 * It gives exactly what filtering the month and calling totals, groupCalls, taskCosts,
 * localShare, cacheHitRate and latencyByModel one after the other gives (the test suite
 * checks it does), in one walk over the records: for a month of 100,000 records the separate
 * passes, each with its own string keys and maps, cost ~3 times as much. Calls are added in
 * record order, as the separate passes do, so even the float sums come out bit for bit equal.
 */
export class MonthReportBuilder {
  private readonly all = emptyTotals();
  private readonly days = new Map<string, GroupRow>();
  /** Day rows by the day-of-month digits, so the common case needs no key string per call. */
  private readonly dayByNumber: (GroupRow | undefined)[] = [];
  private readonly tiers = new Map<string, GroupRow>();
  /** Tier rows by tier number + 1 ('none' at 0), for the same reason. */
  private readonly tierByNumber: (GroupRow | undefined)[] = [];
  private readonly models = new Map<string, ModelEntry>();
  private readonly providers = new Map<string, GroupRow>();
  private readonly taskTypes = new Map<string, GroupRow>();
  private readonly tasks = new Map<string, TaskEntry>();
  private turnCount = 0;
  private localTurns = 0;
  private localCalls = 0;
  private localTokens = 0;
  private allTokens = 0;
  private cacheRead = 0;
  private cloudInput = 0;

  constructor(private readonly options: MonthReportOptions) {}

  add(record: LedgerRecord): void {
    const iso = utcIso(record.ts);
    if (!isoInMonth(iso, this.options.month)) return;
    if (record.type === 'task') {
      this.taskEntry(record).end = record;
      return;
    }
    if (record.type !== 'call') return;
    const call = record;
    const usage = call.usage;
    const model = this.modelEntry(call.model);

    addCall(this.all, call);
    addCall(this.dayRow(iso), call);
    addCall(this.tierRow(call.tier), call);
    addCall(model.row, call);
    addCall(model.provider, call);
    addCall(rowOf(this.taskTypes, call.taskType ?? 'none'), call);

    const task = this.taskEntry(call);
    addTaskCall(task.cost, call);
    // The turn's last call so far decides whether it counts as local (as in localShare).
    const lastTs = (task.lastTs ??= []);
    const turn = call.turn;
    const prevTs = lastTs[turn];
    if (prevTs === undefined || call.ts >= prevTs) {
      if (prevTs === undefined) this.turnCount += 1;
      else if (isLocalTurn(task, turn)) this.localTurns -= 1;
      if (model.local) this.localTurns += 1;
      lastTs[turn] = call.ts;
      setLocalTurn(task, turn, model.local);
    }

    const tokens = totalInput(usage) + usage.output;
    this.allTokens += tokens;
    if (model.local) {
      this.localCalls += 1;
      this.localTokens += tokens;
    } else {
      this.cacheRead += usage.cacheRead;
      this.cloudInput += totalInput(usage);
    }
    if (call.outcome === 'ok') {
      model.durations.push(call.durationMs);
      if (call.tokPerSec !== undefined) model.speeds.push(call.tokPerSec);
    }
  }

  build(): MonthReport {
    const { month } = this.options;
    const costs: TaskCost[] = [];
    for (const { cost, end } of this.tasks.values()) {
      if (end) endTask(cost, end);
      costs.push(cost);
    }
    const byDay = [...this.days.values()].sort(byKeyOrder);
    const byUsd = (rows: Iterable<GroupRow>): GroupRow[] => [...rows].sort(byUsdDesc);
    const modelEntries = [...this.models.values()];
    const latency: LatencyRow[] = [];
    for (const entry of modelEntries) {
      if (entry.durations.length > 0) {
        latency.push(latencyRow(entry.row.key, entry.durations.values(), entry.speeds.values()));
      }
    }
    const dayUsd = new Map(byDay.map((row) => [row.key, row.usd]));
    const series = monthDays(month).map((day) => ({ day, usd: dayUsd.get(day) ?? 0 }));
    const dailyUsd = Object.fromEntries(series.map((d) => [d.day, d.usd]));
    return {
      month,
      totals: this.all,
      dailySeries: series,
      byDay,
      byWeek: rollUp(byDay, isoWeek),
      byTier: byUsd(this.tiers.values()),
      byModel: byUsd(modelEntries.map((entry) => entry.row)),
      byProvider: byUsd(this.providers.values()),
      byTaskType: byUsd(this.taskTypes.values()),
      perCompletedTask: perCompletedTask(costs),
      localShare: {
        turns: share(this.localTurns, this.turnCount),
        calls: share(this.localCalls, this.all.calls),
        tokens: share(this.localTokens, this.allTokens),
      },
      cacheHitRate: {
        rate: ratio(this.cacheRead, this.cloudInput),
        cacheReadTokens: this.cacheRead,
        inputTokens: this.cloudInput,
      },
      latency: latency.sort(byCallsDesc),
      projection: projectMonthEnd({
        month,
        now: this.options.now,
        budgetUsd: this.options.budgetUsd,
        dailyUsd,
        history: this.options.history,
      }),
      topTasks: topTasks(costs),
    };
  }

  private taskEntry(record: CallRecord | TaskRecord): TaskEntry {
    let entry = this.tasks.get(record.task);
    if (!entry) {
      entry = {
        cost:
          record.type === 'call'
            ? newTaskCostOfCall(record)
            : newTaskCost(record.task, record.session, record.ts),
        end: undefined,
        lastTs: undefined,
        localBits: 0,
        localHigh: undefined,
      };
      this.tasks.set(record.task, entry);
    }
    if (record.ts > entry.cost.lastTs) entry.cost.lastTs = record.ts;
    return entry;
  }

  private dayRow(iso: string): GroupRow {
    const tens = digitAt(iso, 8);
    const ones = digitAt(iso, 9);
    if (this.options.month.length !== 7 || iso.charCodeAt(7) !== 45 || tens < 0 || ones < 0) {
      return rowOf(this.days, iso.slice(0, 10));
    }
    // In the month, the key is the month, '-' and these two digits: the same row every time.
    return (this.dayByNumber[tens * 10 + ones] ??= rowOf(this.days, iso.slice(0, 10)));
  }

  private tierRow(tier: Tier | null): GroupRow {
    const n = tier === null ? 0 : tier + 1;
    return (this.tierByNumber[n] ??= rowOf(this.tiers, tier === null ? 'none' : String(tier)));
  }

  private modelEntry(model: string): ModelEntry {
    let entry = this.models.get(model);
    if (!entry) {
      entry = {
        row: { key: model, ...emptyTotals() },
        provider: rowOf(this.providers, providerOf(model)),
        local: isLocalModel(model),
        durations: new NumberList(),
        speeds: new NumberList(),
      };
      this.models.set(model, entry);
    }
    return entry;
  }
}

/** Every report for one month. Records of other months are ignored. */
export function monthReport(
  records: readonly LedgerRecord[],
  options: MonthReportOptions,
): MonthReport {
  const builder = new MonthReportBuilder(options);
  for (const record of records) builder.add(record);
  return builder.build();
}
