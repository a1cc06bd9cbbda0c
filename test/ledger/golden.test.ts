import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../src/catalog/prices.js';
import { parseModelRef } from '../../src/core/model-ref.js';
import { monthReport, perCompletedTask, topTasks } from '../../src/ledger/reports.js';
import { whatIfModel, whatIfRouting } from '../../src/ledger/whatif.js';
import { HAIKU, QWEN, SONNET46, goldenCalls, goldenRecords } from './fixtures.js';
import {
  cacheHitRate,
  groupCalls,
  latencyByModel,
  localShare,
  taskCosts,
  totals,
} from './oracle.js';

const NOW = new Date('2026-03-11T12:00:00.000Z');

describe('golden month: recorded prices', () => {
  it('every hand-computed costUsd matches the catalog (long-context tier included)', () => {
    for (const c of goldenCalls) {
      const priced = priceUsage(parseModelRef(c.model), c.usage);
      if (c.costUsd === null) expect(priced.usd).toBe('unknown');
      else expect(priced.usd).toBeCloseTo(c.costUsd, 10);
    }
  });
});

describe('golden month: reports', () => {
  it('totals known USD and keeps unpriced calls apart', () => {
    const t = totals(goldenCalls);
    // 0.09 + 1.0185 + 0.015 + 0.021 (+ three local calls at 0) = 1.1445
    expect(t.usd).toBeCloseTo(1.1445, 10);
    expect(t.calls).toBe(8);
    // c5: 5,000 input + 500 output on the unpriced model.
    expect(t.unknown).toEqual({ calls: 1, tokens: 5_500 });
    expect(t.energyUsd).toBeCloseTo(0.001, 10);
    // input: 20,000 + 10,000 + 140,000 + 1,000 + 8,000 + 5,000 + 3,000 + 2,000 = 189,000
    expect(t.usage.input).toBe(189_000);
  });

  it('groups by day, ISO week, tier, provider and task type', () => {
    const days = groupCalls(goldenCalls, 'day');
    expect(days.map((d) => [d.key, +d.usd.toFixed(6), d.calls])).toEqual([
      ['2026-03-02', 0.09, 2],
      ['2026-03-03', 1.0185, 1],
      ['2026-03-09', 0.015, 2],
      ['2026-03-10', 0.021, 3],
    ]);
    // 2026-03-02 is a Monday: 2–8 March is ISO week 10, 9–15 March week 11.
    // W10 = 0.09 + 1.0185 = 1.1085; W11 = 0.015 + 0.021 = 0.036 (+ one unpriced call).
    const weeks = groupCalls(goldenCalls, 'week');
    expect(weeks.map((w) => [w.key, +w.usd.toFixed(6), w.unknown.calls])).toEqual([
      ['2026-W10', 1.1085, 0],
      ['2026-W11', 0.036, 1],
    ]);
    // tier 1: 0.09 + 1.0185 + 0.021 = 1.1295; tier 2: 0.015; tier 3: three local calls, $0;
    // tier 4: one unpriced call. Ties at $0 go to the tier with more calls.
    const tiers = groupCalls(goldenCalls, 'tier');
    expect(tiers.map((r) => [r.key, +r.usd.toFixed(6), r.calls, r.unknown.calls])).toEqual([
      ['1', 1.1295, 3, 0],
      ['2', 0.015, 1, 0],
      ['3', 0, 3, 0],
      ['4', 0, 1, 1],
    ]);
    const providers = groupCalls(goldenCalls, 'provider');
    expect(providers.map((r) => [r.key, +r.usd.toFixed(6), r.calls])).toEqual([
      ['anthropic', 1.1445, 4],
      ['ollama', 0, 3],
      ['openrouter', 0, 1],
    ]);
    const types = groupCalls(goldenCalls, 'taskType');
    // implement: 0 (local) + 0.09 + 0.021 = 0.111
    expect(types.find((r) => r.key === 'implement')!.usd).toBeCloseTo(0.111, 10);
    expect(groupCalls(goldenCalls, 'month').map((r) => r.key)).toEqual(['2026-03']);
  });

  it('costs each completed task with every attempt, and shows the waste of abandoned ones', () => {
    const rows = perCompletedTask(taskCosts(goldenRecords));
    const row = (key: string) => rows.find((r) => r.key === key)!;
    // T1 = local attempt $0 + Sonnet escalation $0.09; T6 (abandoned, same group) wasted $0.021.
    expect(row('implement/1')).toMatchObject({ completed: 1, wastedTasks: 1, unknownTasks: 0 });
    expect(row('implement/1').meanUsd).toBeCloseTo(0.09, 10);
    // (0.09 + 0.021) / 1 completed = 0.111
    expect(row('implement/1').usdPerCompletedInclWaste).toBeCloseTo(0.111, 10);
    expect(row('long-context/1').meanUsd).toBeCloseTo(1.0185, 10);
    // T3: the failed local call ($0) and the Haiku fallback ($0.015).
    expect(row('docs/2').meanUsd).toBeCloseTo(0.015, 10);
    expect(row('quick-fix/3').meanUsd).toBe(0);
    // T4's only call is unpriced: counted, not averaged as $0.
    expect(row('research/4')).toMatchObject({ completed: 1, unknownTasks: 1, meanUsd: null });

    const byType = perCompletedTask(taskCosts(goldenRecords), 'taskType');
    expect(byType.map((r) => r.key).sort()).toEqual(
      ['docs', 'implement', 'long-context', 'quick-fix', 'research'].sort(),
    );
  });

  it('lists the five most expensive tasks, abandoned ones included', () => {
    const top = topTasks(taskCosts(goldenRecords));
    expect(top.map((t) => t.task)).toEqual(['T2', 'T1', 'T6', 'T3', 'T4']);
    expect(top[1]).toMatchObject({ outcome: 'completed', calls: 2, models: [QWEN, SONNET46] });
    expect(top[2]!.outcome).toBe('abandoned');
    expect(top[4]).toMatchObject({ usd: 0, unknownCalls: 1 });
  });

  it('computes local share of turns, calls and tokens', () => {
    const share = localShare(goldenCalls);
    // Turns: T1/1 local, T1/2, T2/1, T3/1 (fell back to Haiku: cloud), T4/1, T5/1 local, T6/1.
    expect(share.turns).toEqual({ local: 2, total: 7, share: 2 / 7 });
    expect(share.calls).toEqual({ local: 3, total: 8, share: 3 / 8 });
    // Local tokens: 21,500 + 1,000 + 3,400 = 25,900. All: 66,000 + 21,500 + 213,000 + 1,000
    // + 29,000 + 5,500 + 3,400 + 3,000 = 342,400.
    expect(share.tokens).toEqual({ local: 25_900, total: 342_400, share: 25_900 / 342_400 });
  });

  it('computes the prompt-cache hit rate of cloud input', () => {
    // cache reads 50,000 + 60,000 + 20,000 = 130,000 over cloud input 64,000 + 210,000
    // + 28,000 + 5,000 + 2,000 = 309,000 → 42.07 %
    expect(cacheHitRate(goldenCalls)).toEqual({
      rate: 130_000 / 309_000,
      cacheReadTokens: 130_000,
      inputTokens: 309_000,
    });
  });

  it('reports latency and tok/s of successful calls by model', () => {
    const rows = latencyByModel(goldenCalls);
    // qwen: c2 12 s and c6 3 s (the errored c7 is left out). Nearest rank: p50 = 3 s, p90 = 12 s.
    expect(rows.find((r) => r.model === QWEN)).toEqual({
      model: QWEN,
      calls: 2,
      p50Ms: 3_000,
      p90Ms: 12_000,
      tokPerSecP50: 40,
    });
    expect(rows.find((r) => r.model === SONNET46)).toMatchObject({ p50Ms: 4_000, p90Ms: 8_000 });
  });

  it('builds the whole month in one report', () => {
    const report = monthReport(goldenRecords, { month: '2026-03', now: NOW, budgetUsd: 200 });
    expect(report.totals.usd).toBeCloseTo(1.1445, 10);
    expect(report.dailySeries).toHaveLength(31);
    expect(report.dailySeries[2]).toEqual({ day: '2026-03-03', usd: 1.0185 });
    expect(report.topTasks).toHaveLength(5);
    // Other months' records are ignored.
    const april = monthReport(goldenRecords, { month: '2026-04', now: NOW, budgetUsd: 200 });
    expect(april.totals.calls).toBe(0);
  });
});

