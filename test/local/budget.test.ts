import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetWithSource, effectiveBudget } from '../../src/local/budget.js';
import { CURATED_CODING_MODELS } from '../../src/local/curated.js';
import { resolveHosts } from '../../src/local/host.js';
import { footprintBytes } from '../../src/local/kv.js';
import { darwinSnapshot, parseSysctlLines } from '../../src/telemetry/darwin-parse.js';

const GiB = 1024 ** 3;
const dir = join(import.meta.dirname, '../fixtures/mac');

/** This machine's host with the config defaults, on the recorded Mac `machine`. */
function budgetOn(machine: string, local = {}) {
  const read = (f: string) => readFileSync(join(dir, machine, f), 'utf8');
  const sysctl = parseSysctlLines(read('sysctl-combined.txt'));
  const memory = darwinSnapshot({
    memsize: read('memsize.txt'),
    vmStat: read('vm_stat.txt'),
    pressureLevel: sysctl['kern.memorystatus_vm_pressure_level']!,
    wiredLimitMb: sysctl['iogpu.wired_limit_mb'],
    swapUsage: sysctl['vm.swapusage']!,
    productVersion: sysctl['kern.osproductversion'],
    takenAt: 0,
  });
  const host = resolveHosts(local, {})[0]!;
  return effectiveBudget({
    configuredBytes: host.memoryBudgetBytes,
    gpuWiredLimitBytes: memory.gpuWiredLimitBytes,
    reserveBytes: host.reserveBytes,
  });
}

/** Three coding models at 64–128K, at the curated (Ollama library) sizes and shapes. */
function threeCodersBytes(): number {
  const at = (name: string, ctx: number) => {
    const m = CURATED_CODING_MODELS.find((c) => c.name === name)!;
    return footprintBytes(m.approxBytes, m.shape, ctx);
  };
  return (
    at('qwen3-coder:30b', 131072) + at('glm-4.7-flash', 65536) + at('qwen2.5-coder:32b', 32768)
  );
}

describe('memory budget derived from the machine', () => {
  it('is the GPU wired limit minus a small reserve, not a fixed 96 GB minus 16', () => {
    expect(budgetOn('macos14-64gb') / GiB).toBeCloseTo(48 - 4, 5);
    expect(budgetOn('macos15-96gb') / GiB).toBeCloseTo(72 - 4, 5);
    expect(budgetOn('macos26-128gb') / GiB).toBeCloseTo(107.52 - 4, 2);
    expect(budgetOn('macos26-128gb-raised') / GiB).toBeCloseTo(112 - 4, 5);
  });

  it('holds three coding models at 64–128K on a 128 GB Mac (80 GiB did not)', () => {
    const need = threeCodersBytes();
    expect(need).toBeGreaterThan(80 * GiB);
    expect(need).toBeLessThanOrEqual(budgetOn('macos26-128gb'));
  });

  it('treats memoryBudgetGb as an explicit cap that cannot exceed what Metal allows', () => {
    expect(budgetOn('macos26-128gb', { memoryBudgetGb: 40 })).toBe(40 * GiB);
    expect(budgetOn('macos15-96gb', { memoryBudgetGb: 90 })).toBe(68 * GiB);
    expect(budgetOn('macos15-96gb', { reserveGb: 0 })).toBe(72 * GiB);
  });

  it('falls back to a small documented budget when nothing is known', () => {
    expect(budgetWithSource({ reserveBytes: 4 * GiB })).toEqual({
      bytes: 16 * GiB,
      source: 'fallback',
    });
    expect(budgetWithSource({ gpuWiredLimitBytes: 2 * GiB, reserveBytes: 4 * GiB })).toEqual({
      bytes: 0,
      source: 'derived',
    });
    expect(budgetWithSource({ configuredBytes: 20 * GiB, reserveBytes: 4 * GiB }).source).toBe(
      'configured',
    );
  });
});
