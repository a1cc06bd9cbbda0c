import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/records.js';
import { sidecarFile } from '../../src/ledger/checkpoint.js';
import { readMonthSummary } from '../../src/ledger/month.js';
import { monthFile, readLedgerMonth } from '../../src/ledger/store.js';
import { startChild, waitFor } from '../support/child.js';

const CHILD = fileURLToPath(new URL('./append-child.ts', import.meta.url));

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'kirikae-crash-')), 'ledger');
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

function start(tag: string, count: number | 'forever'): ChildProcess {
  return startChild(CHILD, [dir, tag, String(count)], children);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Turns of one writer's records, checked to be exactly 0..n-1 in order. */
function turnsOf(records: readonly CallRecord[], tag: string): number[] {
  return records.filter((r) => r.task === tag).map((r) => r.turn);
}

describe('ledger under crashes and concurrency', () => {
  it('a process killed with SIGKILL mid-append loses no completed record', async () => {
    const child = start('killed', 'forever');
    await waitFor(child, 'ready');
    child.stdin!.write('go\n');
    await waitFor(child, 'appending');
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');

    const { records, skipped } = await readLedgerMonth(dir, '2026-03');
    const turns = turnsOf(records as CallRecord[], 'killed');
    expect(turns.length).toBeGreaterThan(100);
    // Every record the child finished writing is there, in order, with no gap.
    expect(turns).toEqual(turns.map((_, i) => i));
    // At most the line being written at the kill is torn, and it is skipped.
    expect(skipped).toBeLessThanOrEqual(1);
    const text = readFileSync(monthFile(dir, '2026-03'), 'utf8');
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length - turns.length).toBe(skipped);
  });

  it('two processes appending 2,000 records each lose nothing and interleave no partial lines', async () => {
    const a = start('alpha', 2000);
    const b = start('beta', 2000);
    await Promise.all([waitFor(a, 'ready'), waitFor(b, 'ready')]);
    a.stdin!.write('go\n');
    b.stdin!.write('go\n');
    expect(await Promise.all([exited(a), exited(b)])).toEqual([0, 0]);

    const { records, skipped } = await readLedgerMonth(dir, '2026-03');
    expect(skipped).toBe(0);
    expect(records).toHaveLength(4000);
    const expected = Array.from({ length: 2000 }, (_, i) => i);
    expect(turnsOf(records as CallRecord[], 'alpha')).toEqual(expected);
    expect(turnsOf(records as CallRecord[], 'beta')).toEqual(expected);
  });

  it('month reports read while two processes append, through the fold sidecar, end equal to a read without it', async () => {
    const a = start('alpha', 3000);
    const b = start('beta', 3000);
    await Promise.all([waitFor(a, 'ready'), waitFor(b, 'ready')]);
    a.stdin!.write('go\n');
    b.stdin!.write('go\n');
    const options = { month: '2026-03', now: new Date('2026-03-31T00:00:00Z'), budgetUsd: 50 };
    const done = Promise.all([exited(a), exited(b)]);
    let running = true;
    void done.then(() => (running = false));
    const seen: number[] = [];
    // Each read may write a sidecar covering whatever complete lines were there at that moment.
    while (running) {
      seen.push((await readMonthSummary(dir, options)).report.totals.calls);
    }
    expect(await done).toEqual([0, 0]);
    expect(seen.length).toBeGreaterThan(1);
    expect(existsSync(sidecarFile(dir, '2026-03', 'summary'))).toBe(true);

    const copy = join(dir, '..', 'copy');
    mkdirSync(copy);
    writeFileSync(monthFile(copy, '2026-03'), readFileSync(monthFile(dir, '2026-03')));
    const summary = await readMonthSummary(dir, options);
    expect(summary.report.totals.calls).toBe(6000);
    expect(summary).toStrictEqual(await readMonthSummary(copy, options));
  });
});
