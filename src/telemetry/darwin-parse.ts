// Pure parsers for the outputs of macOS commands that need no sudo (see
// /work/shared/reference/apple-memory.md). Kept free of I/O so they are tested against
// recorded outputs on any OS.
import { gpuWiredLimit, parseMacosMajor } from './gpu-limit.js';
import type { MemoryPressure, MemorySnapshot } from './memory-snapshot.js';

export { defaultGpuWiredLimit } from './gpu-limit.js';

/** `sysctl -n hw.memsize` → bytes. */
export function parseMemsize(text: string): number {
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`unexpected hw.memsize: ${text.trim()}`);
  return n;
}

export interface VmStat {
  pageSize: number;
  /** Page counts keyed by the label as printed, lower-cased, quotes removed. */
  pages: Record<string, number>;
}

/** `vm_stat` → page size and every "Label: N." counter. */
export function parseVmStat(text: string): VmStat {
  const header = /page size of (\d+) bytes/.exec(text);
  if (!header) throw new Error('vm_stat output without a page size header');
  const pages: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*"?([^":]+)"?:\s+(\d+)\.?\s*$/.exec(line);
    if (m) pages[m[1]!.trim().toLowerCase()] = Number(m[2]);
  }
  return { pageSize: Number(header[1]), pages };
}

/** `sysctl -n kern.memorystatus_vm_pressure_level` → 1 normal, 2 warn, 4 critical. */
export function parsePressureLevel(text: string): MemoryPressure {
  const level = Number(text.trim());
  if (level >= 4) return 'critical';
  if (level >= 2) return 'warn';
  return 'normal';
}

/** `sysctl -n iogpu.wired_limit_mb` → MB (0 means "OS default"); undefined when absent. */
export function parseWiredLimitMb(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  return Number(t);
}

const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `sysctl vm.swapusage` (with or without the name prefix) → bytes. */
export function parseSwapUsage(text: string): { totalBytes: number; usedBytes: number } {
  const field = (name: string) => {
    const m = new RegExp(`${name}\\s*=\\s*([\\d.]+)([KMGT])?`).exec(text);
    return m ? Math.round(Number(m[1]) * (UNIT[m[2] ?? 'M'] ?? 1)) : 0;
  };
  return { totalBytes: field('total'), usedBytes: field('used') };
}

/**
 * Output of one `sysctl name1 name2 ...` call ("name: value" lines) → value text by name. Lets the
 * sampler read pressure, wired limit and swap with one process instead of three.
 */
export function parseSysctlLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

export interface DarwinReadings {
  memsize: string;
  vmStat: string;
  pressureLevel: string;
  /** Missing on macOS versions without the iogpu sysctl. */
  wiredLimitMb?: string;
  swapUsage: string;
  /** `kern.osproductversion` (e.g. "15.6.1"); picks the default wired limit. */
  productVersion?: string;
  takenAt: number;
}

export function darwinSnapshot(r: DarwinReadings): MemorySnapshot {
  const totalBytes = parseMemsize(r.memsize);
  const { pageSize, pages } = parseVmStat(r.vmStat);
  const p = (label: string) => (pages[label] ?? 0) * pageSize;
  const anonymous = p('anonymous pages');
  const purgeable = p('pages purgeable');
  const wired = p('pages wired down');
  const compressorOccupied = p('pages occupied by compressor');
  const usedBytes = Math.max(0, anonymous - purgeable) + wired + compressorOccupied;
  const swap = parseSwapUsage(r.swapUsage);
  const limit = gpuWiredLimit({
    totalBytes,
    wiredLimitMb: r.wiredLimitMb === undefined ? undefined : parseWiredLimitMb(r.wiredLimitMb),
    macosMajor: parseMacosMajor(r.productVersion),
  });
  return {
    totalBytes,
    usedBytes,
    availableBytes: Math.max(0, totalBytes - usedBytes),
    wiredBytes: wired,
    compressedBytes: compressorOccupied,
    cachedBytes: purgeable + p('file-backed pages'),
    freeBytes: p('pages free'),
    pressure: parsePressureLevel(r.pressureLevel),
    swapUsedBytes: swap.usedBytes,
    swapTotalBytes: swap.totalBytes,
    gpuWiredLimitBytes: limit.bytes,
    gpuWiredLimitDefaulted: limit.defaulted,
    ...(r.productVersion?.trim() ? { macosVersion: r.productVersion.trim() } : {}),
    takenAt: r.takenAt,
  };
}
