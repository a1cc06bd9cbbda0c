import { describe, expect, it } from 'vitest';
import {
  linuxSnapshot,
  pressureFromAvailable,
  readLinuxMemory,
} from '../../src/telemetry/linux.js';
import { readMemory } from '../../src/telemetry/memory.js';

const GiB = 1024 ** 3;

describe('linux memory', () => {
  it('derives used and pressure from MemAvailable', () => {
    const s = linuxSnapshot(
      {
        total: 64 * GiB,
        free: 2 * GiB,
        available: 6 * GiB,
        buffcache: 10 * GiB,
        swaptotal: 8 * GiB,
        swapused: GiB,
      },
      42,
    );
    expect(s.usedBytes).toBe(58 * GiB);
    expect(s.pressure).toBe('warn');
    expect(s.gpuWiredLimitBytes).toBe(64 * GiB);
    expect(s.gpuWiredLimitDefaulted).toBe(true);
    expect(s.swapUsedBytes).toBe(GiB);
    expect(pressureFromAvailable(2, 100)).toBe('critical');
    expect(pressureFromAvailable(50, 100)).toBe('normal');
  });

  it.runIf(process.platform === 'linux')(
    'reads this machine through systeminformation',
    async () => {
      const s = await readLinuxMemory();
      expect(s.totalBytes).toBeGreaterThan(0);
      expect(s.usedBytes).toBeLessThanOrEqual(s.totalBytes);
      expect((await readMemory()).totalBytes).toBe(s.totalBytes);
    },
  );
});
