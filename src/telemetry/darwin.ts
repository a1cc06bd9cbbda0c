import { darwinSnapshot, parseSysctlLines } from './darwin-parse.js';
import type { MemorySnapshot } from './memory-snapshot.js';

const SYSCTL_NAMES = [
  'kern.memorystatus_vm_pressure_level',
  'iogpu.wired_limit_mb',
  'vm.swapusage',
  // The same string `sw_vers -productVersion` prints, without a third process.
  'kern.osproductversion',
];

// A hung command must not stall the sampler for good (it never starts a read while one is
// pending), so each read gives up after a few seconds.
const TIMEOUT_MS = 5000;

let memsizeCache: string | undefined;

/**
 * Reads memory on macOS with two short processes per sample (vm_stat and one sysctl for three
 * names); hw.memsize never changes, so it is read once. No sudo needed.
 */
export async function readDarwinMemory(): Promise<MemorySnapshot> {
  const { execa } = await import('execa');
  memsizeCache ??= (await execa('sysctl', ['-n', 'hw.memsize'], { timeout: TIMEOUT_MS })).stdout;
  const [vm, sysctl] = await Promise.all([
    execa('vm_stat', { timeout: TIMEOUT_MS }),
    // reject: false — an unknown name (iogpu.* before macOS 14) makes sysctl exit 1 while still
    // printing the others.
    execa('sysctl', SYSCTL_NAMES, { reject: false, timeout: TIMEOUT_MS }),
  ]);
  if (sysctl.timedOut) throw new Error('sysctl timed out');
  const values = parseSysctlLines(sysctl.stdout);
  return darwinSnapshot({
    memsize: memsizeCache,
    vmStat: vm.stdout,
    pressureLevel: values['kern.memorystatus_vm_pressure_level'] ?? '1',
    wiredLimitMb: values['iogpu.wired_limit_mb'],
    swapUsage: values['vm.swapusage'] ?? '',
    productVersion: values['kern.osproductversion'],
    takenAt: Date.now(),
  });
}
