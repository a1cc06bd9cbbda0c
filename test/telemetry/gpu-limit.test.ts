import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { darwinSnapshot, parseSysctlLines } from '../../src/telemetry/darwin-parse.js';
import { defaultGpuWiredLimit, parseMacosMajor } from '../../src/telemetry/gpu-limit.js';

// Recorded-format outputs of three stock Macs and one with a raised limit (see
// test/fixtures/mac/README.md for the formats and sources).
const dir = join(import.meta.dirname, '../fixtures/mac');
const read = (machine: string, file: string) => readFileSync(join(dir, machine, file), 'utf8');
const GiB = 1024 ** 3;

function snapshotOf(machine: string) {
  const sysctl = parseSysctlLines(read(machine, 'sysctl-combined.txt'));
  return darwinSnapshot({
    memsize: read(machine, 'memsize.txt'),
    vmStat: read(machine, 'vm_stat.txt'),
    pressureLevel: sysctl['kern.memorystatus_vm_pressure_level']!,
    wiredLimitMb: sysctl['iogpu.wired_limit_mb'],
    swapUsage: sysctl['vm.swapusage']!,
    productVersion: sysctl['kern.osproductversion'],
    takenAt: 0,
  });
}

describe('GPU wired limit by macOS version', () => {
  it.each([
    // machine, RAM, limit: 3/4 at ≥ 64 GB on macOS 13–15 (ollama#434, llama.cpp#1870/#3213);
    // 107.52 GiB on macOS 26 with 128 GB (antirez/ds4#893, #890).
    ['macos14-64gb', 64, 48],
    ['macos15-96gb', 96, 72],
    ['macos26-128gb', 128, 107.52],
  ])('%s: %d GiB RAM → %d GiB default limit', (machine, ram, limit) => {
    const s = snapshotOf(machine);
    expect(s.totalBytes).toBe(ram * GiB);
    expect(s.gpuWiredLimitDefaulted).toBe(true);
    expect(s.gpuWiredLimitBytes / GiB).toBeCloseTo(limit, 2);
    expect(s.macosVersion).toMatch(/^\d+\.\d/);
  });

  it('uses iogpu.wired_limit_mb when the owner set it (114688 MB = 112 GiB, ds4#890)', () => {
    const s = snapshotOf('macos26-128gb-raised');
    expect(s.gpuWiredLimitDefaulted).toBe(false);
    expect(s.gpuWiredLimitBytes).toBe(112 * GiB);
  });

  it('keeps the conservative rule where nothing was measured', () => {
    expect(defaultGpuWiredLimit(32 * GiB, 15) / GiB).toBeCloseTo(21.33, 2);
    expect(defaultGpuWiredLimit(64 * GiB, 26)).toBe(48 * GiB);
    expect(defaultGpuWiredLimit(128 * GiB)).toBe(96 * GiB);
    expect(defaultGpuWiredLimit(128 * GiB, 14)).toBe(96 * GiB);
  });

  it('reads the version as sw_vers or kern.osproductversion print it', () => {
    expect(parseMacosMajor('26.1\n')).toBe(26);
    expect(parseMacosMajor('14.7.1')).toBe(14);
    expect(parseMacosMajor('sysctl: unknown oid')).toBeUndefined();
    expect(parseMacosMajor(undefined)).toBeUndefined();
  });
});
