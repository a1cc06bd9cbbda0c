import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  darwinSnapshot,
  defaultGpuWiredLimit,
  parseMemsize,
  parsePressureLevel,
  parseSwapUsage,
  parseSysctlLines,
  parseVmStat,
  parseWiredLimitMb,
} from '../../src/telemetry/darwin-parse.js';

const dir = join(import.meta.dirname, '../fixtures/mac');
const read = (scenario: string, file: string) => readFileSync(join(dir, scenario, file), 'utf8');
const GiB = 1024 ** 3;
const PAGE = 16384;

function snapshot(scenario: string) {
  return darwinSnapshot({
    memsize: read(scenario, 'memsize.txt'),
    vmStat: read(scenario, 'vm_stat.txt'),
    pressureLevel: read(scenario, 'pressure.txt'),
    wiredLimitMb: read(scenario, 'wired_limit_mb.txt'),
    swapUsage: read(scenario, 'swapusage.txt'),
    takenAt: 1_700_000_000_000,
  });
}

describe('darwin parsers', () => {
  it('reads hw.memsize of a 128 GB Mac', () => {
    expect(parseMemsize(read('normal', 'memsize.txt'))).toBe(128 * GiB);
    expect(() => parseMemsize('sysctl: unknown oid')).toThrow();
  });

  it('reads vm_stat counters and the 16 KiB page size', () => {
    const vm = parseVmStat(read('normal', 'vm_stat.txt'));
    expect(vm.pageSize).toBe(PAGE);
    expect(vm.pages['pages free']).toBe(2809345);
    expect(vm.pages['anonymous pages']).toBe(2100000);
    expect(vm.pages['pages occupied by compressor']).toBe(60000);
    expect(vm.pages['translation faults']).toBe(412345678);
  });

  it('maps pressure levels 1/2/4', () => {
    expect(parsePressureLevel(read('normal', 'pressure.txt'))).toBe('normal');
    expect(parsePressureLevel(read('warn', 'pressure.txt'))).toBe('warn');
    expect(parsePressureLevel(read('critical', 'pressure.txt'))).toBe('critical');
  });

  it('reads swap usage in MiB units, with and without swap', () => {
    expect(parseSwapUsage(read('normal', 'swapusage.txt'))).toEqual({
      totalBytes: 0,
      usedBytes: 0,
    });
    expect(parseSwapUsage(read('warn', 'swapusage.txt'))).toEqual({
      totalBytes: 4096 * 1024 ** 2,
      usedBytes: Math.round(3276.75 * 1024 ** 2),
    });
    expect(parseSwapUsage('total = 1.50G  used = 512.00M  free = 1.00G').totalBytes).toBe(
      1.5 * GiB,
    );
  });

  it('reads the wired limit; 0 means default, garbage means absent', () => {
    expect(parseWiredLimitMb('0\n')).toBe(0);
    expect(parseWiredLimitMb('110080')).toBe(110080);
    expect(parseWiredLimitMb('sysctl: unknown oid')).toBeUndefined();
  });

  it('splits one multi-name sysctl call', () => {
    const v = parseSysctlLines(read('critical', 'sysctl-combined.txt'));
    expect(v['kern.memorystatus_vm_pressure_level']).toBe('4');
    expect(v['iogpu.wired_limit_mb']).toBe('110080');
    expect(parseSwapUsage(v['vm.swapusage']!).usedBytes).toBe(Math.round(9472.5 * 1024 ** 2));
  });
});

describe('darwinSnapshot', () => {
  it('computes Activity Monitor figures for the normal Mac', () => {
    const s = snapshot('normal');
    expect(s.totalBytes).toBe(128 * GiB);
    // used = (anonymous − purgeable) + wired + compressor-occupied
    expect(s.usedBytes).toBe((2100000 - 25000 + 1900000 + 60000) * PAGE);
    expect(s.wiredBytes).toBe(1900000 * PAGE);
    expect(s.compressedBytes).toBe(60000 * PAGE);
    expect(s.cachedBytes).toBe((25000 + 1500000) * PAGE);
    expect(s.freeBytes).toBe(2809345 * PAGE);
    expect(s.availableBytes).toBe(s.totalBytes - s.usedBytes);
    expect(s.pressure).toBe('normal');
    expect(s.swapUsedBytes).toBe(0);
    expect(s.takenAt).toBe(1_700_000_000_000);
  });

  it('defaults the GPU wired limit to 3/4 of RAM when sysctl says 0', () => {
    const s = snapshot('normal');
    expect(s.gpuWiredLimitDefaulted).toBe(true);
    expect(s.gpuWiredLimitBytes).toBe(96 * GiB);
    expect(defaultGpuWiredLimit(32 * GiB)).toBeCloseTo((32 * GiB * 2) / 3, -1);
  });

  it('uses a set wired limit (107.5 GiB) and reports critical pressure with swap', () => {
    const s = snapshot('critical');
    expect(s.gpuWiredLimitDefaulted).toBe(false);
    expect(s.gpuWiredLimitBytes).toBe(107.5 * GiB);
    expect(s.pressure).toBe('critical');
    expect(s.swapUsedBytes).toBeGreaterThan(9 * GiB);
    expect(s.usedBytes).toBeGreaterThan(s.totalBytes * 0.9);
  });

  it('treats a missing iogpu sysctl (older macOS) as the default limit', () => {
    const s = darwinSnapshot({
      memsize: read('warn', 'memsize.txt'),
      vmStat: read('warn', 'vm_stat.txt'),
      pressureLevel: '2',
      swapUsage: read('warn', 'swapusage.txt'),
      takenAt: 0,
    });
    expect(s.gpuWiredLimitDefaulted).toBe(true);
    expect(s.pressure).toBe('warn');
    expect(s.wiredBytes / GiB).toBeCloseTo(85.4, 1);
  });
});
