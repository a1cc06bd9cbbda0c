import { costsScreenDataOf, type CostsScreenData, type CostsScreenOptions } from './screen.js';
import { priceCurve, type PriceCurve } from '../catalog/price-curve.js';
import { parseModelRef } from '../core/model-ref.js';
import type { LedgerRecord } from '../core/records.js';
import { foldMonth } from './checkpoint.js';
import { delegationBooks, delegationSummary, type BooksState } from './delegation.js';
import {
  monthSummaryBuilder,
  type MonthSummary,
  type MonthSummaryOptions,
  type MonthSummaryState,
} from './summary.js';
import { MIN_SAMPLE_DAYS } from './projection.js';
import { DEFAULT_WHATIF_MODEL } from './whatif.js';
import { addMonths, dayOfTs, monthDays, monthOfDate, tsInMonth } from './time.js';

export type { MonthSummary, MonthSummaryOptions } from './summary.js';

/**
 * The month report and the what-if saving straight from the month's file: each record is
 * folded into both as soon as it is parsed, and then dropped. The same figures as
 * a records array folded through monthSummaryBuilder (the tests check it), in
 * less time and a fraction of the memory, since no array of 100,000 records is ever built.
 */
export async function readMonthSummary(
  dir: string,
  options: MonthSummaryOptions,
): Promise<MonthSummary> {
  const { fold, skipped } = await foldMonth(
    dir,
    options.month,
    { kind: 'summary', depends: summaryDepends(options) },
    (state: MonthSummaryState | undefined) => monthSummaryBuilder(options, state),
  );
  return fold.build(skipped);
}

/**
 * `costsScreenData` for one month, streamed from its file like `readMonthSummary`: what the
 * costs screen's port calls. Without `history`, the previous month's days are read when the
 * projection needs them (see projectionHistory).
 */
export async function readCostsScreenData(
  dir: string,
  options: CostsScreenOptions,
): Promise<{ data: CostsScreenData; skipped: number }> {
  const history = options.history ?? (await projectionHistory(dir, options.month, options.now));
  const full = { ...options, history };
  // The delegation books fold in the same pass (the screen shows them; `kirikae costs` does not
  // pay for them unless asked with --by role).
  const { fold, skipped } = await foldMonth(
    dir,
    options.month,
    { kind: 'screen', depends: summaryDepends(options) },
    (state: ScreenState | undefined) => screenFold(full, state),
  );
  const { report, whatIf } = fold.summary.build(skipped);
  const delegation = delegationSummary(fold.books.build());
  return {
    data: { ...costsScreenDataOf(report, whatIf, full), ...(delegation ? { delegation } : {}) },
    skipped,
  };
}

/**
 * What a month summary's fold depends on besides the records (see foldMonth): the what-if
 * model's prices as they are now, since the what-if prices every call at the time it is read
 * (a dated price change in the catalog then makes the sidecar stale).
 */
function summaryDepends(options: MonthSummaryOptions): unknown {
  const model = options.whatIfModel ?? DEFAULT_WHATIF_MODEL;
  let curve: PriceCurve | null;
  try {
    curve = priceCurve(parseModelRef(model), options.overrides);
  } catch {
    curve = null;
  }
  return [model, options.overrides ?? null, curve];
}

interface ScreenState {
  summary: MonthSummaryState;
  books: BooksState;
}

/** The screen's fold: the month summary and the delegation books in one pass. */
function screenFold(options: MonthSummaryOptions, state: ScreenState | undefined) {
  const summary = monthSummaryBuilder(options, state?.summary);
  const books = delegationBooks(
    options.overrides ? { overrides: options.overrides } : {},
    state?.books,
  );
  return {
    summary,
    books,
    add(record: LedgerRecord): void {
      summary.add(record);
      if (tsInMonth(record.ts, options.month)) books.add(record);
    },
    snapshot: (): ScreenState => ({ summary: summary.snapshot(), books: books.state }),
  };
}

/**
 * Daily USD of the month before `month`, when the projection needs it: for the current month
 * while it has fewer than MIN_SAMPLE_DAYS finished days. Otherwise undefined (nothing read).
 */
export async function projectionHistory(
  dir: string,
  month: string,
  now: Date,
): Promise<number[] | undefined> {
  if (month !== monthOfDate(now) || now.getUTCDate() > MIN_SAMPLE_DAYS) return undefined;
  return readDailyUsd(dir, addMonths(month, -1));
}

/**
 * Known USD of every day of `month` (zeros included), streamed from its file: the same as
 * `dailySeries(callsOf(records), month)` after readLedgerMonth, for the projection's history.
 */
export async function readDailyUsd(dir: string, month: string): Promise<number[]> {
  // A finished month's file no longer grows: after the first read its sidecar answers alone.
  const { fold } = await foldMonth(
    dir,
    month,
    { kind: 'daily', depends: null },
    (state: Map<string, number> | undefined) => {
      const usd = state ?? new Map<string, number>();
      return {
        usd,
        add(record: LedgerRecord): void {
          if (record.type !== 'call' || record.costUsd === null) return;
          const day = dayOfTs(record.ts);
          usd.set(day, (usd.get(day) ?? 0) + record.costUsd);
        },
        snapshot: () => usd,
      };
    },
  );
  return monthDays(month).map((day) => fold.usd.get(day) ?? 0);
}
