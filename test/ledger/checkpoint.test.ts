import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldMonth, sidecarFile } from '../../src/ledger/checkpoint.js';
import { readCostsScreenData, readDailyUsd, readMonthSummary } from '../../src/ledger/month.js';
import { monthFile, openLedger } from '../../src/ledger/store.js';
import {
  monthSummaryBuilder,
  type MonthSummaryOptions,
  type MonthSummaryState,
} from '../../src/ledger/summary.js';
import { monthOfTs } from '../../src/ledger/time.js';
import { messyRecords } from './fixtures.js';

/*
 * The `.fold` sidecar may only make a report faster: whatever happened to the ledger file or
 * the sidecar, the report must equal the one a full read without any sidecar gives.
 */

const MONTH = '2026-03';
const now = new Date('2026-03-20T10:00:00Z');
const options: MonthSummaryOptions = { month: MONTH, now, budgetUsd: 40, history: [2, 4] };
const march = messyRecords(4_000, 5).filter((r) => monthOfTs(r.ts) === MONTH);
const lines = (from: number, to: number): string =>
  march
    .slice(from, to)
    .map((r) => `${JSON.stringify(r)}\n`)
    .join('');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kirikae-fold-'));
  file = monthFile(dir, MONTH);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The report a read that ignores every sidecar gives (the sidecar is moved away and back). */
async function fresh(opts: MonthSummaryOptions = options) {
  const other = mkdtempSync(join(tmpdir(), 'kirikae-fold-fresh-'));
  try {
    writeFileSync(monthFile(other, MONTH), readFileSync(file));
    return await readMonthSummary(other, opts);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
}

/** Where the summary fold starts reading: past the covered bytes when the sidecar is used. */
async function startOf(opts: MonthSummaryOptions = options): Promise<number> {
  const { start } = await foldMonth(
    dir,
    MONTH,
    { kind: 'probe', depends: [opts.whatIfModel ?? null, opts.overrides ?? null] },
    (state: MonthSummaryState | undefined) => monthSummaryBuilder(opts, state),
  );
  return start;
}

describe('month fold sidecar', () => {
  it('is written by a full read and then only the appended bytes are read', async () => {
    writeFileSync(file, lines(0, 2_000));
    const covered = Buffer.byteLength(lines(0, 2_000));
    expect(await startOf()).toBe(0);
    expect(existsSync(sidecarFile(dir, MONTH, 'probe'))).toBe(true);
    expect(await startOf()).toBe(covered);

    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
    // Another process appends after the sidecar was written (through the ledger's own writer).
    const ledger = openLedger(dir, { now: () => now });
    for (const r of march.slice(2_000, 2_100)) ledger.append(r);
    ledger.close();
    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
    expect((await readMonthSummary(dir, options)).report.totals.calls).toBeGreaterThan(0);
  });

  it('is not written for a small month', async () => {
    writeFileSync(file, lines(0, 200));
    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
    expect(existsSync(sidecarFile(dir, MONTH, 'summary'))).toBe(false);
  });

  it('covers complete lines only: a torn last line is counted, and a later record after it read', async () => {
    writeFileSync(file, `${lines(0, 1_500)}{"v":1,"type":"call","ts":"2026-03-0`);
    const first = await readMonthSummary(dir, options);
    expect(first).toStrictEqual(await fresh());
    expect(first.skipped).toBe(1);
    // The next writer starts on a fresh line, as JsonlLedger does after a torn line.
    appendFileSync(file, `\n${lines(1_500, 1_900)}`);
    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
    // A writer that glued its record onto the torn bytes: recovered in both reads.
    writeFileSync(file, `${lines(0, 1_500)}{"v":1,"type":"call","ts":"2026-03-0`);
    await readMonthSummary(dir, options);
    appendFileSync(file, lines(1_500, 1_600));
    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
  });

  it('is ignored when the file was truncated, replaced or rewritten', async () => {
    writeFileSync(file, lines(0, 2_000));
    await readMonthSummary(dir, options);
    expect(await startOf()).toBe(0);
    expect(await startOf()).toBe(Buffer.byteLength(lines(0, 2_000)));
    // Truncated to fewer records.
    writeFileSync(file, lines(0, 1_000));
    expect(await startOf()).toBe(0);
    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
    // Same length and same first bytes, other values before the offset (an edit in place).
    expect(await startOf()).toBe(Buffer.byteLength(lines(0, 1_000)));
    const edited = lines(0, 1_000).replace(
      /"durationMs":(\d)/g,
      (_, d: string) => `"durationMs":${9 - Number(d)}`,
    );
    expect(edited).not.toBe(lines(0, 1_000));
    writeFileSync(file, edited);
    expect(await startOf()).toBe(0);
    expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
  });

  it('is ignored when it is corrupted or torn', async () => {
    writeFileSync(file, lines(0, 2_000));
    await readMonthSummary(dir, options);
    const sidecar = sidecarFile(dir, MONTH, 'summary');
    const bytes = readFileSync(sidecar);
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length * 0.6)]! ^= 0xff;
    for (const broken of [flipped, bytes.subarray(0, bytes.length >> 1), Buffer.from('{}')]) {
      writeFileSync(sidecar, broken);
      expect(await readMonthSummary(dir, options)).toStrictEqual(await fresh());
    }
  });

  it('is not used for other what-if models or price overrides', async () => {
    writeFileSync(file, lines(0, 2_000));
    await startOf();
    const haiku = { ...options, whatIfModel: 'anthropic/claude-haiku-4-5' };
    expect(await startOf(haiku)).toBe(0);
    const overrides = { 'anthropic/claude-opus-4-6': { inputMtok: 1, outputMtok: 2 } };
    expect(await startOf({ ...options, overrides })).toBe(0);
    await readMonthSummary(dir, options);
    expect(await readMonthSummary(dir, haiku)).toStrictEqual(await fresh(haiku));
    expect(await readMonthSummary(dir, { ...options, overrides })).toStrictEqual(
      await fresh({ ...options, overrides }),
    );
  });

  it('gives the costs screen the same data as a read without it', async () => {
    writeFileSync(file, lines(0, 2_000));
    const screen = { month: MONTH, by: 'tier' as const, budgetUsd: 40, now, history: [1, 2] };
    const cold = await readCostsScreenData(dir, screen);
    appendFileSync(file, lines(2_000, march.length));
    const warm = await readCostsScreenData(dir, screen);
    const other = mkdtempSync(join(tmpdir(), 'kirikae-fold-fresh-'));
    try {
      writeFileSync(monthFile(other, MONTH), readFileSync(file));
      expect(warm).toStrictEqual(await readCostsScreenData(other, screen));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expect(warm.data).not.toStrictEqual(cold.data);
  });

  it("gives the projection's daily history the same figures as a read without it", async () => {
    writeFileSync(file, lines(0, 1_500));
    const first = await readDailyUsd(dir, MONTH);
    expect(existsSync(sidecarFile(dir, MONTH, 'daily'))).toBe(true);
    appendFileSync(file, lines(1_500, march.length));
    const other = mkdtempSync(join(tmpdir(), 'kirikae-fold-fresh-'));
    try {
      writeFileSync(monthFile(other, MONTH), readFileSync(file));
      const fresh = await readDailyUsd(other, MONTH);
      expect(await readDailyUsd(dir, MONTH)).toStrictEqual(fresh);
      expect(fresh).not.toStrictEqual(first);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
