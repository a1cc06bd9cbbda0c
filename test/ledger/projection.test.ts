import { describe, expect, it } from 'vitest';
import { projectMonthEnd } from '../../src/ledger/reports.js';
import { median, percentile } from '../../src/ledger/stats.js';

function daily(values: Record<number, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).map(([day, usd]) => [`2026-03-${String(day).padStart(2, '0')}`, usd]),
  );
}

describe('percentiles', () => {
  it('use the nearest rank, so every figure is a day that happened', () => {
    // [1, 2, 3, 4]: p50 rank ⌈0.5 × 4⌉ = 2 → 2; p90 rank ⌈3.6⌉ = 4 → 4
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(percentile([4, 1, 3, 2], 0.9)).toBe(4);
    expect(median([])).toBeNull();
  });
});

describe('projectMonthEnd', () => {
  it('projects a skewed month with the median and the p90 day, not the mean', () => {
    // March 2026 has 31 days. Now: 11 March, 12:00 UTC → 10 finished days, half of today left.
    // Finished days: eight $2 days and two heavy days ($40, $60); today so far $3.
    const result = projectMonthEnd({
      month: '2026-03',
      now: new Date('2026-03-11T12:00:00Z'),
      budgetUsd: 200,
      dailyUsd: daily({ 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 40, 10: 60, 11: 3 }),
    });
    // spent = 8 × 2 + 40 + 60 + 3 = 119; remaining = 31 − 10 − 0.5 = 20.5 days
    // sorted sample [2 ×8, 40, 60]: median (rank 5) = 2, p90 (rank 9) = 40, mean = 116 / 10 = 11.6
    // p50 = 119 + 2 × 20.5 = 160; p90 = 119 + 40 × 20.5 = 939; mean = 119 + 11.6 × 20.5 = 356.8
    expect(result.spentUsd).toBe(119);
    expect(result.remainingDays).toBe(20.5);
    expect(result.medianDayUsd).toBe(2);
    expect(result.p90DayUsd).toBe(40);
    expect(result.p50Usd).toBeCloseTo(160, 10);
    expect(result.p90Usd).toBeCloseTo(939, 10);
    expect(result.meanUsd).toBeCloseTo(356.8, 10);
    // The median month fits the $200 budget; the tail does not.
    expect(result.exceedsAtP50).toBe(false);
    expect(result.willExceedBudget).toBe(true);
    expect(result.sampleDays).toBe(10);
  });

  it('counts days without spend as $0 days', () => {
    // Only day 1 spent $10; days 2–4 spent nothing. Now: 5 March 00:00 → 4 finished days.
    const result = projectMonthEnd({
      month: '2026-03',
      now: new Date('2026-03-05T00:00:00Z'),
      budgetUsd: 100,
      dailyUsd: daily({ 1: 10 }),
    });
    // sample [10, 0, 0, 0]: median (rank 2) = 0; p90 (rank 4) = 10; remaining 31 − 4 = 27
    expect(result.medianDayUsd).toBe(0);
    expect(result.p50Usd).toBe(10);
    expect(result.p90Usd).toBe(10 + 10 * 27);
  });

  it('borrows the previous month’s last days while the month is young', () => {
    // Now: 3 March 06:00 → finished days 1 and 2 ($1 each), today $0.50 so far.
    // history (February, oldest first) [9, 9, 9, 4, 4, 4, 9, 4]: only the last 7 − 2 = 5 are
    // taken, [4, 4, 4, 9, 4].
    const result = projectMonthEnd({
      month: '2026-03',
      now: new Date('2026-03-03T06:00:00Z'),
      budgetUsd: 200,
      dailyUsd: daily({ 1: 1, 2: 1, 3: 0.5 }),
      history: [9, 9, 9, 4, 4, 4, 9, 4],
    });
    // sample [4, 4, 4, 9, 4, 1, 1] sorted [1, 1, 4, 4, 4, 4, 9]: median (rank 4) = 4, p90 (rank 7) = 9
    // spent 2.5; remaining 31 − 2 − 0.25 = 28.75; p50 = 2.5 + 4 × 28.75 = 117.5; p90 = 2.5 + 9 × 28.75 = 261.25
    expect(result.sampleDays).toBe(7);
    expect(result.p50Usd).toBeCloseTo(117.5, 10);
    expect(result.p90Usd).toBeCloseTo(261.25, 10);
    expect(result.willExceedBudget).toBe(true);
  });

  it('a past month projects to what was spent', () => {
    const result = projectMonthEnd({
      month: '2026-02',
      now: new Date('2026-03-11T12:00:00Z'),
      budgetUsd: 50,
      dailyUsd: { '2026-02-03': 20, '2026-02-20': 40 },
    });
    expect(result).toMatchObject({ spentUsd: 60, p50Usd: 60, p90Usd: 60, remainingDays: 0 });
    expect(result.willExceedBudget).toBe(true);
  });
});
