// Issue 15.2, local side: two Ollama servers in one process (the laptop and a Mac mini on the
// LAN), each with its own inventory, budget and residency; pull goes to the host asked for.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runModels } from '../../src/commands/models.js';
import { runPull } from '../../src/commands/pull.js';
import { effectiveBudget } from '../../src/local/budget.js';
import { memoryReaderFor, pickHost, resolveHosts } from '../../src/local/host.js';
import { findModelHost, OllamaInventory } from '../../src/local/inventory.js';
import { ResidencyManager } from '../../src/local/residency.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { llamaShapedModel, startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
let laptop: OllamaStub;
let mini: OllamaStub;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

beforeEach(async () => {
  [laptop, mini] = await Promise.all([
    startOllamaStub({ models: [llamaShapedModel('qwen3-coder:30b', 18 * GiB)] }),
    startOllamaStub({
      models: [llamaShapedModel('qwen3:8b', 5 * GiB), llamaShapedModel('gemma3:4b', 3 * GiB)],
    }),
  ]);
});
afterEach(() => Promise.all([laptop.close(), mini.close()]));

/** The laptop is this machine (loopback); the Mac mini is named by its port on localhost. */
function hosts() {
  const miniUrl = mini.url.replace('127.0.0.1', 'mac-mini.lan');
  const resolved = resolveHosts(
    { hosts: [{ url: laptop.url }, { url: miniUrl, memoryBudgetGb: 20 }] },
    {},
  );
  // The LAN name stands for the mini; tests reach it on loopback.
  return resolved.map((h) => (h.url === miniUrl ? { ...h, url: mini.url } : h));
}

describe('several Ollama hosts', () => {
  it('each host has its own budget: readings for this machine, its cap for the other', () => {
    const [local, remote] = hosts();
    const thisMachine = () => ({ gpuWiredLimitBytes: 96 * GiB }) as MemorySnapshot;
    const budgetOf = (h: typeof local) =>
      effectiveBudget({
        configuredBytes: h!.memoryBudgetBytes,
        gpuWiredLimitBytes: memoryReaderFor(h!, thisMachine)()?.gpuWiredLimitBytes,
        reserveBytes: h!.reserveBytes,
      });
    expect(local!.thisMachine).toBe(true);
    expect(remote!.thisMachine).toBe(false);
    expect(budgetOf(local) / GiB).toBe(92);
    expect(budgetOf(remote) / GiB).toBe(20);
  });

  it('inventories, residency and load times stay per host', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kirikae-hosts-'));
    const factsCacheFile = join(dataDir, 'ollama-facts.json');
    const [local, remote] = hosts();
    const invs = [local!, remote!].map((h) => new OllamaInventory({ host: h.url, factsCacheFile }));
    const managers = [local!, remote!].map(
      (h, i) =>
        new ResidencyManager({
          inventory: invs[i]!,
          host: h,
          memory: memoryReaderFor(h, () => ({ gpuWiredLimitBytes: 96 * GiB }) as MemorySnapshot),
        }),
    );
    // Both fetch /api/show at once, writing the one shared facts cache.
    const [a, b] = await Promise.all(invs.map((inv) => inv.installedWithFacts()));
    expect(a!.map((m) => m.name)).toEqual(['qwen3-coder:30b']);
    expect(b!.map((m) => m.name).sort()).toEqual(['gemma3:4b', 'qwen3:8b']);
    const cached = JSON.parse(readFileSync(factsCacheFile, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(cached)).toHaveLength(3);

    expect((await findModelHost(invs, 'qwen3:8b'))?.host).toBe(mini.url);
    const loaded = await managers[1]!.ensureResident('qwen3:8b', 8192);
    expect(loaded.status).toBe('loaded');
    expect(mini.resident().map((r) => r.name)).toEqual(['qwen3:8b']);
    expect(laptop.resident()).toEqual([]);
    // 20 GiB cap on the mini: 5 + 16 GiB of KV at 128K does not fit there; the laptop has room.
    expect((await managers[1]!.plan('qwen3:8b', 131072)).plan.fits).toBe(false);
    expect((await managers[0]!.plan('qwen3-coder:30b', 131072)).plan.fits).toBe(true);
    expect(managers[0]!.loadTimes.expected('qwen3:8b')).toBeUndefined();
    expect(managers[1]!.loadTimes.expected('qwen3:8b')).toBeGreaterThan(0);
  });

  it('models and pull act on the host named with --host', async () => {
    const local = { hosts: [{ url: laptop.url }, { url: mini.url, memoryBudgetGb: 20 }] };
    // Both stubs listen on loopback: give "this machine" a 96 GiB GPU limit so the mini's
    // 20 GiB cap is the one that binds.
    const memory = async () => ({ gpuWiredLimitBytes: 96 * GiB }) as MemorySnapshot;
    const io = () => ({ stdout: new Capture(), stderr: new Capture(), env: {}, memory });
    const listed = io();
    expect(await runModels({ json: true, local, host: mini.url }, listed)).toBe(0);
    const report = JSON.parse(listed.stdout.text) as {
      host: string;
      budget: { budgetBytes: number };
    };
    expect(report.host).toBe(mini.url);
    expect(report.budget.budgetBytes).toBe(20 * GiB);

    mini.pullScripts.set('qwen3-coder:30b', { chunksPerLayer: 2 });
    const pulled = io();
    const port = new URL(mini.url).port;
    expect(
      await runPull({ model: 'qwen3-coder:30b', local, host: `127.0.0.1:${port}` }, pulled),
    ).toBe(0);
    expect(mini.requests.some((r) => r.path === '/api/pull')).toBe(true);
    expect(laptop.requests.some((r) => r.path === '/api/pull')).toBe(false);

    const wrong = io();
    expect(await runPull({ model: 'x', local, host: 'nowhere:1' }, wrong)).toBe(1);
    expect(wrong.stderr.text).toMatch(/No Ollama host nowhere:1 in the config/);
    expect(pickHost(resolveHosts(local, {}), undefined)?.url).toBe(laptop.url);
  });
});
