import type { PriceOverride } from '../config/schema.js';
import { MonthReportBuilder, type MonthReport, type MonthReportOptions } from './reports.js';
import { costsScreenDataOf, type CostsScreenData, type CostsScreenOptions } from './screen.js';
import { scanLedgerMonth } from './store.js';
import { dayOfTs, monthDays, tsInMonth } from './time.js';
import { DEFAULT_WHATIF_MODEL, whatIfModelTally, type WhatIfResult } from './whatif.js';

export interface MonthSummaryOptions extends MonthReportOptions {
  /** Model for the what-if saving (default Opus 4.6). */
  whatIfModel?: string;
  /** The user's price overrides (config `prices`). */
  overrides?: Record<string, PriceOverride>;
}

export interface MonthSummary {
  report: MonthReport;
  /** The month's calls priced on the what-if model. */
  whatIf: WhatIfResult;
  /** Corrupted lines skipped in the month's file. */
  skipped: number;
}

/**
 * The month report and the what-if saving straight from the month's file: each record is
 * folded into both as soon as it is parsed, and then dropped. The same figures as
 * readLedgerMonth → monthReport → whatIfModel on the month's calls (the tests check it), in
 * less time and a fraction of the memory, since no array of 100,000 records is ever built.
 */
export async function readMonthSummary(
  dir: string,
  options: MonthSummaryOptions,
): Promise<MonthSummary> {
  const { month } = options;
  const report = new MonthReportBuilder(options);
  const whatIf = whatIfModelTally(options.whatIfModel ?? DEFAULT_WHATIF_MODEL, {
    overrides: options.overrides,
  });
  const { skipped } = await scanLedgerMonth(dir, month, (record) => {
    report.add(record);
    if (record.type === 'call' && tsInMonth(record.ts, month)) whatIf.add(record);
  });
  return { report: report.build(), whatIf: whatIf.result(), skipped };
}

/** `costsScreenData` for one month, streamed from its file like `readMonthSummary`. */
export async function readCostsScreenData(
  dir: string,
  options: CostsScreenOptions,
): Promise<{ data: CostsScreenData; skipped: number }> {
  const { report, whatIf, skipped } = await readMonthSummary(dir, options);
  return { data: costsScreenDataOf(report, whatIf, options), skipped };
}

/**
 * Known USD of every day of `month` (zeros included), streamed from its file: the same as
 * `dailySeries(callsOf(records), month)` after readLedgerMonth, for the projection's history.
 */
export async function readDailyUsd(dir: string, month: string): Promise<number[]> {
  const usd = new Map<string, number>();
  await scanLedgerMonth(dir, month, (record) => {
    if (record.type !== 'call' || record.costUsd === null) return;
    const day = dayOfTs(record.ts);
    usd.set(day, (usd.get(day) ?? 0) + record.costUsd);
  });
  return monthDays(month).map((day) => usd.get(day) ?? 0);
}
