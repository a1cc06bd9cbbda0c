import { describe, expect, it } from 'vitest';
import { planResidency, type ResidentEntry } from '../../src/local/planner.js';

const GiB = 1024 ** 3;
const entry = (
  name: string,
  gib: number,
  lastUsedAt: number,
  extra: Partial<ResidentEntry> = {},
) => ({
  name,
  bytes: gib * GiB,
  lastUsedAt,
  ...extra,
});

describe('planResidency', () => {
  it('fits without unloading when there is room', () => {
    const plan = planResidency({
      budgetBytes: 80 * GiB,
      resident: [entry('a', 20, 1)],
      want: { name: 'b', bytes: 30 * GiB },
    });
    expect(plan).toMatchObject({
      fits: true,
      unload: [],
      totalAfter: 50 * GiB,
      alreadyResident: false,
    });
  });

  it('evicts least recently used first, only as many as needed', () => {
    const plan = planResidency({
      budgetBytes: 80 * GiB,
      resident: [entry('new', 25, 300), entry('old', 25, 100), entry('mid', 25, 200)],
      want: { name: 'x', bytes: 20 * GiB },
    });
    expect(plan.fits).toBe(true);
    expect(plan.unload).toEqual(['old']);
    expect(plan.totalAfter).toBe(70 * GiB);
    expect(plan.reason).toMatch(/unload old/);
  });

  it('never evicts pinned or in-use models', () => {
    const plan = planResidency({
      budgetBytes: 80 * GiB,
      resident: [
        entry('pinned', 30, 1, { pinned: true }),
        entry('busy', 30, 2, { inUse: true }),
        entry('idle', 15, 3),
      ],
      want: { name: 'x', bytes: 20 * GiB },
    });
    expect(plan).toMatchObject({ fits: true, unload: ['idle'], totalAfter: 80 * GiB });
  });

  it('unloads nothing when even evicting everything evictable is not enough', () => {
    const plan = planResidency({
      budgetBytes: 80 * GiB,
      resident: [entry('pinned', 50, 1, { pinned: true }), entry('idle', 10, 3)],
      want: { name: 'x', bytes: 40 * GiB },
    });
    expect(plan.fits).toBe(false);
    expect(plan.unload).toEqual([]);
    expect(plan.reason).toMatch(
      /pinned pinned \(50\.0 GiB\) holds 50\.0 GiB of the 80\.0 GiB budget/,
    );
  });

  it('refuses a model larger than the whole budget', () => {
    const plan = planResidency({
      budgetBytes: 10 * GiB,
      resident: [],
      want: { name: 'x', bytes: 11 * GiB },
    });
    expect(plan.fits).toBe(false);
    expect(plan.reason).toMatch(/more than the whole budget/);
  });

  it('a model resident at the same size needs nothing; at another context its old size is freed', () => {
    const same = planResidency({
      budgetBytes: 80 * GiB,
      resident: [entry('x', 21, 1), entry('y', 50, 2)],
      want: { name: 'x', bytes: 21 * GiB },
    });
    expect(same).toMatchObject({ fits: true, alreadyResident: true, unload: [] });
    // x reloads at a bigger context: 37 GiB + y 50 GiB > 80, so y (the only other) goes.
    const bigger = planResidency({
      budgetBytes: 80 * GiB,
      resident: [entry('x', 21, 1), entry('y', 50, 2)],
      want: { name: 'x', bytes: 37 * GiB },
    });
    expect(bigger).toMatchObject({ fits: true, unload: ['y'], totalAfter: 37 * GiB });
  });

  it('respects a loaded-model count limit', () => {
    const plan = planResidency({
      budgetBytes: 200 * GiB,
      resident: [entry('a', 5, 1), entry('b', 5, 2), entry('c', 5, 3)],
      want: { name: 'd', bytes: 5 * GiB },
      maxLoaded: 3,
    });
    expect(plan.unload).toEqual(['a']);
  });
});
