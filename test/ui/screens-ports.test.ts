// The real ports (src/session/ports/screen-ports.ts) against the Ollama stub and a temporary ledger: what
// the screens are fed in the app, end to end minus the terminal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkModelName,
  createScreenPorts,
  neededModels,
  tierOfLocalModel,
  type ScreenPorts,
} from '../../src/session/ports/screen-ports.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { ledgerDir, openLedger } from '../../src/ledger/index.js';
import { createLocalRuntime } from '../../src/local/runtime.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { call, task, usage } from '../ledger/fixtures.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
const layer = (c: string, size: number) => ({ digest: 'sha256:' + c.repeat(64), size });

const MEMORY: MemorySnapshot = {
  totalBytes: 128 * GiB,
  usedBytes: 40 * GiB,
  availableBytes: 88 * GiB,
  wiredBytes: 10 * GiB,
  compressedBytes: 0,
  cachedBytes: 0,
  freeBytes: 80 * GiB,
  pressure: 'normal',
  swapUsedBytes: 0,
  swapTotalBytes: 0,
  gpuWiredLimitBytes: 96 * GiB,
  gpuWiredLimitDefaulted: true,
  takenAt: 0,
};

let stub: OllamaStub;
let dataDir: string;
let ports: ScreenPorts | undefined;

function config(): Config {
  const c = defaultConfig();
  c.tiers['3'] = ['ollama/qwen3:8b', 'ollama/qwen3-coder:30b'];
  c.budget.monthlyUsd = 2;
  return c;
}

function makePorts(env: NodeJS.ProcessEnv, now = () => new Date()): ScreenPorts {
  const c = config();
  const local = createLocalRuntime({
    config: c,
    env,
    memory: () => MEMORY,
    createChat: () => {
      throw new Error('the screens never chat');
    },
  });
  ports = createScreenPorts({ config: c, env, memory: () => MEMORY, now, local });
  return ports;
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kirikae-screens-'));
  stub = await startOllamaStub({
    models: [
      {
        name: 'qwen3:8b',
        size: 5_000_000_000,
        parameterSize: '8.2B',
        family: 'qwen3',
        blockCount: 36,
        headCountKv: 8,
        keyLength: 128,
        contextLength: 40960,
        capabilities: ['completion', 'tools', 'thinking'],
      },
      { name: 'nomic-embed-text:latest', size: 274_000_000, contextLength: 2048 },
    ],
  });
});

