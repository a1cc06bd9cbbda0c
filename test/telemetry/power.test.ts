import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findOnPath,
  parseMacmonLine,
  parseMacmonOutput,
  readPower,
  systemWatts,
} from '../../src/telemetry/power.js';

const fixture = readFileSync(join(import.meta.dirname, '../fixtures/mac/macmon.jsonl'), 'utf8');

describe('power', () => {
  it('parses macmon pipe samples to watts, last sample wins', () => {
    const p = parseMacmonOutput(fixture)!;
    expect(p.allWatts).toBe(44.63);
    expect(p.sysWatts).toBe(60.2);
    expect(p.gpuWatts).toBe(40.11);
    expect(p.gpuActiveRatio).toBe(0.95);
  });

  it('ignores lines that are not samples', () => {
    expect(parseMacmonLine('macmon: permission denied')).toBeUndefined();
    expect(parseMacmonLine('{"temp":{}}')).toBeUndefined();
    expect(parseMacmonLine('{"all_power":12.5,"gpu_active_ratio":0.4}')).toMatchObject({
      allWatts: 12.5,
      gpuActiveRatio: 0.4,
      sysWatts: undefined,
    });
  });

  it('falls back to the component sum when macmon reports sys_power 0.0 (failed SMC read)', () => {
    const text = readFileSync(
      join(import.meta.dirname, '../fixtures/mac/macmon-smc-failed.jsonl'),
      'utf8',
    );
    const p = parseMacmonOutput(text)!;
    expect(p.sysWatts).toBeUndefined();
    expect(systemWatts(p)).toBeCloseTo(5.12 + 41.37 + 0.0, 5);
    expect(p.gpuActiveRatio).toBe(0.91);
    // With the SMC read, its whole-system figure is the one to price with.
    expect(systemWatts(parseMacmonOutput(fixture))).toBe(60.2);
    // Nothing but all_power (a trimmed sample): all_power.
    expect(systemWatts(parseMacmonLine('{"all_power":12.5,"sys_power":0}'))).toBe(12.5);
  });

  it('reads the GPU busy ratio from older (gpu_usage) and v0.8.1+ (gpu_active_ratio) samples', () => {
    expect(parseMacmonLine('{"all_power":1,"gpu_usage":[1578,0.42]}')?.gpuActiveRatio).toBe(0.42);
    expect(
      parseMacmonLine('{"all_power":1,"gpu_usage":[1578,0.42],"gpu_active_ratio":0.5}')
        ?.gpuActiveRatio,
    ).toBe(0.5);
  });

  it('finds executables on PATH only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirikae-path-'));
    writeFileSync(join(dir, 'macmon'), '#!/bin/sh\n');
    chmodSync(join(dir, 'macmon'), 0o755);
    writeFileSync(join(dir, 'notexec'), '');
    expect(await findOnPath('macmon', { PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'macmon'));
    expect(await findOnPath('notexec', { PATH: dir })).toBeUndefined();
  });

  it('is undefined off macOS', async () => {
    expect(await readPower('linux')).toBeUndefined();
  });
});
