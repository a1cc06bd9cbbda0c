import type { PriceOverride } from '../config/schema.js';
import type { LedgerRecord } from '../core/records.js';
import { MonthReportBuilder, type MonthReport, type MonthReportOptions } from './reports.js';
import type { MonthReportState } from './report-builder.js';
import { tsInMonth } from './time.js';
import { DEFAULT_WHATIF_MODEL, whatIfModelTally, type WhatIfResult } from './whatif.js';

export interface MonthSummaryOptions extends MonthReportOptions {
  /** Model for the what-if saving (callers pass whatIfModelOf(config.tiers)). */
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

export interface MonthSummaryBuilder {
  /** Folds one record in (records of other months are ignored); keeps no reference to it. */
  add(record: LedgerRecord): void;
  build(skipped?: number): MonthSummary;
  /** The fold so far, for a checkpoint (shares objects: serialize it before the next add). */
  snapshot(): MonthSummaryState;
}

export interface MonthSummaryState {
  report: MonthReportState;
  whatIf: number[];
}

/** The month report and the what-if saving, built one record at a time. */
export function monthSummaryBuilder(
  options: MonthSummaryOptions,
  state?: MonthSummaryState,
): MonthSummaryBuilder {
  const { month } = options;
  const report = new MonthReportBuilder(options, state?.report);
  const whatIf = whatIfModelTally(options.whatIfModel ?? DEFAULT_WHATIF_MODEL, {
    overrides: options.overrides,
  });
  if (state) whatIf.restore(state.whatIf);
  return {
    snapshot: () => ({ report: report.snapshot(), whatIf: whatIf.snapshot() }),
    add(record) {
      report.add(record);
      if (record.type === 'call' && tsInMonth(record.ts, month)) whatIf.add(record);
    },
    build: (skipped = 0) => ({ report: report.build(), whatIf: whatIf.result(), skipped }),
  };
}
