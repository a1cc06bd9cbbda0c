import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface PowerReading {
  /** CPU + GPU + ANE (macmon's all_power), watts. */
  allWatts: number;
  /**
   * Whole system as the SMC reports it (sys_power), watts; undefined when macmon lacks it or
   * reports 0.0, which it does when the SMC read fails (vladkens/macmon).
   */
  sysWatts?: number;
  cpuWatts?: number;
  gpuWatts?: number;
  aneWatts?: number;
  /** 0..1 */
  gpuActiveRatio?: number;
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** One JSON line of `macmon pipe` → watts; undefined for a line that is not a sample. */
export function parseMacmonLine(line: string): PowerReading | undefined {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const all = num(obj.all_power);
  if (all === undefined) return undefined;
  // macmon v0.8.1+ reports gpu_active_ratio; older builds gpu_usage: [MHz, ratio].
  const gpuUsage = Array.isArray(obj.gpu_usage) ? num(obj.gpu_usage[1]) : undefined;
  const sys = num(obj.sys_power);
  return {
    allWatts: all,
    // A machine that is on draws more than 0 W: 0.0 is macmon's failed SMC read, not a reading.
    sysWatts: sys && sys > 0 ? sys : undefined,
    cpuWatts: num(obj.cpu_power),
    gpuWatts: num(obj.gpu_power),
    aneWatts: num(obj.ane_power),
    gpuActiveRatio: num(obj.gpu_active_ratio) ?? gpuUsage,
  };
}

/**
 * Watts to price local energy with: the SMC's whole-system figure when it was read, else the
 * sum of the components macmon measured (CPU + GPU + ANE), else macmon's all_power.
 */
export function systemWatts(r: PowerReading | undefined): number | undefined {
  if (!r) return undefined;
  if (r.sysWatts !== undefined) return r.sysWatts;
  const parts = [r.cpuWatts, r.gpuWatts, r.aneWatts].filter((w): w is number => w !== undefined);
  const sum = parts.reduce((s, w) => s + w, 0);
  return sum > 0 ? sum : r.allWatts;
}

/** The last sample in a `macmon pipe` output. */
export function parseMacmonOutput(text: string): PowerReading | undefined {
  const lines = text.split('\n').filter((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const r = parseMacmonLine(lines[i]!);
    if (r) return r;
  }
  return undefined;
}

export async function findOnPath(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

let macmonPath: Promise<string | undefined> | undefined;

/**
 * Watts from `macmon pipe -s 1 -i 500` (one sample over 500 ms; powermetrics would need sudo).
 * Undefined off macOS, without macmon on PATH, or when it fails: power is optional information.
 */
export async function readPower(
  platform: NodeJS.Platform = process.platform,
): Promise<PowerReading | undefined> {
  if (platform !== 'darwin') return undefined;
  macmonPath ??= findOnPath('macmon');
  const bin = await macmonPath;
  if (!bin) return undefined;
  const { execa } = await import('execa');
  const result = await execa(bin, ['pipe', '-s', '1', '-i', '500'], {
    reject: false,
    timeout: 5000,
  });
  return result.exitCode === 0 ? parseMacmonOutput(result.stdout) : undefined;
}
