import { describe, expect, it } from 'vitest';
import { costsScreenData } from '../../src/ledger/screen.js';
import { goldenRecords } from './fixtures.js';

describe('costsScreenData', () => {
  const data = costsScreenData(goldenRecords, {
    month: '2026-03',
    by: 'tier',
    budgetUsd: 2,
    dailySoftUsd: 0.5,
    now: new Date('2026-03-10T18:00:00Z'),
  });

  it('gives month spend against the budget and the daily series', () => {
    // 1.1445 of 2 → 57 %: past the 50 % warning.
    expect(data.budget.spentUsd).toBeCloseTo(1.1445, 10);
    expect(data.budget.fraction).toBeCloseTo(0.57225, 10);
    expect(data.budget.warnLevel).toBe(0.5);
    // Today (10 March): c8 $0.021; c5 is unpriced and c6 local.
    expect(data.budget.daily).toMatchObject({ todayUsd: 0.021, softCapUsd: 0.5, exceeded: false });
    expect(data.daily).toHaveLength(31);
    expect(data.daily.find((d) => d.day === '2026-03-03')!.usd).toBe(1.0185);
  });

  it('has a bar for every tier, spent or not, with its share of the known spend', () => {
    expect(data.tiers.map((t) => t.name)).toEqual([
      'frontier',
      'standard',
      'efficient',
      'local',
      'budget',
    ]);
    // tier 1: 1.1295 / 1.1445 = 98.7 %
    expect(data.tiers[1]!.share).toBeCloseTo(1.1295 / 1.1445, 10);
    expect(data.tiers[0]).toMatchObject({ usd: 0, share: 0, calls: 0 });
    expect(data.tiers[4]).toMatchObject({ usd: 0, calls: 1, unknownCalls: 1 });
  });

  it('carries savings vs all-Opus, local share, cache hit rate, top tasks and unknown cost', () => {
    expect(data.savings.label).toBe('anthropic/claude-opus-4-6');
    expect(data.savings.totalUsd).toBeCloseTo(1.295, 10);
    expect(data.localShare.turns.share).toBeCloseTo(2 / 7, 12);
    expect(data.cacheHitRate.rate).toBeCloseTo(130_000 / 309_000, 12);
    expect(data.topTasks.map((t) => t.task)).toEqual(['T2', 'T1', 'T6', 'T3', 'T4']);
    expect(data.unknown).toEqual({ calls: 1, tokens: 5_500 });
  });

  it('groups by the chosen dimension', () => {
    const byTask = costsScreenData(goldenRecords, {
      month: '2026-03',
      by: 'task',
      budgetUsd: 200,
      now: new Date('2026-03-10T18:00:00Z'),
    });
    // long-context (1.0185) first, then implement (0.09 + 0.021 = 0.111).
    expect(byTask.groups.slice(0, 2).map((g) => g.key)).toEqual(['long-context', 'implement']);
    expect(byTask.groups[1]!.usd).toBeCloseTo(0.111, 10);
  });
});
