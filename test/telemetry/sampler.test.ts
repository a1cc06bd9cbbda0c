import { describe, expect, it } from 'vitest';
import { startMemorySampler, startSampler } from '../../src/telemetry/sampler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sampler', () => {
  it('never overlaps a slow read with the next one', async () => {
    let running = 0;
    let maxRunning = 0;
    let reads = 0;
    const sampler = startSampler({
      intervalMs: 5,
      read: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(30); // slower than the interval
        running--;
        return ++reads;
      },
    });
    await sleep(200);
    sampler.stop();
    expect(maxRunning).toBe(1);
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(sampler.latest()).toBeGreaterThanOrEqual(3);
  });

  it('reports errors, keeps sampling, and stops for good', async () => {
    let n = 0;
    const errors: unknown[] = [];
    const samples: number[] = [];
    const sampler = startSampler({
      intervalMs: 5,
      read: async () => {
        n++;
        if (n === 1) throw new Error('vm_stat failed');
        return n;
      },
      onSample: (s) => samples.push(s),
      onError: (e) => errors.push(e),
    });
    await sleep(60);
    sampler.stop();
    const after = n;
    await sleep(40);
    expect(errors).toHaveLength(1);
    expect(samples[0]).toBe(2);
    expect(n).toBe(after);
  });

  it('samples this machine by default', async () => {
    const got = await new Promise<number>((resolve, reject) => {
      const s = startMemorySampler({
        intervalMs: 1000,
        onSample: (snap) => {
          s.stop();
          resolve(snap.totalBytes);
        },
        onError: reject,
      });
    });
    expect(got).toBeGreaterThan(0);
  });
});
