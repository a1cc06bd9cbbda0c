import { gibToBytes } from './format.js';

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
 * Reads a host the way the ollama CLI reads OLLAMA_HOST: scheme defaults to http, port to
 * 11434 (80/443 when a scheme is given), so "gpu-box", "gpu-box:8080", ":11435" and
 * "https://ollama.example" all work.
 */
export function normalizeOllamaHost(value: string | undefined): string {
  const s = (value ?? '').trim();
  if (!s) return 'http://127.0.0.1:11434';
  let scheme = 'http';
  let rest = s;
  let defaultPort = '11434';
  const sep = s.indexOf('://');
  if (sep >= 0) {
    scheme = s.slice(0, sep).toLowerCase();
    rest = s.slice(sep + 3);
    if (scheme === 'http') defaultPort = '80';
    if (scheme === 'https') defaultPort = '443';
  }
  const slash = rest.indexOf('/');
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  const hostport = slash >= 0 ? rest.slice(0, slash) : rest;
  let host = hostport;
  let port = defaultPort;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostport);
  if (v6) {
    host = `[${v6[1]}]`;
    port = v6[2] ?? defaultPort;
  } else if (/^[^:]*:\d*$/.test(hostport)) {
    const i = hostport.lastIndexOf(':');
    host = hostport.slice(0, i);
    port = hostport.slice(i + 1) || defaultPort;
  }
  if (!host) host = '127.0.0.1';
  return `${scheme}://${host}:${port}${path}`;
}

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
