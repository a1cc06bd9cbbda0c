import type { DelegationSummary } from './delegation.js';
import type { PriceOverride } from '../config/schema.js';
import type { LedgerRecord } from '../core/records.js';
import { TIER_NAMES, TIERS, type Tier } from '../core/tier.js';
import { budgetState, type BudgetConfig, type BudgetState } from './budget.js';
import {
  type CacheHitRate,
  type GroupRow,
  type LocalShare,
  type MonthReport,
  type Projection,
  type TaskCost,
  type UnknownCost,
} from './reports.js';
import { monthSummaryBuilder } from './summary.js';
import type { WhatIfResult } from './whatif.js';

/** The grouping the costs screen (and `kirikae costs --by`) offers. */
export type CostsGrouping = 'day' | 'tier' | 'model' | 'task';

export interface CostsScreenOptions {
  month: string;
  by: CostsGrouping;
  budgetUsd: number;
  now: Date;
  dailySoftUsd?: number;
  warnAt?: readonly number[];
  action?: BudgetConfig['action'];
  /** What-if model for the savings line (callers pass whatIfModelOf(config.tiers)). */
  whatIfModel?: string;
  overrides?: Record<string, PriceOverride>;
  /** Daily USD before the month, oldest first (projection in the first days of a month). */
  history?: readonly number[];
}

export interface TierBar {
  tier: Tier | null;
  name: string;
  usd: number;
  /** Share of the month's known USD, 0..1 (0 when nothing was spent). */
  share: number;
  calls: number;
  unknownCalls: number;
  /** Calls with estimated usage (interrupted streams): the USD is approximate, shown "~". */
  estimatedCalls: number;
}

/** Everything the TUI costs screen draws, in plain data. */
export interface CostsScreenData {
  month: string;
  budget: BudgetState;
  /** Every day of the month with its known USD. */
  daily: { day: string; usd: number }[];
  by: CostsGrouping;
  /** The rows of `by`. */
  groups: GroupRow[];
  /** Every grouping's rows, so switching the grouping needs no new read of the month. */
  groupsBy: Record<CostsGrouping, GroupRow[]>;
  tiers: TierBar[];
  savings: WhatIfResult;
  localShare: LocalShare;
  cacheHitRate: CacheHitRate;
  projection: Projection;
  topTasks: TaskCost[];
  /** Unpriced calls: shown as "?", never as $0. */
  unknown: UnknownCost;
  /** Calls with estimated usage (interrupted streams) in the month. */
  estimated: number;
  energyUsd: number;
  /** Planner, executor, the re-read overhead and the verdicts; absent without delegation. */
  delegation?: DelegationSummary;
}

/**
 * The month's figures for the costs screen from records already in memory (tests, small
 * sets); the screen itself reads the month streamed (`readCostsScreenData` in month.ts).
 */
export function costsScreenData(
  records: readonly LedgerRecord[],
  options: CostsScreenOptions,
): CostsScreenData {
  const summary = monthSummaryBuilder(options);
  for (const record of records) summary.add(record);
  const { report, whatIf } = summary.build();
  return costsScreenDataOf(report, whatIf, options);
}

/** The screen's figures from the month's report and what-if (however they were computed). */
export function costsScreenDataOf(
  report: MonthReport,
  savings: WhatIfResult,
  options: CostsScreenOptions,
): CostsScreenData {
  const { month } = options;
  const total = report.totals.usd;
  const byTier = new Map(report.byTier.map((row) => [row.key, row]));
  // Every tier gets a bar, spent or not, so the bars do not jump around between months.
  const tiers: TierBar[] = [...TIERS, null].flatMap((tier) => {
    const row = byTier.get(tier === null ? 'none' : String(tier));
    if (tier === null && !row) return [];
    return [
      {
        tier,
        name: tier === null ? 'unrouted' : TIER_NAMES[tier],
        usd: row?.usd ?? 0,
        share: total > 0 ? (row?.usd ?? 0) / total : 0,
        calls: row?.calls ?? 0,
        unknownCalls: row?.unknown.calls ?? 0,
        estimatedCalls: row?.estimated ?? 0,
      },
    ];
  });
  const budget = budgetState(
    {
      month,
      spentUsd: total,
      unknownCostCalls: report.totals.unknown.calls,
      dailyUsd: Object.fromEntries(report.dailySeries.map((d) => [d.day, d.usd])),
    },
    {
      monthlyUsd: options.budgetUsd,
      dailySoftUsd: options.dailySoftUsd,
      action: options.action ?? 'ask',
      warnAt: [...(options.warnAt ?? [0.5, 0.8, 0.95])],
    },
    options.now,
  );
  return {
    month,
    budget,
    daily: report.dailySeries,
    by: options.by,
    groups: groupRows(report, options.by),
    groupsBy: {
      day: report.byDay,
      tier: report.byTier,
      model: report.byModel,
      task: report.byTaskType,
    },
    tiers,
    savings,
    localShare: report.localShare,
    cacheHitRate: report.cacheHitRate,
    projection: report.projection,
    topTasks: report.topTasks,
    unknown: report.totals.unknown,
    estimated: report.totals.estimated,
    energyUsd: report.totals.energyUsd,
  };
}

/** The report already holds every grouping the screen offers (the oracle's groupCalls rows). */
export function groupRows(report: MonthReport, by: CostsGrouping): GroupRow[] {
  switch (by) {
    case 'day':
      return report.byDay;
    case 'tier':
      return report.byTier;
    case 'model':
      return report.byModel;
    case 'task':
      return report.byTaskType;
  }
}
