import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/errors.js';
import {
  factsCachePath,
  findModelHost,
  OllamaInventory,
  parsePs,
  parseShowFacts,
  shapeOf,
} from '../../src/local/inventory.js';
import { kvBytesPerToken } from '../../src/local/kv.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const coder = {
  name: 'qwen3-coder:30b',
  size: 18_556_700_000,
  family: 'qwen3moe',
  parameterSize: '30.5B',
  quantization: 'Q4_K_M',
  blockCount: 48,
  headCount: 32,
  headCountKv: 4,
  keyLength: 128,
  embeddingLength: 2048,
  contextLength: 262144,
  capabilities: ['completion', 'tools'],
};

let stub: OllamaStub;
beforeEach(async () => {
  stub = await startOllamaStub({
    models: [coder, { name: 'qwen3:8b', size: 5_225_000_000 }],
    version: '0.12.6',
  });
});
afterEach(() => stub.close());

describe('parsers', () => {
  it('reads /api/show model_info by architecture, falling back to head_count for KV heads', () => {
    const f = parseShowFacts({
      model_info: {
        'general.architecture': 'llama',
        'general.parameter_count': 8_030_261_248,
        'llama.block_count': 32,
        'llama.attention.head_count': 32,
        'llama.embedding_length': 4096,
        'llama.context_length': 131072,
      },
      capabilities: ['completion'],
    });
    expect(f).toMatchObject({
      architecture: 'llama',
      blockCount: 32,
      headCountKv: 32,
      contextLength: 131072,
    });
    expect(kvBytesPerToken(shapeOf(f)!)).toBe(2 * 32 * 32 * 128 * 2);
    expect(shapeOf(parseShowFacts({}))).toBeUndefined();
  });

  it('reads /api/ps with context_length and recognises pinned models', () => {
    const now = Date.parse('2026-02-01T00:00:00Z');
    const [a, b] = parsePs(
      {
        models: [
          {
            name: 'a',
            size: 10,
            size_vram: 10,
            expires_at: '2318-01-01T00:00:00Z',
            context_length: 8192,
          },
          { name: 'b', size: 5, size_vram: 4, expires_at: '2026-02-01T00:30:00Z' },
        ],
      },
      now,
    );
    expect(a).toMatchObject({ pinned: true, contextLength: 8192 });
    expect(b).toMatchObject({ pinned: false, contextLength: undefined, sizeVramBytes: 4 });
  });
});

describe('OllamaInventory against the stub', () => {
  it('lists installed models with facts, resident models and the version', async () => {
    const inv = new OllamaInventory({ host: stub.url });
    await inv.client.chat({ model: 'qwen3:8b', messages: [], options: { num_ctx: 8192 } });
    const snap = await inv.snapshot();
    expect(snap.version).toBe('0.12.6');
    const c = snap.installed.find((m) => m.name === 'qwen3-coder:30b')!;
    expect(c).toMatchObject({
      sizeBytes: coder.size,
      parameterSize: '30.5B',
      quantization: 'Q4_K_M',
    });
    expect(c.facts).toMatchObject({
      blockCount: 48,
      headCountKv: 4,
      keyLength: 128,
      contextLength: 262144,
    });
    expect(c.facts.capabilities).toEqual(['completion', 'tools']);
    expect(snap.resident).toHaveLength(1);
    expect(snap.resident[0]).toMatchObject({ name: 'qwen3:8b', contextLength: 8192 });
  });

  it('caches facts by digest in memory and on disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kirikae-data-'));
    const file = factsCachePath({ KIRIKAE_DATA_DIR: dataDir })!;
    const inv = new OllamaInventory({ host: stub.url, factsCacheFile: file });
    await inv.installedWithFacts();
    await inv.installedWithFacts();
    const shows = () => stub.requests.filter((r) => r.path === '/api/show').length;
    expect(shows()).toBe(2);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(cached)).toHaveLength(2);
    // A new process (new inventory) reads the disk cache instead of calling /api/show.
    await new OllamaInventory({ host: stub.url, factsCacheFile: file }).installedWithFacts();
    expect(shows()).toBe(2);
  });

  it('turns an unreachable server into a network error with a hint', async () => {
    const url = stub.url;
    await stub.close();
    const inv = new OllamaInventory({ host: url });
    const err = await inv.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KirikaeError);
    expect(err).toMatchObject({ kind: 'network' });
    expect((err as KirikaeError).describe()).toMatch(/ollama serve.*OLLAMA_HOST/);
    stub = await startOllamaStub(); // for afterEach
  });

  it('finds the host that has a model', async () => {
    const other = await startOllamaStub({ models: [{ name: 'codestral:22b', size: 12e9 }] });
    try {
      const invs = [
        new OllamaInventory({ host: stub.url }),
        new OllamaInventory({ host: other.url }),
      ];
      expect((await findModelHost(invs, 'codestral:22b'))?.host).toBe(other.url);
      expect((await findModelHost(invs, 'qwen3:8b'))?.host).toBe(stub.url);
      expect(await findModelHost(invs, 'nope')).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
