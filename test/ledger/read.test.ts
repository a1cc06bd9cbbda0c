import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/core/records.js';
import { decodeLines, LineDecoder, visitBytes, type ReadResult } from '../../src/ledger/codec.js';
import { monthFile, readLedgerMonth, scanLedgerMonth } from '../../src/ledger/store.js';
import { call, generator, task, verify } from './fixtures.js';

/*
 * The reader decodes the file in blocks and pieces instead of one big string. Wherever the
 * cuts fall, the result must be exactly what decoding the whole text gives: same records,
 * same skip count, torn and glued lines included.
 */

/** A decoder collecting what it reads, and the result once the input is complete. */
function collector(): { decoder: LineDecoder; result: () => ReadResult } {
  const records: LedgerRecord[] = [];
  const decoder = new LineDecoder((record) => {
    records.push(record);
  });
  return { decoder, result: () => ({ skipped: decoder.end(), records }) };
}

/** Lines of every kind: valid records, multi-byte text, corruption, blanks, CRLF, a torn tail. */
function ledgerText(lines: number, seed: number): string {
  const next = generator(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ts = `2026-03-${String(1 + next(28)).padStart(2, '0')}T10:00:00.000Z`;
    switch (next(10)) {
      case 0:
        out.push('garbage ✗ not json');
        break;
      case 1:
        out.push('');
        break;
      case 2:
        // A torn line with the next record glued onto it.
        out.push(`{"v":1,"type":"call","ts":"2026${JSON.stringify(call({ ts, turn: i }))}`);
        break;
      case 3:
        out.push(
          `${JSON.stringify(verify({ ts, command: `npm test -- 日本語 ${'é'.repeat(next(50))}` }))}\r`,
        );
        break;
      case 4:
        out.push(JSON.stringify(task({ ts, task: `täsk-${i}`, models: ['a', 'b'] })));
        break;
      default:
        out.push(JSON.stringify(call({ ts, turn: i, session: `séssion ${next(3)} 🦀` })));
    }
  }
  return `${out.join('\n')}\n{"v":1,"type":"call","ts":"2026-03-0`; // torn by a crash
}

describe('decoding in blocks and pieces', () => {
  it('gives what decoding the whole text gives, for any block boundaries', () => {
    const text = ledgerText(400, 1);
    const bytes = Buffer.from(text, 'utf8');
    const expected = decodeLines(text);
    expect(expected.skipped).toBeGreaterThan(50);
    const next = generator(2);
    for (let round = 0; round < 60; round++) {
      const { decoder, result } = collector();
      // Blocks from 1 byte (splitting every multi-byte character) to a few lines long.
      const largest = [1, 7, 64, 700, 5_000][round % 5]!;
      for (let at = 0; at < bytes.length;) {
        const size = 1 + next(largest);
        decoder.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(result()).toStrictEqual(expected);
    }
  });

  it('cuts pieces at newlines only, even around a line longer than a piece', () => {
    const huge = JSON.stringify(
      verify({ ts: '2026-03-02T10:00:00.000Z', command: 'ü'.repeat(150_000) }),
    );
    const text = [ledgerText(2_000, 3), huge, ledgerText(2_000, 4), huge].join('\n');
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(4 * 64 * 1024);
    const expected = decodeLines(text);
    const records: LedgerRecord[] = [];
    const skipped = visitBytes(bytes, (record) => {
      records.push(record);
    });
    expect({ records, skipped }).toStrictEqual(expected);
    const { decoder, result } = collector();
    decoder.push(bytes.subarray(0, 200_001));
    decoder.push(bytes.subarray(200_001));
    expect(result()).toStrictEqual(expected);
  });

  it('handles an empty input and a file without a final newline', () => {
    expect(collector().result()).toStrictEqual({ records: [], skipped: 0 });
    const line = JSON.stringify(call({ ts: '2026-03-02T10:00:00.000Z' }));
    const { decoder, result } = collector();
    decoder.push(Buffer.from(line));
    expect(result().records).toHaveLength(1);
  });
});

describe('readLedgerMonth', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'kirikae-read-')), 'ledger');
    mkdirSync(dir);
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('reads a file several read blocks long exactly as decoding it whole', async () => {
    const file = monthFile(dir, '2026-03');
    writeFileSync(file, ledgerText(12_000, 5));
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const read = await readLedgerMonth(dir, '2026-03');
    expect(read).toStrictEqual(decodeLines(bytes.toString('utf8')));
    expect(read.records.length).toBeGreaterThan(8_000);
  });

  it('reads a missing month as empty and an empty file as empty', async () => {
    expect(await readLedgerMonth(dir, '2026-01')).toEqual({ records: [], skipped: 0 });
    writeFileSync(monthFile(dir, '2026-02'), '');
    expect(await readLedgerMonth(dir, '2026-02')).toEqual({ records: [], skipped: 0 });
  });

  it('scans the same records without keeping them, and lets a visitor error through', async () => {
    writeFileSync(monthFile(dir, '2026-03'), ledgerText(3_000, 6));
    const read = await readLedgerMonth(dir, '2026-03');
    const seen: LedgerRecord[] = [];
    const { skipped } = await scanLedgerMonth(dir, '2026-03', (record) => {
      seen.push(record);
    });
    expect({ records: seen, skipped }).toStrictEqual(read);
    const stop = new Error('stop');
    await expect(
      scanLedgerMonth(dir, '2026-03', () => {
        throw stop;
      }),
    ).rejects.toBe(stop);
  });

  it('reports a month that cannot be read as an error', async () => {
    mkdirSync(monthFile(dir, '2026-04')); // a folder where the file should be
    await expect(readLedgerMonth(dir, '2026-04')).rejects.toThrow(/Cannot read ledger file/);
  });
});