describe('golden month: what-if', () => {
  it('re-prices every call on Opus 4.6, local and cache tokens included', () => {
    const result = whatIfModel(goldenCalls);
    // Opus 4.6: in 5, out 25, cache read 0.50, cache write 6.25 per MTok (no long-context tier)
    // c1: 10,000×5 + 2,000×25 + 50,000×0.5 + 4,000×6.25 = 0.05 + 0.05 + 0.025 + 0.025 = 0.15
    // c2: 20,000×5 + 1,500×25                             = 0.1 + 0.0375             = 0.1375
    // c3: 140,000×5 + 60,000×0.5 + 10,000×6.25 + 3,000×25 = 0.7 + 0.03 + 0.0625 + 0.075 = 0.8675
    // c4: 8,000×5 + 1,000×25 + 20,000×0.5                 = 0.04 + 0.025 + 0.01       = 0.075
    // c6: 3,000×5 + 400×25                                = 0.015 + 0.01              = 0.025
    // c7: 1,000×5                                                                     = 0.005
    // c8: 2,000×5 + 1,000×25                              = 0.01 + 0.025              = 0.035
    // total 1.295; c5 is left out (its actual price is unknown). Actual: 1.1445.
    // saved = 1.295 − 1.1445 = 0.1505 → 0.1505 / 1.295 = 11.62 %
    expect(result.totalUsd).toBeCloseTo(1.295, 10);
    expect(result.actualUsd).toBeCloseTo(1.1445, 10);
    expect(result.savedUsd).toBeCloseTo(0.1505, 10);
    expect(result.savedPct).toBeCloseTo((0.1505 / 1.295) * 100, 8);
    expect(result).toMatchObject({ comparedCalls: 7, excludedCalls: 1, excludedTokens: 5_500 });
  });

  it('re-prices under another routing table (tier → model)', () => {
    const result = whatIfRouting(goldenCalls, { 1: HAIKU });
    // Tier-1 calls on Haiku (1 / 5 / 0.10 / 1.25):
    // c1: 0.01 + 0.01 + 0.005 + 0.005 = 0.03
    // c3: 140,000×1 + 60,000×0.1 + 10,000×1.25 + 3,000×5 = 0.14 + 0.006 + 0.0125 + 0.015 = 0.1735
    // c8: 0.002 + 0.005 = 0.007
    // other tiers keep their recorded cost: c4 0.015, local calls 0 → 0.2255
    expect(result.totalUsd).toBeCloseTo(0.2255, 10);
    // Routing cost more than the what-if: a negative saving, (0.2255 − 1.1445) / 0.2255.
    expect(result.savedPct).toBeCloseTo(((0.2255 - 1.1445) / 0.2255) * 100, 8);
    expect(result.label).toBe(`1→${HAIKU}`);
  });

  it('an unpriced what-if model is unknown, never $0', () => {
    const result = whatIfModel(goldenCalls, 'openrouter/acme/unpriced-model');
    expect(result.totalUsd).toBe('unknown');
    expect(result.savedPct).toBeNull();
    expect(result.excludedCalls).toBe(8);
  });
});
