import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/errors.js';
import { OllamaInventory } from '../../src/local/inventory.js';
import { LoadTimeStore } from '../../src/local/load-times.js';
import { ResidencyManager } from '../../src/local/residency.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { llamaShapedModel, startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
// Three llama-shaped models (128 KiB KV per token) of 20 GiB weights each: 21 GiB at 8K.
const model = (name: string) => llamaShapedModel(name, 20 * GiB);

let stub: OllamaStub;
let residency: ResidencyManager;
let clock = 1_000;

beforeEach(async () => {
  stub = await startOllamaStub({
    models: [model('a:1'), model('b:1'), model('c:1'), model('d:1')],
  });
  clock = 1_000;
  residency = new ResidencyManager({
    inventory: new OllamaInventory({ host: stub.url }),
    // 96 GiB budget − 16 GiB reserve, GPU limit 96 GiB (default) → 80 GiB for models.
    host: { memoryBudgetBytes: 96 * GiB, reserveBytes: 16 * GiB },
    memory: () => ({ gpuWiredLimitBytes: 96 * GiB }) as MemorySnapshot,
    keepAlive: '30m',
    now: () => clock,
  });
});
afterEach(() => stub.close());

const residentNames = () =>
  stub
    .resident()
    .map((r) => r.name)
    .sort();

describe('ensureResident through the stub', () => {
  it('loads, then reports already resident at the same context', async () => {
    const first = await residency.ensureResident('a:1', 8192);
    expect(first.status).toBe('loaded');
    expect(stub.resident()[0]).toMatchObject({ name: 'a:1', size: 21 * GiB, contextLength: 8192 });
    const again = await residency.ensureResident('a:1', 8192);
    expect(again.status).toBe('already_resident');
    const preloads = stub.requests.filter((r) => r.path === '/api/chat');
    expect(preloads).toHaveLength(1);
    expect(preloads[0]!.body).toMatchObject({
      messages: [],
      keep_alive: '30m',
      options: { num_ctx: 8192 },
    });
  });

  it('a model resident at a larger context serves a smaller one there, without a reload', async () => {
    // Loaded from the models screen at 32K; the next turn needs 8K. Ollama reloads a model
    // whenever num_ctx changes (server/sched.go needsReload compares the runner's options), so
    // the turn must run at 32K, not ask for 8K.
    await residency.ensureResident('a:1', 32768);
    const turn = await residency.ensureResident('a:1', 8192);
    expect(turn).toMatchObject({ status: 'already_resident', numCtx: 32768, loadSeconds: 0 });
    expect(stub.requests.filter((r) => r.path === '/api/chat')).toHaveLength(1);
    expect(residency.expectedLoadSeconds('a:1', 8192)).toBe(0);

    // A context the user names (`models load --ctx 8192`) is that context: it reloads.
    const exact = await residency.ensureResident('a:1', 8192, { exact: true });
    expect(exact).toMatchObject({ status: 'loaded', numCtx: 8192 });
    expect(stub.resident()[0]).toMatchObject({ name: 'a:1', contextLength: 8192 });
  });

  it('evicts the least recently used model to make room, never the one in use', async () => {
    await residency.ensureResident('a:1', 8192);
    clock = 2_000;
    await residency.ensureResident('b:1', 8192);
    clock = 3_000;
    await residency.ensureResident('c:1', 8192); // 63 GiB resident
    const releaseA = residency.beginUse('a:1'); // a is oldest but streaming now
    clock = 4_000;
    const d = await residency.ensureResident('d:1', 8192);
    expect(d.status).toBe('loaded');
    expect(d.unloaded).toEqual(['b:1']);
    expect(residentNames()).toEqual(['a:1', 'c:1', 'd:1']);
    releaseA();
    const unloadCall = stub.requests.find((r) => r.body?.keep_alive === 0);
    expect(unloadCall?.body).toMatchObject({ model: 'b:1', messages: [] });
  });

  it('never evicts pinned models and says when a model does not fit', async () => {
    await residency.pin('a:1', 8192);
    await residency.pin('b:1', 8192);
    await residency.pin('c:1', 8192);
    expect(stub.resident().every((r) => r.expiresAt.getFullYear() > 2200)).toBe(true);
    const d = await residency.ensureResident('d:1', 8192);
    expect(d.status).toBe('does_not_fit');
    expect(d.plan.reason).toMatch(/pinned/);
    expect(residentNames()).toEqual(['a:1', 'b:1', 'c:1']);
    expect(await residency.fits('d:1', 8192)).toBe(false);
    await residency.unpin('c:1');
    expect(await residency.fits('d:1', 8192)).toBe(true);
  });

  it('a bigger context reloads the model and is planned with its new size', async () => {
    await residency.ensureResident('a:1', 8192);
    const big = await residency.plan('a:1', 131072);
    expect(big.wantBytes).toBe(36 * GiB);
    const r = await residency.ensureResident('a:1', 131072);
    expect(r.status).toBe('loaded');
    expect(stub.resident()[0]).toMatchObject({ size: 36 * GiB, contextLength: 131072 });
  });

  it('learns load times, and expects none for a model resident at that context', async () => {
    expect(residency.expectedLoadSeconds('a:1')).toBeUndefined(); // nothing known yet
    await residency.refresh();
    const estimate = residency.expectedLoadSeconds('a:1')!;
    expect(estimate).toBeCloseTo((20 * GiB) / 2.5e9, 5); // from size until measured
    const r = await residency.ensureResident('a:1', 8192);
    expect(r.status === 'loaded' && r.loadSeconds > 0).toBe(true);
    expect(residency.expectedLoadSeconds('a:1', 8192)).toBe(0);
    expect(residency.expectedLoadSeconds('a:1', 32768)).toBe(residency.loadTimes.expected('a:1'));
    residency.recordLoad('b:1', 4);
    expect(residency.expectedLoadSeconds('b:1')).toBe(4);
  });

  it('keep_alive per model, -1 for config-pinned models', () => {
    const r = new ResidencyManager({
      inventory: new OllamaInventory({ host: stub.url }),
      host: { memoryBudgetBytes: 96 * GiB, reserveBytes: 16 * GiB },
      pinned: ['a'],
    });
    expect(r.keepAliveFor('a:latest')).toBe(-1);
    expect(r.keepAliveFor('b:1')).toBe('30m');
    r.setKeepAlive('b:1', '2h');
    expect(r.keepAliveFor('b:1')).toBe('2h');
  });

  it('reports an uninstalled model as not_found with a pull hint', async () => {
    const err = await residency.ensureResident('nope:1', 8192).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KirikaeError);
    expect((err as KirikaeError).kind).toBe('not_found');
    expect((err as KirikaeError).hint).toMatch(/kirikae pull nope:1/);
  });
});

describe('LoadTimeStore', () => {
  it('averages observations and estimates unseen models from learned throughput', () => {
    const s = new LoadTimeStore(0.5, 2e9);
    expect(s.expected('x', 4e9)).toBe(2);
    s.record('x', 4, 8e9); // 2 GB/s
    s.record('x', 2, 8e9); // 4 GB/s
    expect(s.expected('x')).toBe(3);
    expect(s.expected('y', 6e9)).toBeCloseTo(2); // learned 3 GB/s
    expect(LoadTimeStore.fromJSON(s.toJSON()).expected('x')).toBe(3);
  });
});
