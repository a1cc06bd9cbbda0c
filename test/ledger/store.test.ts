import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/errors.js';
import type { CallRecord } from '../../src/core/records.js';
import { ledgerDir, monthFile, openLedger, readLedgerMonth } from '../../src/ledger/store.js';
import { call, task, usage, verify } from './fixtures.js';

let root: string;
let dir: string;
const now = () => new Date('2026-03-15T12:00:00Z');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kirikae-ledger-'));
  dir = ledgerDir({ KIRIKAE_DATA_DIR: root });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const c = (i: number, extra: Partial<CallRecord> = {}) =>
  call({
    ts: `2026-03-15T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
    turn: i,
    costUsd: 0.01,
    ...extra,
  });

describe('ledger store', () => {
  it('lives in <dataDir>/ledger and writes one line per record to the UTC month file', async () => {
    expect(dir).toBe(join(root, 'ledger'));
    const ledger = openLedger(dir, { now });
    const first = c(1);
    const gate = verify({ ts: '2026-03-15T10:01:00.000Z' });
    const end = task({ ts: '2026-03-15T10:02:00.000Z', task: 't1' });
    ledger.recordCall(first);
    ledger.recordVerify(gate);
    ledger.recordTask(end);
    // 23:30 at UTC−2 on 31 March is 01:30 UTC on 1 April: the April file.
    ledger.recordCall(call({ ts: '2026-03-31T23:30:00.000-02:00', costUsd: 0.5 }));
    ledger.close();

    const text = readFileSync(monthFile(dir, '2026-03'), 'utf8');
    expect(text.split('\n')).toHaveLength(4); // three lines and the final newline
    expect(await readLedgerMonth(dir, '2026-03')).toEqual({
      records: [first, gate, end],
      skipped: 0,
    });
    const april = await readLedgerMonth(dir, '2026-04');
    expect(april.records).toHaveLength(1);
  });

  it('strips fields the record type does not declare, so no key can reach the file', async () => {
    const ledger = openLedger(dir, { now });
    const leaky = {
      ...c(1),
      apiKey: 'sk-ant-api03-not-a-real-key',
      headers: { authorization: 'Bearer x' },
    };
    ledger.recordCall(leaky as CallRecord);
    ledger.close();
    const text = readFileSync(monthFile(dir, '2026-03'), 'utf8');
    expect(text).not.toContain('sk-ant');
    expect(text).not.toContain('authorization');
    const { records } = await readLedgerMonth(dir, '2026-03');
    expect(records[0]).toEqual(c(1));
  });

  it('refuses an invalid record and writes nothing', () => {
    const ledger = openLedger(dir, { now });
    const bad = c(1, { usage: usage({ input: -5 }) });
    expect(() => ledger.recordCall(bad)).toThrow(/usage\.input/);
    ledger.close();
    expect(readFileSync(monthFile(dir, '2026-03'), 'utf8')).toBe('');
  });

  it('skips and counts torn, corrupted and unrecognised lines, never failing', async () => {
    const ledger = openLedger(dir, { now });
    ledger.recordCall(c(1));
    ledger.close();
    const file = monthFile(dir, '2026-03');
    appendFileSync(file, 'not json at all\n');
    appendFileSync(file, `${JSON.stringify({ ...c(2), v: 2 })}\n`); // a future format
    appendFileSync(file, `${JSON.stringify({ ...c(3), costUsd: 'free' })}\n`); // fails the schema
    appendFileSync(file, '\n'); // blank lines are not corruption
    appendFileSync(file, `${JSON.stringify(c(4))}\n`);
    appendFileSync(file, '{"v":1,"type":"call","ts":"2026-03-15T1'); // torn by a crash
    const read = await readLedgerMonth(dir, '2026-03');
    expect(read.records.map((r) => (r as CallRecord).turn)).toEqual([1, 4]);
    expect(read.skipped).toBe(4);
  });

  it('starts a fresh line after a torn one, and recovers a record glued onto torn bytes', async () => {
    const file = monthFile(dir, '2026-03');
    const first = openLedger(dir, { now });
    first.recordCall(c(1));
    appendFileSync(file, '{"v":1,"type":"call","ts":"20'); // another process died mid-line
    const second = openLedger(dir, { now });
    second.recordCall(c(2)); // opened after the crash: sees the torn tail, starts a new line
    first.recordCall(c(3)); // opened before it: its line is glued onto the torn bytes
    first.close();
    second.close();
    const read = await readLedgerMonth(dir, '2026-03');
    expect(read.records.map((r) => (r as CallRecord).turn)).toEqual([1, 2, 3]);
    expect(read.skipped).toBe(1);
  });

  it('monthSpend sums known costs, counts unknown ones and follows appends of other processes', () => {
    const ledger = openLedger(dir, { now });
    ledger.recordCall(c(1, { costUsd: 0.25 }));
    ledger.recordCall(
      c(2, { costUsd: null, priceSource: 'unknown', usage: usage({ input: 100, output: 20 }) }),
    );
    ledger.recordTask(task({ ts: '2026-03-15T11:00:00.000Z', task: 't1' }));
    expect(ledger.monthSpend('2026-03')).toMatchObject({
      spentUsd: 0.25,
      calls: 2,
      unknownCostCalls: 1,
      unknownCostTokens: 120,
      dailyUsd: { '2026-03-15': 0.25 },
      skipped: 0,
    });

    const other = openLedger(dir, { now }); // a second kirikae process
    other.recordCall(c(3, { costUsd: 0.5, ts: '2026-03-16T08:00:00.000Z' }));
    other.close();
    ledger.recordCall(c(4, { costUsd: 0.125 }));
    const file = monthFile(dir, '2026-03');
    appendFileSync(file, 'garbage\n');
    appendFileSync(file, '{"v":1,"type":"call"'); // still being written: not read yet
    const spend = ledger.monthSpend('2026-03');
    // 0.25 + 0.5 + 0.125 = 0.875
    expect(spend.spentUsd).toBeCloseTo(0.875, 12);
    expect(spend.dailyUsd).toEqual({ '2026-03-15': 0.375, '2026-03-16': 0.5 });
    expect(spend.skipped).toBe(1);
    expect(ledger.monthSpend('2026-02').spentUsd).toBe(0);
    ledger.close();
  });

  it('reads a time range across month files', async () => {
    const ledger = openLedger(dir, { now });
    for (const ts of [
      '2026-02-10T00:00:00.000Z',
      '2026-02-20T00:00:00.000Z',
      '2026-03-04T23:59:59.000Z',
      '2026-03-05T00:00:00.000Z',
    ]) {
      ledger.recordCall(call({ ts }));
    }
    const read = await ledger.readRange('2026-02-15T00:00:00Z', new Date('2026-03-05T00:00:00Z'));
    ledger.close();
    expect(read.records.map((r) => r.ts)).toEqual([
      '2026-02-20T00:00:00.000Z',
      '2026-03-04T23:59:59.000Z',
    ]);
  });

  it('reports an unwritable folder at start-up as a config error with a hint', () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, '');
    const check = (target: string) => {
      try {
        openLedger(target, { now });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const error = check(join(blocker, 'ledger'));
    expect(error).toBeInstanceOf(KirikaeError);
    expect((error as KirikaeError).kind).toBe('config');
    expect((error as KirikaeError).message).toContain(join(blocker, 'ledger'));
    expect((error as KirikaeError).hint).toMatch(/KIRIKAE_DATA_DIR/);

    // Permission bits do not stop root, so this half only runs as a normal user.
    if (process.getuid?.() !== 0) {
      const locked = join(root, 'locked');
      openLedger(locked, { now }).close();
      rmSync(monthFile(locked, '2026-03'));
      chmodSync(locked, 0o500);
      expect(check(locked)).toBeInstanceOf(KirikaeError);
      chmodSync(locked, 0o700);
    }
  });
});
