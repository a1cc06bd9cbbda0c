import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/core/records.js';
import { HistoryStore } from '../../src/ledger/history.js';
import { monthFile, openLedger } from '../../src/ledger/store.js';
import { call, task } from './fixtures.js';

let dir: string;
const now = new Date('2026-03-11T12:00:00Z');

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'kirikae-history-')), 'ledger');
  mkdirSync(dir, { recursive: true });
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

function write(records: readonly LedgerRecord[]): void {
  const ledger = openLedger(dir, { now: () => now });
  for (const record of records) ledger.append(record);
  ledger.close();
}

describe('HistoryStore', () => {
  it('appends, changes version on every append, and reads ranges', () => {
    const store = new HistoryStore();
    const seen: number[] = [];
    const off = store.subscribe(() => seen.push(store.version));
    const v0 = store.version;
    const a = call({ ts: '2026-03-01T10:00:00.000Z', task: 'A' });
    const b = call({ ts: '2026-03-05T10:00:00.000Z', task: 'B' });
    const c = task({ ts: '2026-03-09T10:00:00.000Z', task: 'B' });
    store.append(a);
    store.append(b);
    store.append(c);
    expect(store.version).toBe(v0 + 3);
    expect(seen).toEqual([v0 + 1, v0 + 2, v0 + 3]);
    expect(store.records()).toEqual([a, b, c]);
    expect(store.since('2026-03-05T10:00:00.000Z')).toEqual([b, c]);
    expect(store.range('2026-03-01T00:00:00Z', new Date('2026-03-09T10:00:00Z'))).toEqual([a, b]);
    off();
    store.append(a);
    expect(seen).toHaveLength(3);
    expect(() => store.since('yesterday')).toThrow(RangeError);
  });

  it('loads last and this month, keeps what was appended meanwhile, and counts nothing twice', async () => {
    const feb = call({ ts: '2026-02-20T10:00:00.000Z', task: 'F' });
    const jan = call({ ts: '2026-01-20T10:00:00.000Z', task: 'J' });
    const early = call({ ts: '2026-03-10T10:00:00.000Z', task: 'E' });
    write([jan, feb]);
    const store = new HistoryStore();
    // Written and appended before the load began: it is in the file, and must appear once.
    write([early]);
    store.append(early);
    const loading = store.load(dir, now);
    // Written and appended while the load runs: past the load's snapshot of the file.
    const during = call({ ts: '2026-03-11T11:00:00.000Z', task: 'D' });
    write([during]);
    store.append(during);
    const before = store.version;
    expect(await loading).toEqual({ read: 2, skipped: 0 });
    expect(store.version).toBe(before + 1);
    // January is not last month: not read.
    expect(store.records().map((r) => r.task)).toEqual(['F', 'E', 'D']);
  });

  it('loads nothing, and fails nothing, when the ledger folder does not exist yet', async () => {
    const store = new HistoryStore();
    const before = store.version;
    expect(await store.load(join(dir, 'missing'), now)).toEqual({ read: 0, skipped: 0 });
    expect(store.size).toBe(0);
    expect(store.version).toBe(before + 1);
  });

  it('keeps only the newest maxRecords', async () => {
    write(Array.from({ length: 30 }, (_, i) => call({ ts: `2026-03-0${1 + (i % 9)}T10:00:00Z` })));
    const store = new HistoryStore({ maxRecords: 10 });
    await store.load(dir, now);
    expect(store.size).toBe(10);
    for (let i = 0; i < 20; i++) store.append(call({ ts: '2026-03-11T10:00:00Z', turn: i }));
    expect(store.size).toBeLessThanOrEqual(12);
    expect(store.records().at(-1)).toMatchObject({ turn: 19 });
    expect(() => new HistoryStore({ maxRecords: 0 })).toThrow(RangeError);
  });

  it('loads a 500,000-record month without a stack overflow and in bounded memory', async () => {
    const COUNT = 500_000;
    const path = monthFile(dir, '2026-03');
    // One record's line with its ts and task swapped in: cheap to write half a million.
    const line = JSON.stringify(call({ ts: 'TS', task: 'TASK', costUsd: 0.01 }));
    let chunk = '';
    for (let i = 0; i < COUNT; i++) {
      const ts = `"2026-03-${String(1 + (i % 10)).padStart(2, '0')}T10:00:00.${String(i % 1000).padStart(3, '0')}Z"`;
      chunk += `${line.replace('"TS"', ts).replace('TASK', `task-${i >> 4}`)}\n`;
      if (i % 50_000 === 49_999) {
        appendFileSync(path, chunk);
        chunk = '';
      }
    }
    // What the session did before: prepend the month with one spread call. It throws.
    const month: LedgerRecord[] = new Array<LedgerRecord>(COUNT).fill(
      call({ ts: now.toISOString() }),
    );
    expect(() => [].unshift(...(month as never[]))).toThrow(RangeError);
    month.length = 0;

    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const store = new HistoryStore();
    const loading = store.load(dir, now);
    store.append(call({ ts: '2026-03-11T11:59:00.000Z', task: 'live' }));
    const result = await loading;
    expect(result).toEqual({ read: COUNT, skipped: 0 });
    // The newest 100,000 (the default), the live append last.
    expect(store.size).toBe(100_000);
    expect(store.records().at(-1)?.task).toBe('live');
    gc();
    const retainedMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    // 100,000 records at a few hundred bytes each; the other 400,000 were never kept.
    expect(retainedMb).toBeLessThan(100);
  }, 120_000);
});
