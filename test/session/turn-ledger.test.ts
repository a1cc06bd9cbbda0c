import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallRecord, LedgerRecord } from '../../src/core/records.js';
import { TurnLedger, buildCallRecord } from '../../src/session/turn-ledger.js';
import { configSchema } from '../../src/config/schema.js';

const usage = { input: 1_000, output: 500, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
const base = {
  session: 's',
  task: 't',
  turn: 1,
  tier: 3 as const,
  decision: 'accepted' as const,
  usage,
  outcome: 'ok' as const,
};

describe('buildCallRecord', () => {
  it('prices a local call at 0 per token and its electricity from measured watts', () => {
    const config = configSchema.parse({ local: { energyUsdPerKwh: 0.3, defaultWatts: 60 } });
    const ref = { provider: 'ollama' as const, model: 'qwen3-coder:30b' };
    // 90 W for 40 s = 3,600 J = 1 Wh; 1 Wh at $0.30/kWh = $0.0003.
    const measured = buildCallRecord({ ...base, ref, durationMs: 40_000, watts: 90 }, config);
    expect(measured).toMatchObject({ costUsd: 0, priceSource: 'local' });
    expect(measured.energyWh).toBeCloseTo(1, 10);
    expect(measured.energyUsd).toBeCloseTo(0.0003, 10);
    // Without a macmon reading the configured 60 W is used: 40 s → 2/3 Wh.
    const assumed = buildCallRecord({ ...base, ref, durationMs: 40_000 }, config);
    expect(assumed.energyWh).toBeCloseTo(2 / 3, 10);
  });

  it('records no energy for a cloud call, and null (never 0) for an unpriced model', () => {
    const config = configSchema.parse({});
    const cloud = buildCallRecord(
      { ...base, ref: { provider: 'anthropic', model: 'claude-sonnet-4-6' }, durationMs: 1_000 },
      config,
    );
    // 1,000 × $3/M + 500 × $15/M = $0.003 + $0.0075.
    expect(cloud.costUsd).toBeCloseTo(0.0105, 10);
    expect(cloud.energyWh).toBeUndefined();
    const unknown = buildCallRecord(
      { ...base, ref: { provider: 'openai', model: 'no-such-model' }, durationMs: 1_000 },
      config,
    );
    expect(unknown).toMatchObject({ costUsd: null, priceSource: 'unknown' });
  });
});

describe('TurnLedger.markCalls and recoverInterrupted', () => {
  it('keeps a marker from each step to its model_call, and books a dead run’s as estimated', () => {
    const root = mkdtempSync(join(tmpdir(), 'kirikae-marks-'));
    const inflight = join(root, 'inflight');
    const appended: LedgerRecord[] = [];
    const ledger = new TurnLedger({
      config: () => configSchema.parse({}),
      session: 's1',
      append: (record) => appended.push(record),
      inflightDir: inflight,
    });
    const mark = ledger.markCalls(() => ({
      task: 't1',
      turn: 3,
      model: 'ollama/qwen3-coder:30b',
      tier: 3,
      decision: 'accepted',
      fallbackHops: [],
      role: 'executor',
    }));
    mark({ type: 'step', step: 1, maxSteps: 8, promptChars: 8_000 });
    mark({ type: 'text', text: 'x'.repeat(400) });
    expect(readdirSync(inflight)).toHaveLength(1);
    mark({ type: 'step', step: 2, maxSteps: 8, promptChars: 9_000 });
    // A new step without the last one's model_call: the first stays for the next run to book.
    expect(readdirSync(inflight)).toHaveLength(2);

    expect(ledger.recoverInterrupted({ alive: () => false })).toBe(2);
    const calls = appended.filter((r): r is CallRecord => r.type === 'call');
    expect(calls.map((c) => [c.usage.input, c.usage.output])).toEqual(
      expect.arrayContaining([
        [2_000, 100],
        [2_250, 0],
      ]),
    );
    expect(calls[0]).toMatchObject({
      session: 's1',
      turn: 3,
      role: 'executor',
      outcome: 'aborted',
      usageEstimated: true,
      costUsd: 0,
    });
    expect(readdirSync(inflight)).toEqual([]);

    mark({ type: 'step', step: 3, maxSteps: 8, promptChars: 1 });
    mark({
      type: 'model_call',
      step: 3,
      usage,
      metrics: { durationMs: 10 },
    } as Parameters<typeof mark>[0]);
    expect(readdirSync(inflight)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  it('prices the part of a killed call’s prompt the last call left cached as a cache read', () => {
    const root = mkdtempSync(join(tmpdir(), 'kirikae-marks-'));
    const appended: LedgerRecord[] = [];
    const ledger = new TurnLedger({
      config: () => configSchema.parse({}),
      session: 's1',
      append: (record) => appended.push(record),
      inflightDir: join(root, 'inflight'),
    });
    const mark = ledger.markCalls(() => ({
      task: 't1',
      turn: 1,
      model: 'anthropic/claude-sonnet-4-6',
      tier: 1,
      decision: 'accepted',
      fallbackHops: [],
    }));
    mark({ type: 'step', step: 1, maxSteps: 8, promptChars: 40_000 });
    mark({
      type: 'model_call',
      step: 1,
      usage: { input: 200, output: 50, cacheRead: 9_000, cacheWrite: 800, reasoning: 0 },
      metrics: { durationMs: 10 },
    } as Parameters<typeof mark>[0]);
    // The next request carries those 10,000 tokens and 2,000 more; then kirikae dies.
    mark({ type: 'step', step: 2, maxSteps: 8, promptChars: 48_000 });
    expect(ledger.recoverInterrupted({ alive: () => false })).toBe(1);
    const [call] = appended as CallRecord[];
    expect(call!.usage).toMatchObject({ input: 2_000, cacheRead: 10_000, output: 0 });
    // At Sonnet 4.6's $3/M input and $0.30/M cache read: well below all of it as fresh input.
    expect(call!.costUsd).toBeCloseTo(2_000 * 3e-6 + 10_000 * 0.3e-6, 9);
    rmSync(root, { recursive: true, force: true });
  });
});
