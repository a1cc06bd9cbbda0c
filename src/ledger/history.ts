import type { LedgerRecord } from '../core/records.js';

/**
 * The records the router learns from, oldest first, with a version that changes on every change
 * (the router memoises its learned figures on it). Older records read in the background are
 * added in front without spreading them into one call (a 200k-record spread overflows the stack).
 */
export class HistoryStore {
  private list: LedgerRecord[] = [];
  private v = 0;

  get version(): number {
    return this.v;
  }

  records(): readonly LedgerRecord[] {
    return this.list;
  }

  append(record: LedgerRecord): void {
    this.list.push(record);
    this.v++;
  }

  /** Adds records that happened before everything held (the month read at start-up). */
  prepend(older: readonly LedgerRecord[]): void {
    if (!older.length) return;
    const merged = new Array<LedgerRecord>(older.length + this.list.length);
    for (let i = 0; i < older.length; i++) merged[i] = older[i]!;
    for (let i = 0; i < this.list.length; i++) merged[older.length + i] = this.list[i]!;
    this.list = merged;
    this.v++;
  }
}
