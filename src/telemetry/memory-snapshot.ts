export type MemoryPressure = 'normal' | 'warn' | 'critical';

/** One reading of unified memory; every size in bytes. */
export interface MemorySnapshot {
  totalBytes: number;
  /** Activity Monitor's "Memory Used": app (anonymous − purgeable) + wired + compressor-occupied. */
  usedBytes: number;
  /** total − used, never negative: what new allocations can take before pressure rises. */
  availableBytes: number;
  /** Wired memory; on a Mac this includes Metal buffers, so a resident Ollama model shows here. */
  wiredBytes: number;
  /** Physical memory occupied by the compressor (Activity Monitor's "Compressed"). */
  compressedBytes: number;
  /** Purgeable + file-backed pages (Activity Monitor's "Cached Files"); page cache on linux. */
  cachedBytes: number;
  freeBytes: number;
  pressure: MemoryPressure;
  swapUsedBytes: number;
  swapTotalBytes: number;
  /** The most unified memory the GPU may wire: the ceiling for resident local models. */
  gpuWiredLimitBytes: number;
  /** True when the limit is an estimate (sysctl said 0 = OS default, or the platform has none). */
  gpuWiredLimitDefaulted: boolean;
  /** macOS product version ("26.1"), when read: the default wired limit depends on it. */
  macosVersion?: string;
  /** Epoch ms. */
  takenAt: number;
}
