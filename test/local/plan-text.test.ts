// Issue 15.1: the plan is shown before anything happens, and a plan that needs a pinned or
// busy model's memory is refused, not carried out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaInventory } from '../../src/local/inventory.js';
import { describePlan, planLine } from '../../src/local/plan-text.js';
import { planResidency } from '../../src/local/planner.js';
import { ResidencyManager } from '../../src/local/residency.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { llamaShapedModel, startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
const MIN = 60_000;

describe('plan description', () => {
  const now = 100 * MIN;
  it('says what loads, what unloads (idle how long) and what is left', () => {
    const plan = planResidency({
      budgetBytes: 40 * GiB,
      resident: [
        { name: 'qwen2.5-coder:32b', bytes: 15 * GiB, lastUsedAt: now - MIN, pinned: true },
        { name: 'qwen3:8b', bytes: 8 * GiB, lastUsedAt: now - 12 * MIN },
      ],
      want: { name: 'qwen3-coder:30b', bytes: 19 * GiB },
      maxLoaded: 3,
    });
    const d = describePlan(plan, { model: 'qwen3-coder:30b', numCtx: 32768, now });
    expect(d).toEqual({
      loads: { model: 'qwen3-coder:30b', bytes: 19 * GiB, numCtx: 32768 },
      unloads: [{ model: 'qwen3:8b', bytes: 8 * GiB, idleMinutes: 12 }],
      leftBytes: 6 * GiB,
      fits: true,
      ollamaWouldDrop: [],
    });
    expect(planLine(d)).toBe(
      'loads qwen3-coder:30b 19 GiB · unloads qwen3:8b (idle 12 min) · 6.0 GiB left',
    );
  });

  it('a plan that would need a pinned or busy model is does-not-fit, with the reason', () => {
    const plan = planResidency({
      budgetBytes: 40 * GiB,
      resident: [
        { name: 'qwen2.5-coder:32b', bytes: 15 * GiB, lastUsedAt: 1, pinned: true },
        { name: 'qwen3:8b', bytes: 8 * GiB, lastUsedAt: 2, inUse: true },
      ],
      want: { name: 'qwen3-coder:30b', bytes: 19 * GiB },
    });
    const d = describePlan(plan, { model: 'qwen3-coder:30b', now });
    expect(d.fits).toBe(false);
    expect(planLine(d)).toBe(
      'does not fit: qwen3-coder:30b needs 19.0 GiB; pinned qwen2.5-coder:32b (15.0 GiB), busy qwen3:8b (8.0 GiB) hold 23.0 GiB of the 40.0 GiB budget',
    );
  });
});

describe('ensureResident keeps the budget', () => {
  const model = (name: string, gib: number) => llamaShapedModel(name, gib * GiB);
  let stub: OllamaStub;
  let residency: ResidencyManager;
  beforeEach(async () => {
    stub = await startOllamaStub({
      models: [model('big:1', 20), model('pinned:1', 14), model('busy:1', 6)],
    });
    residency = new ResidencyManager({
      inventory: new OllamaInventory({ host: stub.url }),
      // 36 GiB GPU limit − 4 GiB reserve: a 32 GiB budget.
      host: { reserveBytes: 4 * GiB },
      memory: () => ({ gpuWiredLimitBytes: 36 * GiB }) as MemorySnapshot,
      pinned: ['pinned:1'],
    });
  });
  afterEach(() => stub.close());

  it('refuses, and loads nothing, when only a pinned or busy model could make room', async () => {
    await residency.pin('pinned:1', 8192); // 15 GiB at 8K, keep_alive -1
    await residency.ensureResident('busy:1', 8192); // 7 GiB at 8K
    const release = residency.beginUse('busy:1');
    const chatsBefore = stub.requests.filter((r) => r.path === '/api/chat').length;
    const result = await residency.ensureResident('big:1', 8192); // 21 GiB: 43 > 32
    release();
    expect(result.status).toBe('does_not_fit');
    expect(result.plan.reason).toMatch(/pinned pinned:1 .*busy busy:1/);
    expect(stub.requests.filter((r) => r.path === '/api/chat')).toHaveLength(chatsBefore);
    expect(
      stub
        .resident()
        .map((r) => r.name)
        .sort(),
    ).toEqual(['busy:1', 'pinned:1']);
    // Once the turn is over busy:1 may go, but the pinned 15 GiB + 20.5 GiB (big:1 at 4K) is
    // still over 32: the pin alone keeps big:1 out.
    const after = await residency.plan('big:1', 4096);
    expect(after.plan).toMatchObject({ fits: false, unload: [] });
  });

  it('planSync answers from the last known state, the same plan without a round trip', async () => {
    await residency.pin('pinned:1', 8192);
    await residency.ensureResident('busy:1', 8192);
    const entry = (await new OllamaInventory({ host: stub.url }).installedWithFacts()).find(
      (m) => m.name === 'big:1',
    )!;
    await residency.refresh();
    const before = stub.requests.length;
    const quick = residency.planSync(entry, 8192);
    expect(stub.requests.length).toBe(before);
    const full = await residency.plan('big:1', 8192);
    expect(quick.plan).toEqual(full.plan);
    // Even with busy:1 idle, the pinned 15 GiB and big:1's 21 GiB are over 32.
    expect(quick.plan).toMatchObject({ fits: false, unload: [] });
    expect(quick.plan.reason).toMatch(/pinned pinned:1/);
    expect(residency.currentBudget()).toEqual({ bytes: 32 * GiB, source: 'derived' });
  });
});
