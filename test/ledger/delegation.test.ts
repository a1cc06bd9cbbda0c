// The delegation books: the planner's re-read overhead against hand arithmetic on Opus 4.6's
// catalog rates, roles on old and new ledger lines, delegated vs solo verdicts, the card's
// advice, and `kirikae costs --by role`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCosts } from '../../src/commands/costs.js';
import type { LedgerRecord } from '../../src/core/records.js';
import { decodeLines, encodeRecord } from '../../src/ledger/codec.js';
import {
  carriedUsd,
  delegationAdvice,
  delegationReport,
  rowVerdict,
  splitCarried,
  verdictText,
} from '../../src/ledger/delegation.js';
import { fastRecord } from '../../src/ledger/fast-check.js';
import { readCostsScreenData } from '../../src/ledger/month.js';
import { ledgerDir, openLedger } from '../../src/ledger/store.js';
import { delegationLines } from '../../src/ui/screens/costs-delegation.js';
import { call, task, usage } from './fixtures.js';

const OPUS = 'anthropic/claude-opus-4-6';
const TS = '2026-03-10T09:00:00.000Z';
// Opus 4.6 list prices per token (anthropic.com/pricing): input $5/M, 5-minute cache write
// $6.25/M, 1-hour cache write $10/M, cache read $0.50/M.
const IN = 5e-6;
const WRITE = 6.25e-6;
const WRITE_1H = 10e-6;
const READ = 0.5e-6;

describe('planner re-read overhead', () => {
  it('puts re-read tokens in cache reads first and new ones in cache writes first', () => {
    const r = call({
      ts: TS,
      model: OPUS,
      role: 'planner',
      usage: usage({ input: 300, cacheRead: 800, cacheWrite: 500 }),
      carriedTokens: 1_500,
      carriedNew: 400,
    });
    // New 400 → 400 of the 500 written. Old 1,100 → 800 read, then the 100 writes left, then
    // 200 of the plain input.
    expect(splitCarried(r)).toEqual({ cacheRead: 800, cacheWrite: 500, input: 200 });
    expect(carriedUsd(r)).toBeCloseTo(800 * READ + 500 * WRITE + 200 * IN, 15);
  });

  it('never books more than the call was billed for, and prices 1-hour writes at their rate', () => {
    const r = call({
      ts: TS,
      model: OPUS,
      role: 'planner',
      usage: usage({ input: 10, cacheRead: 20, cacheWrite: 40, cacheWrite1h: 40 }),
      carriedTokens: 5_000,
      carriedNew: 30,
    });
    expect(splitCarried(r)).toEqual({ cacheRead: 20, cacheWrite: 40, input: 10 });
    expect(carriedUsd(r)).toBeCloseTo(20 * READ + 40 * WRITE_1H + 10 * IN, 15);
  });

  it('sums over the task: the figure of a scripted delegated task by hand', () => {
    const planner = (
      costUsd: number,
      u: Parameters<typeof usage>[0],
      carried: number,
      fresh: number,
    ) =>
      call({
        ts: TS,
        task: 'd1',
        model: OPUS,
        role: 'planner',
        taskType: 'refactor',
        costUsd,
        usage: usage(u),
        carriedTokens: carried,
        carriedNew: fresh,
      });
    const calls: LedgerRecord[] = [
      // The planner delegates: nothing carried yet.
      planner(0.02, { input: 1_200, cacheWrite: 2_000 }, 0, 0),
      call({
        ts: TS,
        task: 'd1',
        model: 'ollama/qwen3-coder:30b',
        tier: 3,
        role: 'executor',
        taskType: 'refactor',
        costUsd: 0,
        usage: usage({ input: 900, output: 40 }),
      }),
      // Reads the 350-token result for the first time (written to the cache)…
      planner(0.01, { input: 20, cacheRead: 3_200, cacheWrite: 400 }, 350, 350),
      // …then twice more from the cache.
      planner(0.005, { input: 15, cacheRead: 3_650, cacheWrite: 100 }, 350, 0),
      planner(0.005, { input: 12, cacheRead: 3_750, cacheWrite: 90 }, 350, 0),
      task({ ts: TS, task: 'd1', taskType: 'refactor' }),
    ];
    const report = delegationReport(calls);
    expect(report.overhead.tokens).toBe(1_050);
    expect(report.overhead.rereadTokens).toBe(700);
    // 350 × $6.25/M + 2 × 350 × $0.50/M = $0.0021875 + $0.00035.
    expect(report.overhead.usd.usd).toBeCloseTo(0.0025375, 12);
    expect(report.roles.planner).toMatchObject({ calls: 4, input: 1_247 });
    expect(report.roles.executor.calls).toBe(1);
    expect(report.roles.planner.usd.usd).toBeCloseTo(0.04, 12);
    expect(report.tasks[0]).toMatchObject({ delegated: true, outcome: 'completed' });
  });
});

