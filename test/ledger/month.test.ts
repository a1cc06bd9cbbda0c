import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PriceOverride } from '../../src/config/schema.js';
import { readCostsScreenData, readDailyUsd, readMonthSummary } from '../../src/ledger/month.js';
import { monthReport } from '../../src/ledger/reports.js';
import { costsScreenData } from '../../src/ledger/screen.js';
import { monthFile, readLedgerMonth } from '../../src/ledger/store.js';
import { callsOf, dailySeries } from './oracle.js';
import { monthOfTs } from '../../src/ledger/time.js';
import { whatIfModel } from '../../src/ledger/whatif.js';
import { messyRecords } from './fixtures.js';

/*
 * The streamed readers fold each record into the figures as it is parsed and keep none.
 * They must give exactly what reading the records into an array and computing the same
 * figures from it gives, corrupted lines and records of other months included.
 */

let root: string;
let dir: string;
const now = new Date('2026-03-20T10:00:00Z');
const overrides: Record<string, PriceOverride> = {
  'anthropic/claude-haiku-4-5': { inputMtok: 2, outputMtok: 9 },
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kirikae-month-'));
  dir = join(root, 'ledger');
  mkdirSync(dir);
  const records = messyRecords(6_000, 21);
  // Each record goes to the file of its UTC month, like the ledger writes them.
  for (const month of ['2026-02', '2026-03', '2026-04']) {
    const lines = records.filter((r) => monthOfTs(r.ts) === month).map((r) => JSON.stringify(r));
    writeFileSync(monthFile(dir, month), `${lines.join('\n')}\n`);
  }
  const march = monthFile(dir, '2026-03');
  // A few records of other months in March's file (a skewed clock): left out of every figure.
  const strays = records.filter((r) => monthOfTs(r.ts) !== '2026-03').slice(0, 40);
  appendFileSync(march, strays.map((r) => `${JSON.stringify(r)}\n`).join(''));
  appendFileSync(march, 'not json\n{"v":1,"type":"call","ts":"2026-03-0\n');
  appendFileSync(march, `${JSON.stringify({ ...records[0], costUsd: 'free' })}\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('streamed month readers equal the records-array path', () => {
  it.each(['2026-02', '2026-03', '2026-04', '2026-05'])(
    'readMonthSummary for %s',
    async (month) => {
      const options = { month, now, budgetUsd: 40, history: [2, 4], overrides };
      const read = await readLedgerMonth(dir, month);
      const calls = callsOf(read.records).filter((c) => monthOfTs(c.ts) === month);
      for (const whatIf of [undefined, 'anthropic/claude-haiku-4-5']) {
        expect(await readMonthSummary(dir, { ...options, whatIfModel: whatIf })).toStrictEqual({
          report: monthReport(read.records, options),
          whatIf: whatIfModel(calls, whatIf, { overrides }),
          skipped: read.skipped,
        });
      }
      if (month === '2026-03') expect(read.skipped).toBe(3);
    },
  );

  it.each(['day', 'tier', 'model', 'task'] as const)('readCostsScreenData by %s', async (by) => {
    const options = { month: '2026-03', by, now, budgetUsd: 40, dailySoftUsd: 1, overrides };
    const read = await readLedgerMonth(dir, '2026-03');
    expect(await readCostsScreenData(dir, options)).toStrictEqual({
      data: costsScreenData(read.records, options),
      skipped: read.skipped,
    });
  });

  it('readCostsScreenData projects the first days of a month from the month before', async () => {
    const early = new Date('2026-03-03T10:00:00Z');
    const options = { month: '2026-03', by: 'tier' as const, now: early, budgetUsd: 40 };
    const read = await readLedgerMonth(dir, '2026-03');
    const february = await readLedgerMonth(dir, '2026-02');
    const history = dailySeries(callsOf(february.records), '2026-02').map((d) => d.usd);
    const { data } = await readCostsScreenData(dir, options);
    expect(data).toStrictEqual(costsScreenData(read.records, { ...options, history }));
    // Two finished days of March, five borrowed from the end of February.
    expect(data.projection.sampleDays).toBe(7);
  });

  it('readDailyUsd', async () => {
    for (const month of ['2026-02', '2026-03', '2026-05']) {
      const { records } = await readLedgerMonth(dir, month);
      expect(await readDailyUsd(dir, month)).toStrictEqual(
        dailySeries(callsOf(records), month).map((d) => d.usd),
      );
    }
  });
});
