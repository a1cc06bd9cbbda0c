import { describe, expect, it } from 'vitest';
import { expectedUsdPerTask, REWORK_FACTOR } from '../../src/router/expected-cost.js';

describe('expectedUsdPerTask', () => {
  it('is the own cost when the attempt always succeeds, whatever the redo costs', () => {
    expect(expectedUsdPerTask({ usd: 0.02, pSuccess: 1 }, [{ usd: 5, pSuccess: 0.9 }])).toBe(0.02);
    // Even an unpriced redo does not matter when it is never needed.
    expect(expectedUsdPerTask({ usd: 0.02, pSuccess: 1 }, [{ usd: null, pSuccess: 0.9 }])).toBe(
      0.02,
    );
  });

  it('adds (1 − p) × redo one level up, by hand, without the rework premium', () => {
    // 0.01 + 0.5 × (0.10 + 0.1 × 0.50) = 0.085
    const e = expectedUsdPerTask(
      { usd: 0.01, pSuccess: 0.5 },
      [
        { usd: 0.1, pSuccess: 0.9 },
        { usd: 0.5, pSuccess: 0.95 },
      ],
      { reworkFactor: 1 },
    );
    expect(e).toBeCloseTo(0.085, 12);
  });

  it('applies the rework premium once per redo level', () => {
    // 0.01 + 0.5·k·(0.10 + 0.1·k·0.50), k = 1.5 → 0.01 + 0.75 × 0.175 = 0.14125
    const e = expectedUsdPerTask({ usd: 0.01, pSuccess: 0.5 }, [
      { usd: 0.1, pSuccess: 0.9 },
      { usd: 0.5, pSuccess: 0.95 },
    ]);
    expect(REWORK_FACTOR).toBe(1.5);
    expect(e).toBeCloseTo(0.01 + 0.5 * 1.5 * (0.1 + 0.1 * 1.5 * 0.5), 12);
  });

  it('caps the recursion: one level, or two by default, never three', () => {
    const redos = [
      { usd: 0.1, pSuccess: 0.5 },
      { usd: 1, pSuccess: 0.5 },
      { usd: 100, pSuccess: 0.5 },
    ];
    expect(
      expectedUsdPerTask({ usd: 0, pSuccess: 0 }, redos, { maxLevels: 1, reworkFactor: 1 }),
    ).toBeCloseTo(0.1, 12);
    expect(expectedUsdPerTask({ usd: 0, pSuccess: 0 }, redos, { reworkFactor: 1 })).toBeCloseTo(
      0.1 + 0.5 * 1,
      12,
    );
  });

  it('is null when a price it needs is unknown — never 0', () => {
    expect(expectedUsdPerTask({ usd: null, pSuccess: 0.9 }, [])).toBeNull();
    expect(
      expectedUsdPerTask({ usd: 0.01, pSuccess: 0.9 }, [{ usd: null, pSuccess: 1 }]),
    ).toBeNull();
  });

  it('makes a free but weak local try worse than doing it right once, and a strong one better', () => {
    const frontier = { usd: 0.1, pSuccess: 0.85 };
    const doItRight = expectedUsdPerTask(frontier, [frontier])!;
    const weakLocal = expectedUsdPerTask({ usd: 0.0003, pSuccess: 0.2 }, [frontier, frontier])!;
    const goodLocal = expectedUsdPerTask({ usd: 0.0003, pSuccess: 0.9 }, [frontier, frontier])!;
    expect(weakLocal).toBeGreaterThan(doItRight);
    expect(goodLocal).toBeLessThan(doItRight);
  });

  it('treats out-of-range probabilities as bounds', () => {
    expect(expectedUsdPerTask({ usd: 1, pSuccess: 1.7 }, [{ usd: 9, pSuccess: 1 }])).toBe(1);
    expect(
      expectedUsdPerTask({ usd: 1, pSuccess: -3 }, [{ usd: 2, pSuccess: 1 }], { reworkFactor: 1 }),
    ).toBe(3);
  });
});
