import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaInventory } from '../../src/local/inventory.js';
import { isColdLoad, LoadTimeStore } from '../../src/local/load-times.js';
import { ResidencyManager } from '../../src/local/residency.js';
import {
  startOllamaStub,
  WARM_LOAD_DURATIONS_NS,
  type OllamaStub,
} from '../support/ollama-stub.js';

// docs/api.md's first /api/generate example: a cold load of 6338219291 ns.
const COLD_NS = 6_338_219_291;

describe('learned load time', () => {
  it('one cold 6.3 s load and five warm turns still price a switch at 6.3 s', () => {
    const store = new LoadTimeStore();
    store.record('qwen3-coder:30b', COLD_NS / 1e9, 18.6e9);
    for (const ns of WARM_LOAD_DURATIONS_NS.slice(0, 5)) store.record('qwen3-coder:30b', ns / 1e9);
    expect(store.expected('qwen3-coder:30b')).toBeCloseTo(6.338, 3);
    // Throughput learned from the cold load only: 18.6 GB in 6.3 s prices an unseen model.
    expect(store.expected('other', 9.3e9)).toBeCloseTo(3.17, 2);
  });

  it('a warm 41 ms is not a load; a reload of a model that was not resident is, however quick', () => {
    expect(isColdLoad(0.041295167)).toBe(false);
    expect(isColdLoad(0.041295167, true)).toBe(false);
    expect(isColdLoad(0.3, false)).toBe(true);
    expect(isColdLoad(2.97)).toBe(true);
  });

  describe('fed from chats on the stub', () => {
    let stub: OllamaStub;
    beforeEach(async () => {
      stub = await startOllamaStub({
        models: [{ name: 'qwen3-coder:30b', size: 18_556_700_000 }],
        loadDurationNs: () => COLD_NS,
      });
    });
    afterEach(() => stub.close());

    it('learns from the cold call and ignores the warm ones after it', async () => {
      const client = new Ollama({ host: stub.url });
      const residency = new ResidencyManager({
        inventory: new OllamaInventory({ host: stub.url, client }),
        host: { memoryBudgetBytes: 90 * 1024 ** 3, reserveBytes: 0 },
      });
      for (let i = 0; i < 6; i++) {
        const res = await client.chat({
          model: 'qwen3-coder:30b',
          messages: [{ role: 'user', content: 'hi' }],
          options: { num_ctx: 8192 },
        });
        // What the controller does with the provider's metrics.loadMs / 1000.
        residency.recordLoad('qwen3-coder:30b', res.load_duration / 1e9);
      }
      expect(residency.loadTimes.expected('qwen3-coder:30b')).toBeCloseTo(6.338, 3);
    });
  });
});
