import type * as SystemInformation from 'systeminformation';
import type { MemoryPressure, MemorySnapshot } from './memory-snapshot.js';

/** The fields of systeminformation's mem() this module uses. */
export interface SiMem {
  total: number;
  free: number;
  available: number;
  buffcache: number;
  swaptotal: number;
  swapused: number;
}

/**
 * Linux has no pressure level like macOS; MemAvailable is the kernel's own estimate of what can
 * be allocated without swapping, so its share of RAM stands in for it.
 */
export function pressureFromAvailable(available: number, total: number): MemoryPressure {
  const share = total > 0 ? available / total : 1;
  if (share < 0.05) return 'critical';
  if (share < 0.15) return 'warn';
  return 'normal';
}

export function linuxSnapshot(mem: SiMem, takenAt: number): MemorySnapshot {
  const usedBytes = Math.max(0, mem.total - mem.available);
  return {
    totalBytes: mem.total,
    usedBytes,
    availableBytes: mem.available,
    wiredBytes: 0,
    compressedBytes: 0,
    cachedBytes: mem.buffcache,
    freeBytes: mem.free,
    pressure: pressureFromAvailable(mem.available, mem.total),
    swapUsedBytes: mem.swapused,
    swapTotalBytes: mem.swaptotal,
    // No unified-memory GPU cap on linux: the whole RAM is the ceiling.
    gpuWiredLimitBytes: mem.total,
    gpuWiredLimitDefaulted: true,
    takenAt,
  };
}

type SiModule = typeof SystemInformation;

export async function readLinuxMemory(): Promise<MemorySnapshot> {
  // Loaded on first use: systeminformation is large and not needed before the first frame.
  // A CommonJS package: bundled and imported dynamically, its exports sit under `default`.
  const si = (await import('systeminformation')) as SiModule & { default?: SiModule };
  return linuxSnapshot(await (si.default ?? si).mem(), Date.now());
}
