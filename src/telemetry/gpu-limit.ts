// How much unified memory Metal lets the GPU wire on a Mac (pure). Ollama places a model only
// within that limit, so it is the ceiling of every local plan; the limit already leaves macOS
// its share, so nothing else is taken off it for the OS.

const GiB = 1024 ** 3;

/** `sw_vers -productVersion` or `sysctl -n kern.osproductversion` → its major number. */
export function parseMacosMajor(text: string | undefined): number | undefined {
  const m = /^\s*(\d+)(?:\.\d+)*\s*$/.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Metal's recommendedMaxWorkingSetSize when `iogpu.wired_limit_mb` is 0 (the OS default).
 *
 * - macOS 13–15 (and earlier): about 2/3 of RAM below 64 GB and 3/4 from 64 GB up, so 48 GiB
 *   of 64, 72 of 96, 96 of 128 (ollama/ollama#434; ggml-org/llama.cpp#1870 and #3213, where
 *   M-series owners print recommendedMaxWorkingSetSize).
 * - macOS 26: 107.52 GiB measured with 128 GB on two machines, i.e. 0.84 of RAM
 *   (antirez/ds4#893 and #890; the latter reads 112 GiB once 114688 is set). No measurement of
 *   smaller Macs on 26 is known, so those keep the 13–15 rule: an under-estimate only keeps a
 *   model out that would have fitted, never the reverse.
 * - Unknown version: the 13–15 rule, for the same reason.
 */
export function defaultGpuWiredLimit(totalBytes: number, macosMajor?: number): number {
  if (macosMajor !== undefined && macosMajor >= 26 && totalBytes >= 128 * GiB) {
    return Math.floor(totalBytes * 0.84);
  }
  return Math.floor(totalBytes * (totalBytes >= 64 * GiB ? 3 / 4 : 2 / 3));
}

/**
 * The GPU wired limit: `iogpu.wired_limit_mb` when it is set (non-zero), else the version's
 * default. `defaulted` says the figure is the rule above rather than a reading.
 */
export function gpuWiredLimit(opts: {
  totalBytes: number;
  wiredLimitMb?: number;
  macosMajor?: number;
}): { bytes: number; defaulted: boolean } {
  if (opts.wiredLimitMb && opts.wiredLimitMb > 0) {
    return { bytes: Math.min(opts.totalBytes, opts.wiredLimitMb * 1024 * 1024), defaulted: false };
  }
  return { bytes: defaultGpuWiredLimit(opts.totalBytes, opts.macosMajor), defaulted: true };
}
