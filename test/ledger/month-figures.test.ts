// One checkpoint (`<month>.summary.fold`) serves `kirikae costs`, `--by role` and the costs
// screen: each must equal a full read of the month into a records array, cold (no checkpoint),
// and warm (a checkpoint restored from its columns, and the records appended since). A
// checkpoint of an older format is rebuilt, never read as the new one.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { deserialize, serialize } from 'node:v8';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCosts } from '../../src/commands/costs.js';
import { rolesCsv, rolesJson, rolesText } from '../../src/commands/costs-roles.js';
import type { CallRecord, LedgerRecord } from '../../src/core/records.js';
import { FORMAT, sidecarFile } from '../../src/ledger/checkpoint.js';
import { delegationReport, delegationSummary } from '../../src/ledger/delegation.js';
import { readCostsScreenData, readMonthFigures } from '../../src/ledger/month.js';
import { costsScreenData } from '../../src/ledger/screen.js';
import { ledgerDir, monthFile, readLedgerMonth } from '../../src/ledger/store.js';
import { monthSummaryBuilder, type MonthSummaryOptions } from '../../src/ledger/summary.js';
import { monthOfTs, tsInMonth } from '../../src/ledger/time.js';
import { messyRecords } from './fixtures.js';

const MONTH = '2026-03';
const now = new Date('2026-03-20T10:00:00Z');
const options: MonthSummaryOptions = { month: MONTH, now, budgetUsd: 40, history: [2, 4] };

/** The messy month with delegated turns: planners that carry executor results, executors. */
function delegatedMonth(): LedgerRecord[] {
  let n = 0;
  return messyRecords(4_000, 11)
    .filter((r) => monthOfTs(r.ts) === MONTH)
    .map((r): LedgerRecord => {
      if (r.type !== 'call') return r;
      n++;
      // Every third task delegates: its calls alternate planner and executor.
      if (Number(r.task.slice(1)) % 3 !== 0) return r;
      if (n % 2) return { ...r, role: 'executor' } satisfies CallRecord;
      const carried = Math.min(400 + (n % 7) * 100, r.usage.cacheRead + r.usage.input);
      return {
        ...r,
        role: 'planner',
        carriedTokens: carried,
        carriedNew: n % 3 ? Math.floor(carried / 2) : 0,
      } satisfies CallRecord;
    });
}

const records = delegatedMonth();
const lines = (from: number, to: number): string =>
  records
    .slice(from, to)
    .map((r) => `${JSON.stringify(r)}\n`)
    .join('');

let root: string;
let dir: string;
let file: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kirikae-month-figures-'));
  dir = join(root, 'ledger');
  mkdirSync(dir, { recursive: true });
  file = monthFile(dir, MONTH);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The full read: every record of the file in an array, then the books over the month's. */
async function fullRead() {
  const { records: all, skipped } = await readLedgerMonth(dir, MONTH);
  const inMonth = all.filter((r) => tsInMonth(r.ts, MONTH));
  return { all, skipped, books: delegationReport(inMonth) };
}

describe("the month's one fold", () => {
  it('gives the delegation books a full read gives, cold and restored from the checkpoint', async () => {
    writeFileSync(file, lines(0, 900));
    const cold = await readMonthFigures(dir, options);
    expect(cold.books()).toStrictEqual((await fullRead()).books);
    expect(cold.books().roles.planner.calls).toBeGreaterThan(0);
    expect(cold.books().overhead.tokens).toBeGreaterThan(0);
    expect(existsSync(sidecarFile(dir, MONTH, 'summary'))).toBe(true);

    // A short tail (its records held back until the books are asked for), then a long one.
    appendFileSync(file, lines(900, 950));
    expect((await readMonthFigures(dir, options)).books()).toStrictEqual((await fullRead()).books);
    appendFileSync(file, lines(950, records.length));
    const warm = await readMonthFigures(dir, options);
    const full = await fullRead();
    expect(warm.books()).toStrictEqual(full.books);
    expect(warm.books()).not.toStrictEqual(cold.books());
    // And the report: the summary fold of the same records.
    const summary = monthSummaryBuilder(options);
    for (const r of full.all) summary.add(r);
    expect(warm.summary).toStrictEqual(summary.build(full.skipped));
  });

  it('gives `kirikae costs --by role` (text, JSON, CSV) the output of a full read', async () => {
    const env = { KIRIKAE_DATA_DIR: root, KIRIKAE_CONFIG_DIR: join(root, 'config') };
    expect(ledgerDir(env)).toBe(dir);
    writeFileSync(file, lines(0, 900));
    const run = async (args: { json?: boolean; csv?: boolean }) => {
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await runCosts(
        { by: 'role', ...args },
        { stdout, stderr: new PassThrough(), env, now },
      );
      expect(code).toBe(0);
      return out;
    };
    await run({}); // writes the checkpoint
    appendFileSync(file, lines(900, records.length));
    const { books } = await fullRead();
    expect(JSON.parse(await run({ json: true }))).toStrictEqual(
      JSON.parse(JSON.stringify(rolesJson(books, MONTH))),
    );
    expect(await run({ csv: true })).toBe(
      rolesCsv(books)
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(await run({})).toBe(
      rolesText(books, MONTH, file)
        .map((l) => `${l}\n`)
        .join(''),
    );
  });

  it('gives the costs screen the figures of a full read (report, what-if, delegation)', async () => {
    writeFileSync(file, lines(0, 900));
    const screen = { month: MONTH, by: 'model' as const, budgetUsd: 40, now, history: [1, 2] };
    await readCostsScreenData(dir, screen);
    appendFileSync(file, lines(900, records.length));
    const warm = await readCostsScreenData(dir, screen);
    const full = await fullRead();
    const delegation = delegationSummary(full.books);
    expect(delegation).toBeDefined();
    expect(warm.data).toStrictEqual({ ...costsScreenData(full.all, screen), delegation });
    expect(warm.skipped).toBe(full.skipped);
  });

  it('rebuilds a checkpoint of an older format instead of reading it', async () => {
    writeFileSync(file, lines(0, records.length));
    await readMonthFigures(dir, options);
    const sidecar = sidecarFile(dir, MONTH, 'summary');
    // The same checkpoint, marked as written by the format before this one.
    const bytes = readFileSync(sidecar);
    const headerEnd = 4 + bytes.readUInt32LE(0);
    const header = deserialize(bytes.subarray(4, headerEnd)) as { format: number };
    expect(header.format).toBe(FORMAT);
    const older = serialize({ ...header, format: FORMAT - 1 });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(older.length);
    writeFileSync(sidecar, Buffer.concat([length, older, bytes.subarray(headerEnd)]));

    const formatOf = () => {
      const b = readFileSync(sidecar);
      return (deserialize(b.subarray(4, 4 + b.readUInt32LE(0))) as { format: number }).format;
    };
    expect(formatOf()).toBe(FORMAT - 1);
    // A good checkpoint with nothing appended since is read and left as it is; this one is not
    // read: the month is read in full, the figures are a full read's, and a current one written.
    const figures = await readMonthFigures(dir, options);
    expect(figures.books()).toStrictEqual((await fullRead()).books);
    expect(formatOf()).toBe(FORMAT);
    const again = readFileSync(sidecar);
    await readMonthFigures(dir, options);
    expect(readFileSync(sidecar).equals(again)).toBe(true);
  });
});
