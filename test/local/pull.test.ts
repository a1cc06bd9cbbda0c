import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PullProgress } from '../../src/local/pull-progress.js';
import { PullManager } from '../../src/local/pull.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const layer = (c: string, size: number) => ({ digest: 'sha256:' + c.repeat(64), size });

let stub: OllamaStub;
beforeEach(async () => {
  stub = await startOllamaStub();
});
afterEach(() => stub.close());

describe('PullManager', () => {
  it('aggregates per-layer progress to success and the model appears in /api/tags', async () => {
    stub.pullScripts.set('qwen3:8b', {
      layers: [layer('a', 4000), layer('b', 1000)],
      chunksPerLayer: 4,
    });
    const updates: PullProgress[] = [];
    const manager = new PullManager({ host: stub.url, onUpdate: (p) => updates.push(p) });
    const outcome = await manager.enqueue('qwen3:8b').done;
    expect(outcome.ok).toBe(true);
    expect(outcome.progress).toMatchObject({
      phase: 'success',
      completedBytes: 5000,
      totalBytes: 5000,
      percent: 100,
    });
    const downloading = updates.filter((u) => u.phase === 'downloading');
    // Totals grow as layers announce themselves; percent never exceeds 100.
    expect(downloading.some((u) => u.totalBytes === 4000)).toBe(true);
    expect(downloading.every((u) => (u.percent ?? 0) <= 100)).toBe(true);
    expect(updates.map((u) => u.phase)).toEqual(
      expect.arrayContaining(['manifest', 'verifying', 'writing']),
    );
    expect(stub.models.map((m) => m.name)).toContain('qwen3:8b');
  });

  it('queues pulls one at a time and returns the running job for a duplicate', async () => {
    stub.pullScripts.set('a:1', { layers: [layer('a', 100)], chunkDelayMs: 5 });
    stub.pullScripts.set('b:1', { layers: [layer('b', 100)], chunkDelayMs: 5 });
    const manager = new PullManager({ host: stub.url });
    const a = manager.enqueue('a:1');
    const b = manager.enqueue('b:1');
    expect(manager.enqueue('a:1')).toBe(a);
    expect(b.progress().phase).toBe('queued');
    await a.done;
    expect((await b.done).ok).toBe(true);
    const pulls = stub.requests
      .filter((r) => r.path === '/api/pull')
      .map((r) => r.body.name ?? r.body.model);
    expect(pulls).toEqual(['a:1', 'b:1']);
  });

  it('cancels mid-download, then resumes from the bytes on the server', async () => {
    stub.pullScripts.set('big:1', {
      layers: [layer('c', 1_000_000)],
      chunksPerLayer: 20,
      chunkDelayMs: 10,
    });
    const manager = new PullManager({
      host: stub.url,
      onUpdate: (p) => {
        if (p.phase === 'downloading' && p.completedBytes >= 300_000) manager.cancel('big:1');
      },
    });
    const first = await manager.enqueue('big:1').done;
    expect(first.ok).toBe(false);
    expect(!first.ok && first.error.kind).toBe('aborted');
    expect(first.progress.phase).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 30)); // the server notices the closed socket
    const firstLines: number[] = [];
    const resumeManager = new PullManager({
      host: stub.url,
      onUpdate: (p) => p.completedBytes && firstLines.push(p.completedBytes),
    });
    const second = await resumeManager.resume('big:1').done;
    expect(second.ok).toBe(true);
    expect(firstLines[0]).toBeGreaterThan(300_000);
  });

  it('cancelling a queued pull never starts it', async () => {
    stub.pullScripts.set('a:1', { layers: [layer('a', 100)], chunkDelayMs: 5 });
    stub.pullScripts.set('b:1', { layers: [layer('b', 100)] });
    const manager = new PullManager({ host: stub.url });
    const a = manager.enqueue('a:1');
    const b = manager.enqueue('b:1');
    b.cancel();
    expect((await b.done).ok).toBe(false);
    await a.done;
    expect(stub.requests.filter((r) => r.path === '/api/pull')).toHaveLength(1);
  });

  it.each([
    ['unknown model', undefined, 'not_found', /ollama.com\/library/],
    ['disk full', 'disk_full' as const, 'server', /disk space|Free space/],
    ['connection cut', 'cut' as const, 'network', /resumes/],
  ])('reports %s as a clear error', async (_label, failWith, kind, hint) => {
    if (failWith) stub.pullScripts.set('m:1', { layers: [layer('d', 1000)], failWith });
    const manager = new PullManager({ host: stub.url });
    const outcome = await manager.enqueue('m:1').done;
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe(kind);
    expect(outcome.error.describe()).toMatch(hint);
    expect(outcome.progress.phase).toBe('error');
  });

  it('reports an unreachable server with the OLLAMA_HOST hint', async () => {
    const url = stub.url;
    await stub.close();
    const outcome = await new PullManager({ host: url }).enqueue('x:1').done;
    expect(!outcome.ok && outcome.error.kind).toBe('network');
    expect(!outcome.ok && outcome.error.describe()).toMatch(/OLLAMA_HOST/);
    stub = await startOllamaStub();
  });
});
