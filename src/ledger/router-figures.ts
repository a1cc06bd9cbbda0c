import { statSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { LedgerRecord } from '../core/records.js';
import {
  addToFolds,
  historyFolds,
  historyFoldsDepend,
  snapshotFolds,
  statsOf,
  type HistoryFolds,
  type HistoryFoldsState,
  type HistoryStats,
} from '../router/history-folds.js';
import { foldMonth, type CheckpointFold } from './checkpoint.js';
import { DEFAULT_MAX_HISTORY } from './history.js';
import { addToSpend, emptyMonthSpend, type MonthSpend } from './spend.js';
import { monthFile } from './store.js';
import { addMonths, monthOfDate } from './time.js';

/*
 * What `kirikae route` needs from the ledger — the router's learned figures and this month's
 * spend — without decoding every record of two months at each start (~40 ms for 3,000 calls, a
 * sixth of a cold start). The folds the session runs over its HistoryStore
 * (router/history-folds.ts, and addToSpend as monthSpendOf adds) run here over the same two
 * month files, with their state checkpointed next to each (`<month>.router.fold`,
 * checkpoint.ts), so a start folds only what was appended since. This month's checkpoint
 * carries last month's part too: its key names last month's file as it was, so a change there
 * means one full read.
 */

/** Bump when the state below changes shape or meaning. */
const FIGURES_FORMAT = 2;

/**
 * The state holds what the fold code made of each record (outputs divided by a model family's
 * ratio, families by name, the last SPEED_SAMPLES speeds), so a checkpoint written by other code
 * must not be read: the build names the code by a digest of the files that decide it
 * (scripts/router-fold-code.mjs). Run from source there is none, and FIGURES_FORMAT
 * is the only guard.
 */
declare const __ROUTER_FOLD_CODE__: string | undefined;
const FOLD_CODE = typeof __ROUTER_FOLD_CODE__ === 'string' ? __ROUTER_FOLD_CODE__ : 'source';

/** Records held before they are handed to the folds: the learn fold sorts a batch at once. */
const BATCH = 4096;

interface FiguresState {
  folds: HistoryFoldsState;
  spend: MonthSpend;
  records: number;
}

interface FoldSettings {
  config: Config;
  month: string;
}

class FiguresFold implements CheckpointFold<FiguresState> {
  private readonly folds: HistoryFolds;
  private readonly spend: MonthSpend;
  private records: number;
  private batch: LedgerRecord[] = [];

  constructor(settings: FoldSettings, state: FiguresState | undefined) {
    const { config, month } = settings;
    this.folds = historyFolds(config, state?.folds);
    this.spend = state?.spend ?? emptyMonthSpend(month);
    this.records = state?.records ?? 0;
  }

  add(record: LedgerRecord): void {
    this.records += 1;
    addToSpend(this.spend, record);
    this.batch.push(record);
    if (this.batch.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (!this.batch.length) return;
    addToFolds(this.folds, this.batch, 0);
    this.batch = [];
  }

  snapshot(): FiguresState {
    this.flush();
    return {
      folds: snapshotFolds(this.folds),
      spend: this.spend,
      records: this.records,
    };
  }

  figures(): RouterFigures {
    this.flush();
    return {
      stats: statsOf(this.folds),
      spend: this.spend,
      records: this.records,
    };
  }
}

export interface RouterFigures {
  /** What RouterSession.stats gives for the same records. */
  stats: HistoryStats;
  /** This month's spend, as monthSpendOf gives it. */
  spend: MonthSpend;
  /** Records in the two months. */
  records: number;
}

/** A month file's identity as a checkpoint key: size, inode and time, or null when absent. */
function fileIdentity(path: string): [number, number, number] | null {
  try {
    const s = statSync(path);
    return [s.size, s.ino, s.mtimeMs];
  } catch {
    return null;
  }
}

/**
 * The router's figures and this month's spend from last and this month's files, as a
 * HistoryStore loaded at `now` would give them. Undefined when the two months hold more records
 * than a HistoryStore keeps (`maxRecords`: it drops the oldest; a fold cannot): read the
 * records then.
 */
export async function readRouterFigures(
  dir: string,
  config: Config,
  now: Date = new Date(),
  options: { maxRecords?: number } = {},
): Promise<RouterFigures | undefined> {
  const month = monthOfDate(now);
  const previous = addMonths(month, -1);
  const settings = { config, month };
  // Everything the state depends on besides the records: the code, the month the spend is
  // counted for, and what of the config the folds read.
  const depends = [FIGURES_FORMAT, FOLD_CODE, month, historyFoldsDepend(config)];
  // Taken before it is read: an append during the read makes the key older, never newer.
  const previousFile = fileIdentity(monthFile(dir, previous));
  const before = await foldMonth<FiguresState, FiguresFold>(
    dir,
    previous,
    { kind: 'router', depends },
    (state) => new FiguresFold(settings, state),
  );
  const carried = before.fold.snapshot();
  const current = await foldMonth<FiguresState, FiguresFold>(
    dir,
    month,
    { kind: 'router', depends: [...depends, previousFile] },
    (state) => new FiguresFold(settings, state ?? carried),
  );
  const figures = current.fold.figures();
  return figures.records > (options.maxRecords ?? DEFAULT_MAX_HISTORY) ? undefined : figures;
}
