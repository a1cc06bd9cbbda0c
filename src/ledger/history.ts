import type { LedgerRecord } from '../core/records.js';
import { ledgerMonthSize, scanLedgerMonth } from './store.js';
import { addMonths, monthOfDate } from './time.js';

/*
 * What the router learns from: this and last month's records, one copy per session. The
 * session appends each record it writes; the months on disk are read in the background after
 * the first frame. Readers memoise what they derive on `version`, which changes with every
 * append and when the load lands, rather than on the identity or length of an array.
 *
 * Memory stays bounded in a heavy month: only the newest `maxRecords` are kept (the router's
 * figures are medians and rates, which the newest 100,000 calls give as well as all of them),
 * and the strings that repeat on every line (model, session, task, price version) are shared.
 */

export interface HistoryStoreOptions {
  /**
   * Newest records kept; older ones are dropped first (appends may run up to a quarter over
   * before the oldest are dropped in one go). Default 100,000.
   */
  maxRecords?: number;
}

export interface HistoryLoad {
  /** Records read from the files (before trimming to `maxRecords`). */
  read: number;
  /** Corrupted lines skipped. */
  skipped: number;
}

export const DEFAULT_MAX_HISTORY = 100_000;

function toMs(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`"${String(value)}" is not a date`);
  return ms;
}

export class HistoryStore {
  private list: LedgerRecord[] = [];
  private versionNumber = 0;
  private readonly listeners = new Set<() => void>();
  private readonly maxRecords: number;
  /** Appends since the last load began: the ones its snapshot of the files does not hold. */
  private sinceLoad = 0;
  private loading: Promise<HistoryLoad> | undefined;

  constructor(options: HistoryStoreOptions = {}) {
    const max = options.maxRecords ?? DEFAULT_MAX_HISTORY;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`maxRecords must be a positive integer, got ${max}`);
    }
    this.maxRecords = max;
  }

  /** Changes on every append and when a load lands; memoise derived figures on it. */
  get version(): number {
    return this.versionNumber;
  }

  get size(): number {
    return this.list.length;
  }

  /**
   * Every record held, oldest first. The array is the store's own: read it, never change it,
   * and do not hold it across a version change (a load replaces it).
   */
  records(): readonly LedgerRecord[] {
    return this.list;
  }

  /** Adds a record the session has just written to the ledger (write first, then append). */
  append(record: LedgerRecord): void {
    this.list.push(record);
    this.sinceLoad += 1;
    trim(this.list, this.maxRecords);
    this.changed();
  }

  /** Records with `ts >= from`, oldest first (a new array). */
  since(from: Date | string): LedgerRecord[] {
    return this.range(from, Number.POSITIVE_INFINITY);
  }

  /** Records with `from <= ts < to`, oldest first (a new array). */
  range(from: Date | string, to: Date | string | number): LedgerRecord[] {
    const fromMs = toMs(from);
    const toMsValue = typeof to === 'number' ? to : toMs(to);
    const out: LedgerRecord[] = [];
    for (const record of this.list) {
      const ms = Date.parse(record.ts);
      if (ms >= fromMs && ms < toMsValue) out.push(record);
    }
    return out;
  }

  /** Called after every change (append or load). Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads last and this month from the ledger folder, up to the files' sizes at the call:
   * what is appended to the store after that is kept as well, and what was appended before
   * it is in the files (so nothing is counted twice). The store answers from what it has
   * meanwhile. One load at a time: a second call while one runs returns the same promise.
   */
  load(dir: string, now: Date = new Date()): Promise<HistoryLoad> {
    this.loading ??= this.readMonths(dir, now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async readMonths(dir: string, now: Date): Promise<HistoryLoad> {
    const month = monthOfDate(now);
    const months = [addMonths(month, -1), month];
    // Taken before the first await, so appends from here on are exactly the ones not read.
    const ends = months.map((m) => ledgerMonthSize(dir, m));
    this.sinceLoad = 0;
    const loaded: LedgerRecord[] = [];
    const shared = new Map<string, string>();
    const intern = (s: string): string => {
      const found = shared.get(s);
      if (found !== undefined) return found;
      shared.set(s, s);
      return s;
    };
    let read = 0;
    let skipped = 0;
    for (const [i, m] of months.entries()) {
      const result = await scanLedgerMonth(
        dir,
        m,
        (record) => {
          read += 1;
          record.session = intern(record.session);
          record.task = intern(record.task);
          if (record.type === 'call') {
            record.model = intern(record.model);
            record.priceVersion = intern(record.priceVersion);
            if (record.proposed !== undefined) record.proposed = intern(record.proposed);
          } else if (record.type === 'verify') {
            record.model = intern(record.model);
          }
          loaded.push(record);
          trim(loaded, this.maxRecords);
        },
        { end: ends[i] },
      );
      skipped += result.skipped;
    }
    // A plain loop, never push(...spread): hundreds of thousands of arguments overflow the stack.
    const appended = this.list.slice(this.list.length - Math.min(this.sinceLoad, this.list.length));
    for (const record of appended) loaded.push(record);
    if (loaded.length > this.maxRecords) loaded.splice(0, loaded.length - this.maxRecords);
    this.list = loaded;
    this.changed();
    return { read, skipped };
  }

  private changed(): void {
    this.versionNumber += 1;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Drops the oldest records past `max`, letting the array grow to a quarter over first so the
 * copying is paid once per max/4 appends, not on every one.
 */
function trim(list: LedgerRecord[], max: number): void {
  if (list.length > max + (max >> 2)) list.splice(0, list.length - max);
}