afterEach(async () => {
  ports?.close();
  ports = undefined;
  await stub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('models port (real, against the Ollama stub)', () => {
  it('loads the table data, loads and unloads a model, pins it, deletes another', async () => {
    const [models] = makePorts({ OLLAMA_HOST: stub.url, KIRIKAE_DATA_DIR: dataDir }).models;
    const first = await models.load();
    if (!first.ok) throw new Error(first.error);
    expect(first.value.version).toBe('0.12.6');
    expect(first.value.physicalBytes).toBe(128 * GiB);
    // The 96 GiB GPU wired limit − the 4 GiB reserve kept free inside it (no cap configured).
    expect(first.value.budget.budgetBytes).toBe(92 * GiB);
    const qwen = first.value.models.find((m) => m.name === 'qwen3:8b')!;
    expect(qwen).toMatchObject({
      parameterSize: '8.2B',
      tier: 3,
      capabilities: ['completion', 'tools', 'thinking'],
      facts: { layers: 36, kvHeads: 8, headSize: 128, contextLength: 40960 },
    });
    expect(qwen.resident).toBeUndefined();
    // Buckets above the trained context (40960) are left out.
    expect(qwen.footprints.map((f) => f.numCtx)).toEqual([4096, 8192, 16384, 32768]);
    expect(first.value.models.find((m) => m.name.startsWith('nomic'))!.tier).toBeUndefined();

    const loaded = await models.loadModel('qwen3:8b');
    expect(loaded).toMatchObject({ ok: true });
    expect(loaded.ok && loaded.value).toMatch(/^Loaded qwen3:8b at 32K context in /);
    expect(stub.resident().map((r) => r.name)).toEqual(['qwen3:8b']);
    const after = await models.load();
    const resident = after.ok
      ? after.value.models.find((m) => m.name === 'qwen3:8b')!.resident
      : undefined;
    expect(resident).toMatchObject({ contextLength: 32768, pinned: false });
    expect(after.ok && after.value.budget.residentBytes).toBe(stub.resident()[0]!.size);

    expect(await models.unload('qwen3:8b')).toEqual({ ok: true, value: 'Unloaded qwen3:8b' });
    expect(stub.resident()).toEqual([]);

    const pinned = await models.pin('qwen3:8b');
    expect(pinned.ok).toBe(true);
    const withPin = await models.load();
    expect(
      withPin.ok && withPin.value.models.find((m) => m.name === 'qwen3:8b')!.resident?.pinned,
    ).toBe(true);
    expect(await models.unpin('qwen3:8b')).toMatchObject({ ok: true });

    expect(await models.remove('nomic-embed-text:latest')).toMatchObject({ ok: true });
    expect(stub.models.map((m) => m.name)).toEqual(['qwen3:8b']);
    expect(await models.remove('nope:1b')).toMatchObject({
      ok: false,
      error: expect.stringContaining('nope:1b not found'),
    });
    expect(await models.setTier!('qwen3:8b', 3)).toEqual({
      ok: false,
      error: 'Tiers are set in the config: add "ollama/qwen3:8b" to tiers.3',
    });
  });

  it('turns an unreachable server into the line to show, never a throw', async () => {
    const url = stub.url;
    await stub.close();
    const [models] = makePorts({ OLLAMA_HOST: url, KIRIKAE_DATA_DIR: dataDir }).models;
    expect(await models.load()).toEqual({
      ok: false,
      error: `Ollama not reachable at ${url}: start \`ollama serve\` or set OLLAMA_HOST`,
    });
    expect((await models.loadModel('qwen3:8b')).ok).toBe(false);
    stub = await startOllamaStub(); // for afterEach
  });
});

describe('pull port (real, against the Ollama stub)', () => {
  it('reports progress to subscribers until the model is installed', async () => {
    stub.pullScripts.set('qwen3:4b', {
      layers: [layer('a', 4_000_000), layer('b', 1_000)],
      chunksPerLayer: 8,
      chunkDelayMs: 5,
    });
    const { pull } = makePorts({ OLLAMA_HOST: stub.url, KIRIKAE_DATA_DIR: dataDir });
    const seen: number[] = [];
    const bytes: number[] = [];
    const unsubscribe = pull.subscribe(() => {
      const job = pull.jobs().find((j) => j.model === 'qwen3:4b');
      if (job?.percent !== undefined) seen.push(job.percent);
      if (job) bytes.push(job.completedBytes);
    });
    expect(pull.enqueue('qwen3:4b')).toEqual({ ok: true, value: undefined });
    await vi.waitFor(() => expect(pull.jobs()[0]?.phase).toBe('success'), { timeout: 5000 });
    unsubscribe();
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    // Percent may dip when a new layer announces its size; bytes never go back.
    expect(bytes.every((b, i) => i === 0 || b >= bytes[i - 1]!)).toBe(true);
    expect(pull.jobs()[0]).toMatchObject({ percent: 100, completedBytes: 4_001_000 });
    expect(stub.models.map((m) => m.name)).toContain('qwen3:4b');
  });

  it('explains failures with their fix: unknown model, disk full', async () => {
    stub.pullScripts.set('big:70b', { failWith: 'disk_full', chunkDelayMs: 2 });
    const { pull } = makePorts({ OLLAMA_HOST: stub.url, KIRIKAE_DATA_DIR: dataDir });
    pull.subscribe(() => undefined);
    pull.enqueue('nope:1b');
    pull.enqueue('big:70b');
    await vi.waitFor(
      () => expect(pull.jobs().every((j) => j.phase === 'error' && j.errorText)).toBe(true),
      { timeout: 5000 },
    );
    const [nope, big] = pull.jobs();
    expect(nope!.errorText).toBe(
      'Model nope:1b not found. Check the name and tag on ollama.com/library',
    );
    expect(big!.errorText).toMatch(/^The Ollama machine ran out of disk space\. Free space/);
    expect(pull.resume('big:70b')).toEqual({ ok: true, value: undefined });
    expect(pull.enqueue('two words')).toMatchObject({ ok: false });
    expect(pull.cancel('never-queued')).toMatchObject({ ok: false });
  });

  it('lists curated models with their fit and which are installed', async () => {
    stub.models.push({ name: 'qwen3-coder:30b', size: 18_600_000_000 });
    const { pull } = makePorts({ OLLAMA_HOST: stub.url, KIRIKAE_DATA_DIR: dataDir });
    const unsubscribe = pull.subscribe(() => undefined); // first subscriber asks the server
    await vi.waitFor(() =>
      expect(pull.curated().find((c) => c.name === 'qwen3-coder:30b')?.installed).toBe(true),
    );
    unsubscribe();
    // An installed model shows the models screen's figure at 32K (its own file and shape),
    // not the catalog's estimate: one number for one model on both screens.
    const [models] = makePorts({ OLLAMA_HOST: stub.url, KIRIKAE_DATA_DIR: dataDir }).models;
    const table = await models.load();
    if (!table.ok) throw new Error(table.error);
    const row = table.value.models.find((m) => m.name === 'qwen3-coder:30b')!;
    const at32k = row.footprints.find((f) => f.numCtx === 32768)!.bytes;
    expect(pull.curated().find((c) => c.name === 'qwen3-coder:30b')!.footprintBytes).toBe(at32k);
    const qwen25 = pull.curated().find((c) => c.name === 'qwen2.5-coder:32b')!;
    expect(qwen25).toMatchObject({ installed: false, fits: true, numCtx: 32768 });
    expect(qwen25.footprintBytes).toBeGreaterThan(qwen25.approxBytes);
  });
});

describe('costs port (real, against a temporary ledger)', () => {
  it('reads the month written through openLedger and shapes it for the screen', async () => {
    const env = { KIRIKAE_DATA_DIR: dataDir, OLLAMA_HOST: stub.url };
    const now = new Date('2026-03-20T12:00:00.000Z');
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    ledger.append(
      call({
        ts: '2026-03-02T09:00:00.000Z',
        task: 'T1',
        tier: 1,
        usage: usage({ input: 10_000, output: 2_000 }),
        costUsd: 0.06,
      }),
    );
    ledger.append(task({ ts: '2026-03-02T09:10:00.000Z', task: 'T1', tier: 1 }));
    ledger.append(
      call({
        ts: '2026-03-05T09:00:00.000Z',
        task: 'T2',
        tier: 4,
        model: 'openrouter/acme/unpriced-model',
        usage: usage({ input: 1_000, output: 100 }),
        costUsd: null,
        priceSource: 'unknown',
      }),
    );
    ledger.append(call({ ts: '2026-02-27T09:00:00.000Z', task: 'T0', costUsd: 1 }));
    ledger.close();

    const { costs } = makePorts(env, () => now);
    expect(costs.currentMonth()).toBe('2026-03');
    const result = await costs.load('2026-03', 'model');
    if (!result.ok) throw new Error(result.error);
    const data = result.value;
    expect(data.budget).toMatchObject({ spentUsd: 0.06, budgetUsd: 2, unknownCostCalls: 1 });
    expect(data.unknown.calls).toBe(1);
    expect(data.by).toBe('model');
    expect(data.groups.map((g) => g.key)).toEqual([
      'anthropic/claude-sonnet-4-6',
      'openrouter/acme/unpriced-model',
    ]);
    expect(data.topTasks.map((t) => t.task)).toEqual(['T1', 'T2']);
    expect(data.skippedLines).toBe(0);

    const february = await costs.load('2026-02', 'day');
    expect(february.ok && february.value.budget.spentUsd).toBe(1);
    expect(await costs.load('March', 'day')).toEqual({
      ok: false,
      error: '"March" is not a YYYY-MM month',
    });
  });
});

describe('port helpers', () => {
  it('finds the tier of a local model by name, tag-insensitively', () => {
    const tiers = config().tiers;
    expect(tierOfLocalModel('qwen3:8b', tiers)).toBe(3);
    expect(tierOfLocalModel('qwen3-coder:30b', tiers)).toBe(3);
    expect(tierOfLocalModel('llama3', { ...tiers, '4': ['ollama/llama3:latest'] })).toBe(4);
    expect(tierOfLocalModel('glm-4.7', tiers)).toBeUndefined();
  });

  it('checks model names before they reach the server', () => {
    expect(checkModelName('qwen3:8b')).toBeUndefined();
    expect(checkModelName('hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M')).toBeUndefined();
    expect(checkModelName('  ')).toMatch(/Type a model name/);
    expect(checkModelName('two words')).toMatch(/no spaces/);
    expect(checkModelName('a:b:c')).toMatch(/name:tag/);
  });
});

describe('neededModels: what the models screen offers to pull', () => {
  it('the local tier’s Ollama models, and the embedding model only with the semantic cache on', () => {
    const config = defaultConfig();
    const tier3 = config.tiers['3'].filter((id) => id.startsWith('ollama/'));
    const off = neededModels(config).map((m) => m.name);
    expect(off).toEqual(tier3.map((id) => id.slice('ollama/'.length)));
    expect(off).not.toContain('nomic-embed-text');
    const on = neededModels({
      ...config,
      cache: { ...config.cache, semantic: { ...config.cache.semantic, enabled: true } },
    });
    expect(on.at(-1)).toEqual({ name: 'nomic-embed-text', usedBy: 'semantic cache embeddings' });
  });
});
