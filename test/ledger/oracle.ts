import type { CallRecord, LedgerRecord, TaskRecord } from '../../src/core/records.js';
import { totalInput } from '../../src/core/usage.js';
import {
  addCall,
  addTaskCall,
  byCallsDesc,
  byKeyOrder,
  byUsdDesc,
  disagrees,
  emptyTotals,
  endTask,
  isLocalModel,
  latencyRow,
  newTaskCost,
  perCompletedTask,
  projectMonthEnd,
  providerOf,
  rollUp,
  semanticCacheReport,
  share,
  topTasks,
  type BilledDisagreementRow,
  type CacheHitRate,
  type CostTotals,
  type GroupBy,
  type GroupRow,
  type LatencyRow,
  type LocalShare,
  type MonthReport,
  type MonthReportOptions,
  type SemanticCacheReport,
  type TaskCost,
} from '../../src/ledger/reports.js';
import { ratio } from '../../src/ledger/stats.js';
import { dayOfTs, isoWeek, monthDays, monthOfTs } from '../../src/ledger/time.js';

/*
 * The reference definition of the month report: filter the month, then one plain pass over
 * the records per report, written for clarity, not speed. The production builder
 * (src/ledger/report-builder.ts) folds everything in one walk as records are parsed; the tests
 * check it gives exactly this, floats included (calls are summed in the same order).
 */

export function callsOf(records: readonly LedgerRecord[]): CallRecord[] {
  return records.filter((r): r is CallRecord => r.type === 'call');
}

export function totals(calls: readonly CallRecord[]): CostTotals {
  const t = emptyTotals();
  for (const call of calls) addCall(t, call);
  return t;
}

const KEY_OF: Record<Exclude<GroupBy, 'week' | 'month'>, (call: CallRecord) => string> = {
  day: (c) => dayOfTs(c.ts),
  tier: (c) => (c.tier === null ? 'none' : String(c.tier)),
  model: (c) => c.model,
  provider: (c) => providerOf(c.model),
  taskType: (c) => c.taskType ?? 'none',
};

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

/** Time groups in time order; the others most expensive first. */
export function groupCalls(calls: readonly CallRecord[], by: GroupBy): GroupRow[] {
  if (by === 'week' || by === 'month') {
    // Days in calendar order, as the report rolls them up: a messy ledger's first-seen order
    // would sum the same floats in another order.
    const days = group(calls, KEY_OF.day).sort(byKeyOrder);
    return rollUp(days, by === 'week' ? isoWeek : (day) => day.slice(0, 7));
  }
  return group(calls, KEY_OF[by]).sort(by === 'day' ? byKeyOrder : byUsdDesc);
}

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
    } else if (record.type === 'call') {
      addTaskCall(get(record.task, record.session, record.ts), record);
    }
  }
  for (const [task, end] of ended) endTask(tasks.get(task)!, end);
  return [...tasks.values()];
}

export function localShare(all: readonly CallRecord[]): LocalShare {
  // The model classifier's calls route turns; they are not part of the share.
  const calls = all.filter((c) => c.role !== 'classifier');
  // The last call of each turn (task ids are unique across sessions) decides the turn.
  const lastOfTurn = new Map<string, CallRecord>();
  let localCalls = 0;
  let localTokens = 0;
  let allTokens = 0;
  for (const call of calls) {
    const key = `${call.task}\u0000${call.turn}`;
    const prev = lastOfTurn.get(key);
    if (!prev || call.ts >= prev.ts) lastOfTurn.set(key, call);
    const tokens = totalInput(call.usage) + call.usage.output;
    allTokens += tokens;
    if (isLocalModel(call.model)) {
      localCalls += 1;
      localTokens += tokens;
    }
  }
  const localTurns = [...lastOfTurn.values()].filter((c) => isLocalModel(c.model)).length;
  return {
    turns: share(localTurns, lastOfTurn.size),
    calls: share(localCalls, calls.length),
    tokens: share(localTokens, allTokens),
  };
}

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

/** Cache hits against the turns a model answered (distinct task and turn of the calls). */
export function semanticCache(
  records: readonly LedgerRecord[],
  calls: readonly CallRecord[],
): SemanticCacheReport {
  const hits = records.filter((r) => r.type === 'cache_hit');
  // As LocalShare.turns counts them: a turn the model classifier alone touched is not one.
  const answered = calls.filter((c) => c.role !== 'classifier');
  const turns = new Set(answered.map((c) => `${c.task}\u0000${c.turn}`));
  let saved = 0;
  for (const hit of hits) saved += hit.savedUsd ?? 0;
  const unpriced = hits.filter((h) => h.savedUsd === null).length;
  return semanticCacheReport(hits.length, turns.size, saved, unpriced);
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

export function billedDisagreements(calls: readonly CallRecord[]): BilledDisagreementRow[] {
  return calls.flatMap((c) =>
    c.billedDisagreement && disagrees(c.billedDisagreement)
      ? [{ ts: c.ts, task: c.task, model: c.model, costUsd: c.costUsd, ...c.billedDisagreement }]
      : [],
  );
}

/** The month report by definition: what the builder must equal. */
export function oracleMonthReport(
  records: readonly LedgerRecord[],
  options: MonthReportOptions,
): MonthReport {
  const { month } = options;
  const inMonth = records.filter((r) => monthOfTs(r.ts) === month);
  const calls = callsOf(inMonth);
  const byDay = groupCalls(calls, 'day');
  const series = dailySeries(calls, month);
  const tasks = taskCosts(inMonth);
  return {
    month,
    totals: totals(calls),
    dailySeries: series,
    byDay,
    byWeek: groupCalls(calls, 'week'),
    byTier: groupCalls(calls, 'tier'),
    byModel: groupCalls(calls, 'model'),
    byProvider: groupCalls(calls, 'provider'),
    byTaskType: groupCalls(calls, 'taskType'),
    perCompletedTask: perCompletedTask(tasks),
    localShare: localShare(calls),
    cacheHitRate: cacheHitRate(calls),
    semanticCache: semanticCache(inMonth, calls),
    latency: latencyByModel(calls),
    projection: projectMonthEnd({
      month,
      now: options.now,
      budgetUsd: options.budgetUsd,
      dailyUsd: Object.fromEntries(series.map((d) => [d.day, d.usd])),
      history: options.history,
    }),
    topTasks: topTasks(tasks),
    billedDisagreements: billedDisagreements(calls),
  };
}