describe('roles on the ledger', () => {
  it('reads old lines without a role as solo, and round-trips roles and carried tokens', () => {
    const old = call({ ts: TS, costUsd: 0.01 });
    const planner = call({ ts: TS, role: 'planner', carriedTokens: 120, carriedNew: 40 });
    const text = [old, planner].map((r) => encodeRecord(r).line).join('');
    const { records, skipped } = decodeLines(text);
    expect(skipped).toBe(0);
    expect(records[1]).toEqual(planner);
    // The hand-written fast path accepts the new fields exactly as zod does.
    expect(fastRecord(JSON.parse(encodeRecord(planner).line))).toEqual(planner);
    expect(fastRecord({ ...planner, carriedTokens: -1 })).toBeUndefined();
    expect(delegationReport(records).roles.solo.calls).toBe(1);
  });
});

function mixedHistory(): LedgerRecord[] {
  const out: LedgerRecord[] = [];
  // Two solo refactor tasks: $0.10 and $0.14 completed, one $0.06 abandoned.
  for (const [id, usd, outcome] of [
    ['s1', 0.1, 'completed'],
    ['s2', 0.14, 'completed'],
    ['s3', 0.06, 'abandoned'],
  ] as const) {
    out.push(call({ ts: TS, task: id, taskType: 'refactor', costUsd: usd }));
    out.push(task({ ts: TS, task: id, taskType: 'refactor', outcome }));
  }
  // Two delegated refactor tasks, both completed: $0.25 and $0.31.
  for (const [id, usd] of [
    ['d1', 0.25],
    ['d2', 0.31],
  ] as const) {
    out.push(call({ ts: TS, task: id, taskType: 'refactor', role: 'planner', costUsd: usd }));
    out.push(call({ ts: TS, task: id, taskType: 'refactor', role: 'executor', costUsd: 0 }));
    out.push(task({ ts: TS, task: id, taskType: 'refactor' }));
  }
  return out;
}

describe('delegated against solo', () => {
  it('compares cost per completed task (waste included) and success, per task type', () => {
    const row = delegationReport(mixedHistory()).byTaskType.find((r) => r.taskType === 'refactor')!;
    // Solo: ($0.10 + $0.14 + $0.06 wasted) / 2 completed = $0.15; delegated: $0.56 / 2 = $0.28.
    expect(row.solo).toMatchObject({ tasks: 3, completed: 2 });
    expect(row.solo.usdPerCompleted).toBeCloseTo(0.15, 12);
    expect(row.delegated.usdPerCompleted).toBeCloseTo(0.28, 12);
    expect(row.deltaUsd).toBeCloseTo(0.13, 12);
    expect(verdictText(row.deltaUsd!)).toBe('delegation cost $0.130 more');
    expect(verdictText(-0.27)).toBe('delegation saved $0.270');
    const none = { tasks: 2, completed: 0, successRate: 0, usdPerCompleted: null };
    const some = { tasks: 1, completed: 1, successRate: 1, usdPerCompleted: 0.1 };
    expect(rowVerdict({ taskType: 'debug', delegated: none, solo: some, deltaUsd: null })).toBe(
      'no delegated task completed yet',
    );
    expect(rowVerdict({ taskType: 'debug', delegated: some, solo: none, deltaUsd: null })).toBe(
      'no solo task completed to compare',
    );
  });

  it("warns the card with the figures when this task type's delegation costs more", () => {
    expect(delegationAdvice(mixedHistory(), 'refactor')).toBe(
      'delegating refactor tasks cost $0.280 per completed task vs $0.150 solo (2 delegated, 3 solo tasks in the ledger)',
    );
    // No history for the type, or delegation cheaper: no warning.
    expect(delegationAdvice(mixedHistory(), 'debug')).toBeUndefined();
    const cheaper = mixedHistory().map((r) =>
      r.type === 'call' && r.role === 'planner' ? { ...r, costUsd: 0.05 } : r,
    );
    expect(delegationAdvice(cheaper, 'refactor')).toBeUndefined();
  });

  it('warns when delegation completes less often even if it is cheaper', () => {
    const history = mixedHistory().map((r) =>
      r.type === 'call' && r.role === 'planner' ? { ...r, costUsd: 0.01 } : r,
    );
    history.push(
      call({ ts: TS, task: 'd3', taskType: 'refactor', role: 'planner', costUsd: 0.01 }),
    );
    history.push(task({ ts: TS, task: 'd3', taskType: 'refactor', outcome: 'failed' }));
    history.push(call({ ts: TS, task: 's4', taskType: 'refactor', costUsd: 0.1 }));
    history.push(task({ ts: TS, task: 's4', taskType: 'refactor' }));
    // Delegated: 2 of 3 completed at $0.015 each; solo: 3 of 4 at $0.133.
    expect(delegationAdvice(history, 'refactor')).toBe(
      'completed 67% vs 75% solo (3 delegated, 4 solo tasks in the ledger)',
    );
  });
});

