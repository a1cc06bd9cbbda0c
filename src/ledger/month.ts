import { costsScreenDataOf, type CostsScreenData, type CostsScreenOptions } from './screen.js';
import { priceCurve, type PriceCurve } from '../catalog/price-curve.js';
import { parseModelRef } from '../core/model-ref.js';
import type { LedgerRecord } from '../core/records.js';
import { rmSync } from 'node:fs';
import { booksColumns, booksOfColumns, type BooksColumns } from './books-columns.js';
import { foldMonth, sidecarFile } from './checkpoint.js';
import { delegationBooks, delegationSummary, type DelegationReport } from './delegation.js';
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

/** A month's report, what-if and delegation books, from one streamed pass. */
export interface MonthFigures {
  summary: MonthSummary;
  /**
   * The delegation books (`kirikae costs --by role`, the costs screen), built when asked: from
   * a checkpoint, they are restored only then.
   */
  books(): DelegationReport;
}

/**
 * The month report, the what-if saving and the delegation books straight from the month's
 * file: each record is folded into all three as soon as it is parsed, and then dropped. The
 * same figures as a records array folded through monthSummaryBuilder and delegationReport
 * (the tests check it), in less time and a fraction of the memory, since no array of 100,000
 * records is ever built. One checkpoint (`<month>.summary.fold`) serves `kirikae costs`, every
 * `--by` and the costs screen.
 */
export async function readMonthFigures(
  dir: string,
  options: MonthSummaryOptions,
): Promise<MonthFigures> {
  const { fold, skipped } = await foldMonth(
    dir,
    options.month,
    { kind: 'summary', depends: summaryDepends(options) },
    (state: MonthFoldState | undefined) => monthFold(options, state),
  );
  return { summary: fold.summary.build(skipped), books: fold.books.build };
}

/** The month report and the what-if saving (readMonthFigures without the books). */
export async function readMonthSummary(
  dir: string,
  options: MonthSummaryOptions,
): Promise<MonthSummary> {
  return (await readMonthFigures(dir, options)).summary;
}

/**
 * `costsScreenData` for one month, streamed from its file like `readMonthSummary`, from the
 * same checkpoint: what the costs screen's port calls. Without `history`, the previous month's
 * days are read when the projection needs them (see projectionHistory).
 */
export async function readCostsScreenData(
  dir: string,
  options: CostsScreenOptions,
): Promise<{ data: CostsScreenData; skipped: number }> {
  const history = options.history ?? (await projectionHistory(dir, options.month, options.now));
  const full = { ...options, history };
  const { summary, books } = await readMonthFigures(dir, full);
  // The screen kept a checkpoint of its own before the month summary carried the books.
  rmSync(sidecarFile(dir, options.month, 'screen'), { force: true });
  const delegation = delegationSummary(books());
  return {
    data: {
      ...costsScreenDataOf(summary.report, summary.whatIf, full),
      ...(delegation ? { delegation } : {}),
    },
    skipped: summary.skipped,
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

interface MonthFoldState {
  summary: MonthSummaryState;
  books: BooksColumns;
}

/** The month's one fold: the month summary and the delegation books in one pass. */
function monthFold(options: MonthSummaryOptions, state: MonthFoldState | undefined) {
  const summary = monthSummaryBuilder(options, state?.summary);
  const books = lazyBooks(options, state?.books);
  return {
    summary,
    books,
    add(record: LedgerRecord): void {
      summary.add(record);
      if (tsInMonth(record.ts, options.month)) books.add(record);
    },
    snapshot: (): MonthFoldState => ({ summary: summary.snapshot(), books: books.snapshot() }),
  };
}

/** Records held back before lazyBooks restores its books anyway. */
const MAX_HELD = 1_000;

/**
 * The delegation books restored from a checkpoint only when asked for: rebuilding a month's
 * thousands of per-task books (and collecting them) cost `kirikae costs` more than the rest of
 * its warm read, and only `--by role` and the costs screen show them. Until then the records
 * of the tail are held back (a few hundred: the checkpoint is rewritten every ~100 kB).
 */
function lazyBooks(options: MonthSummaryOptions, columns: BooksColumns | undefined) {
  const booksOptions = options.overrides ? { overrides: options.overrides } : {};
  let live = columns ? undefined : delegationBooks(booksOptions);
  let held: LedgerRecord[] = [];
  const restored = (): ReturnType<typeof delegationBooks> => {
    if (!live) {
      live = delegationBooks(booksOptions, booksOfColumns(columns!));
      for (const record of held) live.add(record);
      held = [];
    }
    return live;
  };
  return {
    add(record: LedgerRecord): void {
      if (live) live.add(record);
      else if (held.push(record) >= MAX_HELD) restored();
    },
    build: (): DelegationReport => restored().build(),
    snapshot: (): BooksColumns => booksColumns(restored().state),
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
