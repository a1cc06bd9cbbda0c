import { describe, expect, it } from 'vitest';
import { budgetState, checkSpend, crossedLevels, warnLevelOf } from '../../src/ledger/budget.js';

const budget = {
  monthlyUsd: 200,
  dailySoftUsd: 10,
  action: 'ask' as const,
  warnAt: [0.5, 0.8, 0.95],
};
const now = new Date('2026-03-11T12:00:00Z');

describe('budgetState', () => {
  it('reports spend, fraction, remaining, the warning level and the daily cap', () => {
    const state = budgetState(
      { month: '2026-03', spentUsd: 170, unknownCostCalls: 2, dailyUsd: { '2026-03-11': 12 } },
      budget,
      now,
    );
    // 170 / 200 = 0.85: past 80 %, not yet 95 %; 30 left. Today 12 > soft cap 10.
    expect(state).toMatchObject({
      fraction: 0.85,
      remainingUsd: 30,
      warnLevel: 0.8,
      exceeded: false,
      unknownCostCalls: 2,
      action: 'ask',
    });
    expect(state.daily).toEqual({ todayUsd: 12, softCapUsd: 10, fraction: 1.2, exceeded: true });
  });

  it('has no daily cap state when none is configured, and flags an exceeded month', () => {
    const state = budgetState(
      { month: '2026-03', spentUsd: 201, unknownCostCalls: 0, dailyUsd: {} },
      { ...budget, dailySoftUsd: undefined },
      now,
    );
    expect(state.exceeded).toBe(true);
    expect(state.remainingUsd).toBe(0);
    expect(state.warnLevel).toBe(0.95);
    expect(state.daily).toEqual({ todayUsd: 0, softCapUsd: null, fraction: null, exceeded: false });
  });

  it('a zero budget is full as soon as anything is spent', () => {
    const state = budgetState(
      { month: '2026-03', spentUsd: 0.01, unknownCostCalls: 0, dailyUsd: {} },
      { ...budget, monthlyUsd: 0 },
      now,
    );
    expect(state.fraction).toBe(1);
    expect(state.exceeded).toBe(true);
  });
});

describe('warnings and the guard', () => {
  it('finds the highest level crossed and the levels crossed by one call', () => {
    expect(warnLevelOf(0.49, [0.5, 0.8, 0.95])).toBeNull();
    expect(warnLevelOf(0.96, [0.95, 0.5, 0.8])).toBe(0.95);
    // From 45 % to 85 % in one expensive call: both 50 % and 80 % are announced, once.
    expect(crossedLevels(0.45, 0.85, [0.5, 0.8, 0.95])).toEqual([0.5, 0.8]);
    expect(crossedLevels(0.85, 0.9, [0.5, 0.8, 0.95])).toEqual([]);
  });

  it('tells the router whether a call would cross the month or the day', () => {
    const state = budgetState(
      { month: '2026-03', spentUsd: 195, unknownCostCalls: 0, dailyUsd: { '2026-03-11': 8 } },
      budget,
      now,
    );
    expect(checkSpend(state, 1)).toEqual({
      overMonthly: false,
      overDaily: false,
      remainingAfterUsd: 4,
    });
    expect(checkSpend(state, 3)).toMatchObject({ overMonthly: false, overDaily: true });
    expect(checkSpend(state, 6)).toEqual({
      overMonthly: true,
      overDaily: true,
      remainingAfterUsd: 0,
    });
  });
});