describe('kirikae costs --by role', () => {
  it('prints roles, the overhead and the verdict from the month file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kirikae-roles-'));
    const env = { KIRIKAE_DATA_DIR: join(root, 'data'), KIRIKAE_CONFIG_DIR: join(root, 'config') };
    const now = new Date('2026-03-11T12:00:00Z');
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    for (const r of mixedHistory()) ledger.append(r);
    ledger.append(
      call({
        ts: TS,
        task: 'd1',
        taskType: 'refactor',
        model: OPUS,
        role: 'planner',
        costUsd: 0,
        usage: usage({ cacheRead: 1_000 }),
        carriedTokens: 400,
        carriedNew: 0,
      }),
    );
    ledger.close();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await runCosts({ by: 'role' }, { stdout, stderr: new PassThrough(), env, now });
    expect(code).toBe(0);
    expect(out).toMatch(/^planner\s+3\b/m);
    expect(out).toMatch(/^executor\s+2\b/m);
    // 400 tokens re-read from the cache at $0.50/M = $0.0002.
    expect(out).toContain(
      'planner re-read overhead: 400 tokens of executor results (400 read again) · $0.0002',
    );
    expect(out).toMatch(/refactor .* delegation cost \$0\.130 more/);

    let json = '';
    const jsonOut = new PassThrough().on('data', (c: Buffer) => (json += c.toString()));
    await runCosts(
      { by: 'role', json: true },
      { stdout: jsonOut, stderr: new PassThrough(), env, now },
    );
    const parsed = JSON.parse(json) as {
      overhead: { usd: number };
      delegatedTasks: { vsSoloUsd: number }[];
    };
    expect(parsed.overhead.usd).toBeCloseTo(0.0002, 9);
    expect(parsed.delegatedTasks).toHaveLength(2);
    rmSync(root, { recursive: true, force: true });
  });
});

/** The costs screen's data for March 2026 from a ledger holding `records`. */
async function screenData(records: LedgerRecord[]) {
  const root = mkdtempSync(join(tmpdir(), 'kirikae-roles-screen-'));
  const dir = join(root, 'data');
  const now = new Date('2026-03-11T12:00:00Z');
  const ledger = openLedger(dir, { now: () => now });
  for (const r of records) ledger.append(r);
  ledger.close();
  const { data } = await readCostsScreenData(dir, {
    month: '2026-03',
    by: 'tier',
    budgetUsd: 100,
    now,
  });
  rmSync(root, { recursive: true, force: true });
  return data;
}

describe('the costs screen', () => {
  it('reads the delegation books in the same pass and words planner, executor, overhead, verdict', async () => {
    const data = await screenData(mixedHistory());
    expect(delegationLines(data.delegation!)).toEqual([
      'delegation: planner $0.560 (2 calls) · executor $0.00 (2 calls)',
      'planner re-read overhead $0.00 · 0 tokens of executor results',
      'refactor: $0.280 delegated vs $0.150 solo per completed task — delegation cost $0.130 more',
    ]);
  });

  it('shows nothing for a month without delegation', async () => {
    expect((await screenData([call({ ts: TS, costUsd: 0.01 })])).delegation).toBeUndefined();
  });
});
