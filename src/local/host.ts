import { normalizeOllamaHost } from '../config/ollama-host.js';
import { gibToBytes } from './format.js';

export { normalizeOllamaHost };

/** One Ollama server kirikae may place models on, with the memory it may fill. */
export interface OllamaHost {
  /** Normalised base URL, e.g. http://127.0.0.1:11434. */
  url: string;
  /** Configured memory budget for resident models on that machine, bytes. */
  memoryBudgetBytes: number;
  /** Kept free for the OS and other apps, bytes. */
  reserveBytes: number;
}

/** The part of the config's `local` section this folder reads (kept structural on purpose). */
export interface LocalSettings {
  hosts?: { url: string; memoryBudgetGb?: number }[];
  memoryBudgetGb?: number;
  reserveGb?: number;
  numParallel?: number;
  kvCacheType?: 'f16' | 'q8_0' | 'q4_0';
  keepAlive?: string | number;
  pinned?: string[];
}

export const DEFAULT_MEMORY_BUDGET_GB = 96;
export const DEFAULT_RESERVE_GB = 16;

/**
 * Hosts from settings; without any configured, the one OLLAMA_HOST points at (as the ollama CLI
 * would), with the global budget.
 */
export function resolveHosts(
  settings: LocalSettings = {},
  env: NodeJS.ProcessEnv = {},
): OllamaHost[] {
  const budgetGb = settings.memoryBudgetGb ?? DEFAULT_MEMORY_BUDGET_GB;
  const reserveBytes = gibToBytes(settings.reserveGb ?? DEFAULT_RESERVE_GB);
  const configured = settings.hosts ?? [];
  if (!configured.length) {
    return [
      {
        url: normalizeOllamaHost(env.OLLAMA_HOST),
        memoryBudgetBytes: gibToBytes(budgetGb),
        reserveBytes,
      },
    ];
  }
  return configured.map((h) => ({
    url: normalizeOllamaHost(h.url),
    memoryBudgetBytes: gibToBytes(h.memoryBudgetGb ?? budgetGb),
    reserveBytes,
  }));
}
