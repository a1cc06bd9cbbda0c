import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDarwinMemory } from '../../src/telemetry/darwin.js';

// Replays the recorded Mac outputs through stand-in `sysctl` and `vm_stat` executables, so the
// command lines and the wiring are exercised on linux too.
const fixtures = join(import.meta.dirname, '../fixtures/mac/critical');
let savedPath: string | undefined;
let log: string;

beforeAll(() => {
  const bin = mkdtempSync(join(tmpdir(), 'kirikae-fake-mac-'));
  log = join(bin, 'calls.log');
  const script = (body: string) => `#!/bin/sh\necho "$0 $*" >> ${log}\n${body}\n`;
  writeFileSync(
    join(bin, 'sysctl'),
    script(
      `if [ "$1" = "-n" ] && [ "$2" = "hw.memsize" ]; then cat ${fixtures}/memsize.txt; else cat ${fixtures}/sysctl-combined.txt; fi`,
    ),
  );
  writeFileSync(join(bin, 'vm_stat'), script(`cat ${fixtures}/vm_stat.txt`));
  chmodSync(join(bin, 'sysctl'), 0o755);
  chmodSync(join(bin, 'vm_stat'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
});

describe('readDarwinMemory', () => {
  it('runs vm_stat and one sysctl per sample, memsize once', async () => {
    const a = await readDarwinMemory();
    const b = await readDarwinMemory();
    expect(a.totalBytes).toBe(128 * 1024 ** 3);
    expect(a.pressure).toBe('critical');
    expect(a.gpuWiredLimitBytes).toBe(107.5 * 1024 ** 3);
    expect(b.usedBytes).toBe(a.usedBytes);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.includes('hw.memsize'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('vm_stat'))).toHaveLength(2);
    expect(calls.filter((c) => c.includes('kern.memorystatus_vm_pressure_level'))).toHaveLength(2);
    // The macOS version rides on the same sysctl call: it picks the default wired limit.
    expect(calls.filter((c) => c.includes('kern.osproductversion'))).toHaveLength(2);
  });
});
