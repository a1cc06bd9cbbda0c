// OLLAMA_MAX_LOADED_MODELS and Ollama's own eviction order (server/sched.go processPending and
// findRunnerToUnload, ByDurationAndName), against a stub server that evicts the same way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaInventory } from '../../src/local/inventory.js';
import { keepAliveMs } from '../../src/local/keep-alive.js';
import { ollamaWouldUnload } from '../../src/local/ollama-order.js';
import { planResidency } from '../../src/local/planner.js';
import { ResidencyManager } from '../../src/local/residency.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { llamaShapedModel, startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
const MIN = 60_000;

describe("Ollama's eviction order (pure)", () => {
  const r = (name: string, keepAliveMs?: number, extra = {}) => ({
    name,
    bytes: 5 * GiB,
    lastUsedAt: 0,
    keepAliveMs,
    ...extra,
  });

  it('drops the shortest keep_alive, then the lexically first model path, idle first', () => {
    const req = {
      budgetBytes: 100 * GiB,
      want: { name: 'new', bytes: 5 * GiB },
      maxLoaded: 3,
    };
    expect(
      ollamaWouldUnload({
        ...req,
        resident: [r('a', 30 * MIN), r('b', 5 * MIN), r('c', 30 * MIN)],
      }),
    ).toEqual(['b']);
    // Same keep_alive: the model path decides (the blob digest, not the name).
    expect(
      ollamaWouldUnload({
        ...req,
        resident: [
          r('a', 30 * MIN, { modelPath: '/blobs/sha256-f0' }),
          r('z', 30 * MIN, { modelPath: '/blobs/sha256-0a' }),
          r('m', Infinity),
        ],
      }),
    ).toEqual(['z']);
    // A busy model is skipped for the first idle one; "forever" goes last but does go.
    expect(
      ollamaWouldUnload({
        ...req,
        resident: [r('busy', 1 * MIN, { inUse: true }), r('pinned', Infinity), r('c', 30 * MIN)],
      }),
    ).toEqual(['c']);
    // Below the count and within memory: nothing.
    expect(ollamaWouldUnload({ ...req, resident: [r('a', 5 * MIN)] })).toEqual([]);
  });

  it('the plan unloads by itself within OLLAMA_MAX_LOADED_MODELS and names what Ollama would drop', () => {
    const plan = planResidency({
      budgetBytes: 100 * GiB,
      resident: [
        { name: 'old', bytes: 5 * GiB, lastUsedAt: 1, keepAliveMs: 30 * MIN },
        { name: 'short', bytes: 5 * GiB, lastUsedAt: 3, keepAliveMs: 5 * MIN },
        { name: 'mid', bytes: 5 * GiB, lastUsedAt: 2, keepAliveMs: 30 * MIN },
      ],
      want: { name: 'new', bytes: 5 * GiB },
      maxLoaded: 3,
    });
    expect(plan.unload).toEqual(['old']);
    expect(plan.ollamaWouldDrop).toEqual(['short']);
  });

  it('reads keep_alive as Ollama does (seconds as numbers, Go durations as strings)', () => {
    expect(keepAliveMs(300)).toBe(300_000);
    expect(keepAliveMs('30m')).toBe(30 * MIN);
    expect(keepAliveMs('1h30m')).toBe(90 * MIN);
    expect(keepAliveMs(-1)).toBe(Infinity);
    expect(keepAliveMs('-1m')).toBe(Infinity);
    expect(keepAliveMs('0')).toBe(0);
    // HTTP 400 on a real server: no unit, or a unit Go does not know.
    expect(keepAliveMs('3600')).toBeUndefined();
    expect(keepAliveMs('-1')).toBeUndefined();
    expect(keepAliveMs('1d')).toBeUndefined();
  });
});

describe('against a server that evicts like Ollama', () => {
  const model = (name: string) => llamaShapedModel(name, 8 * GiB);
  let stub: OllamaStub;
  let clock = 0;
  beforeEach(async () => {
    // Default OLLAMA_MAX_LOADED_MODELS (0 → 3 per GPU) and plenty of memory.
    stub = await startOllamaStub({ models: ['a:1', 'b:1', 'c:1', 'd:1'].map(model) });
    clock = 10 * MIN;
  });
  afterEach(() => stub.close());

  it('a fourth model: kirikae unloads its own choice first, so Ollama drops nothing unplanned', async () => {
    const residency = new ResidencyManager({
      inventory: new OllamaInventory({ host: stub.url }),
      host: { reserveBytes: 4 * GiB },
      memory: () => ({ gpuWiredLimitBytes: 96 * GiB }) as MemorySnapshot,
      keepAlive: '30m',
      now: () => clock,
    });
    await residency.ensureResident('a:1', 8192);
    clock += MIN;
    await residency.ensureResident('b:1', 8192);
    clock += MIN;
    await residency.ensureResident('c:1', 8192);
    clock += MIN;
    // a:1 is used again: b:1 is now the least recently used.
    await residency.ensureResident('a:1', 8192);
    clock += MIN;
    const view = await residency.plan('d:1', 8192);
    expect(residency.maxLoaded).toBe(3);
    expect(view.plan.unload).toEqual(['b:1']);
    // Left alone, Ollama would drop by keep_alive (all 30 m) then model path: not b:1's turn.
    const paths = (
      await Promise.all(
        ['a:1', 'b:1', 'c:1'].map((n) => new OllamaInventory({ host: stub.url }).facts(n)),
      )
    ).map((f) => f.modelPath!);
    const first = ['a:1', 'b:1', 'c:1'][paths.indexOf([...paths].sort()[0]!)]!;
    expect(view.plan.ollamaWouldDrop).toEqual([first]);
    const result = await residency.ensureResident('d:1', 8192);
    expect(result).toMatchObject({ status: 'loaded', unloaded: ['b:1'] });
    expect(stub.evictions).toEqual([]);
    expect(
      stub
        .resident()
        .map((r) => r.name)
        .sort(),
    ).toEqual(['a:1', 'c:1', 'd:1']);
  });
});
