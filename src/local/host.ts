import { normalizeOllamaHost } from '../config/ollama-host.js';
import { KirikaeError } from '../core/errors.js';
import { gibToBytes } from './format.js';

export { normalizeOllamaHost };

/** One Ollama server kirikae may place models on, with the memory it may fill. */
export interface OllamaHost {
  /** Normalised base URL, e.g. http://127.0.0.1:11434. */
  url: string;
  /**
   * Explicit cap on resident models (hosts[].memoryBudgetGb, else local.memoryBudgetGb), bytes.
   * Undefined: the budget is derived from the machine's GPU wired limit (see effectiveBudget).
   */
  memoryBudgetBytes?: number;
  /** Kept free within the GPU wired limit (KV growth, compute buffers, a second app), bytes. */
  reserveBytes: number;
  /** The server runs on this machine, so this machine's memory readings are its readings. */
  thisMachine: boolean;
  /** The server's OLLAMA_MAX_LOADED_MODELS as kirikae believes it (0 = auto is resolved to 3). */
  maxLoadedModels: number;
}

/** The part of the config's `local` section this folder reads (kept structural on purpose). */
export interface LocalSettings {
  hosts?: { url: string; memoryBudgetGb?: number; maxLoadedModels?: number }[];
  /** Optional explicit cap; without it the budget is the GPU wired limit − reserve. */
  memoryBudgetGb?: number;
  reserveGb?: number;
  /** OLLAMA_MAX_LOADED_MODELS of the server(s); overrides the environment. */
  maxLoadedModels?: number;
  numParallel?: number;
  kvCacheType?: 'f16' | 'q8_0' | 'q4_0';
  keepAlive?: string | number;
  pinned?: string[];
}

/**
 * What kirikae keeps free inside the GPU wired limit. The limit already leaves macOS its share
 * (it is ~3/4 of RAM, or 0.84 on macOS 26), so this is only headroom for KV growth and Metal's
 * compute buffers beyond the estimate, not a second OS share.
 */
export const DEFAULT_RESERVE_GB = 4;

/**
 * Ollama's default OLLAMA_MAX_LOADED_MODELS: 0 means 3 per GPU (server/sched.go
 * defaultModelsPerGPU), and an Apple-Silicon Mac has one GPU.
 */
export const DEFAULT_MAX_LOADED_MODELS = 3;

export function isLoopbackHost(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === '127.0.0.1' || h === '[::1]' || h === '0.0.0.0';
  } catch {
    return false;
  }
}

/** A count as Ollama's envconfig.Uint reads it; 0 or garbage → the automatic default. */
function maxLoaded(...values: (number | string | undefined)[]): number {
  for (const v of values) {
    if (v === undefined || v === '') continue;
    const n = typeof v === 'number' ? v : Number(v.trim());
    if (Number.isInteger(n) && n > 0) return n;
    if (n === 0) return DEFAULT_MAX_LOADED_MODELS;
  }
  return DEFAULT_MAX_LOADED_MODELS;
}

/**
 * Every host kirikae may use, each with its own budget: configured hosts in order, or else the
 * one OLLAMA_HOST points at (as the ollama CLI would). A host's budget is its own
 * `memoryBudgetGb`, else the global one, else undefined (derived from that machine's readings
 * when it is this machine). OLLAMA_MAX_LOADED_MODELS from this process's environment only
 * describes a server started from it, so it applies to this machine's host only.
 */
export function resolveHosts(
  settings: LocalSettings = {},
  env: NodeJS.ProcessEnv = {},
): OllamaHost[] {
  const reserveBytes = gibToBytes(settings.reserveGb ?? DEFAULT_RESERVE_GB);
  const budget = (gb: number | undefined) => (gb === undefined ? undefined : gibToBytes(gb));
  const host = (url: string, budgetGb?: number, hostMax?: number): OllamaHost => {
    const thisMachine = isLoopbackHost(url);
    return {
      url,
      memoryBudgetBytes: budget(budgetGb ?? settings.memoryBudgetGb),
      reserveBytes,
      thisMachine,
      maxLoadedModels: maxLoaded(
        hostMax,
        settings.maxLoadedModels,
        thisMachine ? env.OLLAMA_MAX_LOADED_MODELS : undefined,
      ),
    };
  };
  const configured = settings.hosts ?? [];
  if (!configured.length) return [host(normalizeOllamaHost(env.OLLAMA_HOST))];
  return configured.map((h) =>
    host(normalizeOllamaHost(h.url), h.memoryBudgetGb, h.maxLoadedModels),
  );
}

/**
 * The host a command acts on: `wanted` (a URL or host[:port] as OLLAMA_HOST takes it, or just
 * the machine name of a configured host), else the first. Undefined when nothing matches.
 */
export function pickHost(hosts: readonly OllamaHost[], wanted?: string): OllamaHost | undefined {
  if (!wanted) return hosts[0];
  const url = normalizeOllamaHost(wanted);
  const exact = hosts.find((h) => h.url === url);
  if (exact) return exact;
  const name = wanted.trim().toLowerCase();
  return hosts.find((h) => new URL(h.url).hostname.toLowerCase() === name);
}

/**
 * The memory reader that describes `host`: this machine's readings for a server on this
 * machine, none for another (its budget is its memoryBudgetGb, or the unknown-machine one).
 */
export function memoryReaderFor<T>(
  host: Pick<OllamaHost, 'thisMachine'>,
  thisMachine: () => T | undefined,
): () => T | undefined {
  return host.thisMachine ? thisMachine : () => undefined;
}

/** `--host` that names no configured host: say which ones there are. */
export function unknownHost(wanted: string, hosts: readonly { url: string }[]): KirikaeError {
  return new KirikaeError('bad_request', `No Ollama host ${wanted} in the config`, {
    hint: `Configured: ${hosts.map((h) => h.url).join(', ')} (local.hosts)`,
  });
}
