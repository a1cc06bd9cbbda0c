import { percentileSorted, sortedValues } from './stats.js';
import { dayFraction, dayOfDate, monthDays, monthOfDate } from './time.js';

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
