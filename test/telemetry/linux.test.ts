import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  linuxSnapshot,
  parseMeminfo,
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

  it('parses /proc/meminfo as free(1) reads it; a kernel before 3.14 has no MemAvailable', () => {
    // A capture from a pre-3.14 kernel (no MemAvailable, no SReclaimable), posted in
    // zhwei/ServerMonitor notes/proc_meminfo.md; trimmed to the lines read plus two neighbours.
    const old = [
      'MemTotal: 24675128 kB',
      'MemFree: 1017340 kB',
      'Buffers: 172424 kB',
      'Cached: 9777444 kB',
      'SwapCached: 572784 kB',
      'SwapTotal: 34996216 kB',
      'SwapFree: 32120548 kB',
      'Slab: 898396 kB',
    ].join('\n');
    const kB = 1024;
    expect(parseMeminfo(old)).toEqual({
      total: 24675128 * kB,
      free: 1017340 * kB,
      // SwapCached is not Cached: the field is matched whole.
      buffcache: (172424 + 9777444) * kB,
      available: (1017340 + 172424 + 9777444) * kB,
      swaptotal: 34996216 * kB,
      swapused: (34996216 - 32120548) * kB,
    });
    // Columns as a 6.x kernel aligns them, with MemAvailable and SReclaimable.
    const recent = parseMeminfo(
      'MemTotal:       24683656 kB\nMemFree:        23387644 kB\nMemAvailable:   24210260 kB\n' +
        'Buffers:            5264 kB\nCached:           279796 kB\nSReclaimable:     800000 kB\n' +
        'HugePages_Total:       0\n',
    );
    expect(recent?.available).toBe(24210260 * kB);
    expect(recent?.buffcache).toBe((5264 + 279796 + 800000) * kB);
    expect(recent?.swapused).toBe(0);
    expect(parseMeminfo('')).toBeUndefined();
    expect(parseMeminfo('garbage\n')).toBeUndefined();
  });

  it('falls back to systeminformation when /proc/meminfo cannot be read', async () => {
    const s = await readLinuxMemory(() => Promise.reject(new Error('ENOENT')));
    expect(s.totalBytes).toBeGreaterThan(0);
  });

  it.runIf(process.platform === 'linux')(
    "reads this machine's /proc/meminfo, agreeing with systeminformation",
    async () => {
      const s = await readLinuxMemory();
      expect(s.totalBytes).toBeGreaterThan(0);
      expect(s.usedBytes).toBeLessThanOrEqual(s.totalBytes);
      expect((await readMemory()).totalBytes).toBe(s.totalBytes);
      const si = await import('systeminformation');
      const mem = await (si.default ?? si).mem();
      const ours = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'))!;
      expect(ours.total).toBe(mem.total);
      expect(ours.swaptotal).toBe(mem.swaptotal);
      // Read a moment apart on a live machine: within 1 % of RAM.
      expect(Math.abs(ours.available - mem.available)).toBeLessThan(mem.total / 100);
    },
  );
});
