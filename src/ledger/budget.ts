import type { Config } from '../config/schema.js';
import { dayOfDate } from './time.js';

/** Budget figures as the config holds them. */
export type BudgetConfig = Config['budget'];

/** The part of a month's spend the budget looks at (a `MonthSpend` fits). */
export interface SpendInput {
  month: string;
  spentUsd: number;
  unknownCostCalls: number;
  /** Known USD per UTC day. */
  dailyUsd: Readonly<Record<string, number>>;
}

export interface DailyCapState {
  todayUsd: number;
  /** Unset when no daily soft cap is configured. */
  softCapUsd: number | null;
  fraction: number | null;
  exceeded: boolean;
}

export interface BudgetState {
  month: string;
  spentUsd: number;
  /** Calls with no known price: the real spend is higher by an unknown amount. */
  unknownCostCalls: number;
  budgetUsd: number;
  /** spent / budget. A zero budget counts as full (1) as soon as anything is spent. */
  fraction: number;
  remainingUsd: number;
  /** The highest `warnAt` threshold crossed (0.5, 0.8, 0.95 by default), or null. */
  warnLevel: number | null;
  exceeded: boolean;
  action: BudgetConfig['action'];
  daily: DailyCapState;
}

function fractionOf(spent: number, budget: number): number {
  if (budget > 0) return spent / budget;
  return spent > 0 ? 1 : 0;
}

/** The highest threshold at or below `fraction`, or null. */
export function warnLevelOf(fraction: number, warnAt: readonly number[]): number | null {
  let level: number | null = null;
  for (const threshold of warnAt) {
    if (fraction >= threshold && (level === null || threshold > level)) level = threshold;
  }
  return level;
}

/**
 * Thresholds crossed going from `before` to `after` (fractions), lowest first: the status bar
 * shows each warning once, when it is crossed, not on every turn.
 */
export function crossedLevels(before: number, after: number, warnAt: readonly number[]): number[] {
  return warnAt.filter((t) => before < t && after >= t).sort((a, b) => a - b);
}

/** Budget state for a month, as seen at `now` (used for "today" of the daily soft cap). */
export function budgetState(spend: SpendInput, budget: BudgetConfig, now: Date): BudgetState {
  const fraction = fractionOf(spend.spentUsd, budget.monthlyUsd);
  const todayUsd = spend.dailyUsd[dayOfDate(now)] ?? 0;
  const softCap = budget.dailySoftUsd ?? null;
  return {
    month: spend.month,
    spentUsd: spend.spentUsd,
    unknownCostCalls: spend.unknownCostCalls,
    budgetUsd: budget.monthlyUsd,
    fraction,
    remainingUsd: Math.max(0, budget.monthlyUsd - spend.spentUsd),
    warnLevel: warnLevelOf(fraction, budget.warnAt),
    exceeded: spend.spentUsd > budget.monthlyUsd || (budget.monthlyUsd === 0 && fraction >= 1),
    action: budget.action,
    daily: {
      todayUsd,
      softCapUsd: softCap,
      fraction: softCap === null ? null : fractionOf(todayUsd, softCap),
      exceeded: softCap !== null && todayUsd > softCap,
    },
  };
}

export interface SpendCheck {
  /** The call would take the month past its budget. */
  overMonthly: boolean;
  /** The call would take today past the daily soft cap. */
  overDaily: boolean;
  /** Budget left after the call (never below 0). */
  remainingAfterUsd: number;
}

/** What the router's guard asks before a paid call: would spending `usd` more cross a line? */
export function checkSpend(state: BudgetState, usd: number): SpendCheck {
  const daily = state.daily;
  return {
    overMonthly: state.spentUsd + usd > state.budgetUsd,
    overDaily: daily.softCapUsd !== null && daily.todayUsd + usd > daily.softCapUsd,
    remainingAfterUsd: Math.max(0, state.budgetUsd - state.spentUsd - usd),
  };
}
