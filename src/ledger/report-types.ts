import type { CostTotals, GroupRow } from './totals.js';
import type { CompletedTaskRow, TaskCost } from './task-costs.js';
import type { Projection } from './projection.js';
import { percentiles, ratio } from './stats.js';

/** The month report's parts that are not plain group rows, and the report itself. */

export interface Share {
  local: number;
  total: number;
  /** local / total, null when total is 0. */
  share: number | null;
}

/** Of the calls that answer turns: the model classifier's calls (role `classifier`) are left out. */
export interface LocalShare {
  /** A turn counts as local when its last call (the one that answered) ran locally. */
  turns: Share;
  calls: Share;
  /** Input of every kind plus output. */
  tokens: Share;
}

export function share(local: number, total: number): Share {
  return { local, total, share: ratio(local, total) };
}

/**
 * Prompt-cache hit rate of cloud calls: cache reads over all input (uncached + read + write).
 * Local calls are left out: Ollama reuses its KV cache but reports no cache tokens, so they
 * would only dilute the figure.
 */
export interface CacheHitRate {
  /** cacheRead / all input, null with no input. */
  rate: number | null;
  cacheReadTokens: number;
  inputTokens: number;
}

/**
 * The semantic answer cache: turns answered from it (`cache_hit` records) beside the turns a
 * model answered. Its saving is the original answers' price, not money the month spent.
 */
export interface SemanticCacheReport {
  hits: number;
  /** Turns a model answered (as LocalShare.turns counts them). */
  modelTurns: number;
  /** hits / (hits + modelTurns), null with no turn at all. */
  rate: number | null;
  /** Sum of the priced hits' savings. */
  savedUsd: number;
  /** Hits whose original answer had no known price: their saving is not in savedUsd. */
  unpricedHits: number;
}

export function semanticCacheReport(
  hits: number,
  modelTurns: number,
  savedUsd: number,
  unpricedHits: number,
): SemanticCacheReport {
  return { hits, modelTurns, rate: ratio(hits, hits + modelTurns), savedUsd, unpricedHits };
}

export interface LatencyRow {
  model: string;
  /** Successful calls only: errors and aborts end early and would flatter the figures. */
  calls: number;
  p50Ms: number | null;
  p90Ms: number | null;
  tokPerSecP50: number | null;
}

export function latencyRow(
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

export function byCallsDesc(a: LatencyRow, b: LatencyRow): number {
  return b.calls - a.calls || (a.model < b.model ? -1 : 1);
}

/** A call whose provider-billed cost and the price table's differ by more than 5 %. */
export interface BilledDisagreementRow {
  ts: string;
  task: string;
  model: string;
  /** What was booked. */
  costUsd: number | null;
  reportedUsd: number;
  tableUsd: number;
}

/** Over this relative gap, a billed cost and the price table disagree (issue 13). */
export const DISAGREEMENT_THRESHOLD = 0.05;

/**
 * Whether a recorded disagreement is over the threshold, measured against the price table (the
 * judge wherever the provider does not document its billed cost). A writer may keep smaller ones.
 */
export function disagrees(d: { reportedUsd: number; tableUsd: number }): boolean {
  const gap = Math.abs(d.reportedUsd - d.tableUsd);
  return d.tableUsd > 0 ? gap / d.tableUsd > DISAGREEMENT_THRESHOLD : gap > 0;
}

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
  semanticCache: SemanticCacheReport;
  latency: LatencyRow[];
  projection: Projection;
  topTasks: TaskCost[];
  /** Calls whose billed cost disagrees with the price table, in record order (`costs --check`). */
  billedDisagreements: BilledDisagreementRow[];
}
