import { readFile } from 'node:fs/promises';
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

/**
 * The fields of `/proc/meminfo` (values in kB; proc(5), the kernel's
 * Documentation/filesystems/proc.rst) as systeminformation's mem() reports them. buff/cache is
 * Buffers + Cached + SReclaimable, as procps `free` shows it. A kernel older than 3.14 has no
 * MemAvailable: free + buff/cache stands in, as both tools do.
 */
export function parseMeminfo(text: string): SiMem | undefined {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  const total = kb.get('MemTotal');
  const free = kb.get('MemFree');
  if (!total || free === undefined) return undefined;
  const buffcache =
    (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0) + (kb.get('SReclaimable') ?? 0);
  const swaptotal = kb.get('SwapTotal') ?? 0;
  return {
    total,
    free,
    available: kb.get('MemAvailable') ?? Math.min(total, free + buffcache),
    buffcache,
    swaptotal,
    swapused: Math.max(0, swaptotal - (kb.get('SwapFree') ?? swaptotal)),
  };
}

export async function readLinuxMemory(
  readMeminfo: () => Promise<string> = () => readFile('/proc/meminfo', 'utf8'),
): Promise<MemorySnapshot> {
  // /proc/meminfo is one small read; systeminformation (loaded on first use, and most of
  // `kirikae route`'s start-up before) only for a system without it.
  const mem = parseMeminfo(await readMeminfo().catch(() => ''));
  if (mem) return linuxSnapshot(mem, Date.now());
  // A CommonJS package: bundled and imported dynamically, its exports sit under `default`.
  const si = (await import('systeminformation')) as SiModule & { default?: SiModule };
  return linuxSnapshot(await (si.default ?? si).mem(), Date.now());
}
