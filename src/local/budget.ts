import { gibToBytes } from './format.js';

/**
 * Used when neither a cap is configured nor the machine's GPU wired limit is known (a remote
 * host without `memoryBudgetGb`, or this machine before its first memory reading): the default
 * limit of the smallest Apple-Silicon Macs that run coding models (2/3 of 24 GB), so an unknown
 * machine is never over-committed. Set hosts[].memoryBudgetGb for a remote host.
 */
export const UNKNOWN_MACHINE_BUDGET_GB = 16;

export type BudgetSource = 'derived' | 'configured' | 'fallback';

/**
 * Memory the planner may fill on one host. The GPU wired limit is what Metal lets Ollama use
 * (it already leaves the OS its share); the reserve is kept free inside it. An explicit cap
 * (memoryBudgetGb) can only lower that, never raise it past what Metal allows.
 */
export function effectiveBudget(opts: {
  /** Explicit cap from the config; undefined = derive from the wired limit. */
  configuredBytes?: number;
  gpuWiredLimitBytes?: number;
  reserveBytes: number;
}): number {
  return budgetWithSource(opts).bytes;
}

export function budgetWithSource(opts: {
  configuredBytes?: number;
  gpuWiredLimitBytes?: number;
  reserveBytes: number;
}): { bytes: number; source: BudgetSource } {
  const derived =
    opts.gpuWiredLimitBytes === undefined
      ? undefined
      : Math.max(0, opts.gpuWiredLimitBytes - opts.reserveBytes);
  if (opts.configuredBytes !== undefined) {
    return { bytes: Math.min(opts.configuredBytes, derived ?? Infinity), source: 'configured' };
  }
  if (derived !== undefined) return { bytes: derived, source: 'derived' };
  return { bytes: gibToBytes(UNKNOWN_MACHINE_BUDGET_GB), source: 'fallback' };
}
