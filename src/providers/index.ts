import type { Provider, ProviderId, ProviderRequest, StreamEvent } from '../core/index.js';
import { resolveEndpoint } from './endpoints.js';

export interface CreateProviderOptions {
  /** Where keys and base URLs are read; default process.env. Read once, at creation. */
  env?: NodeJS.ProcessEnv;
  /** Retries the SDK makes on its own inside one call (default 2); the router uses 0. */
  maxRetries?: number;
  /** SDK warnings (which would otherwise go to the console and corrupt the screen). */
  onNotice?: (message: string) => void;
}

export const DEFAULT_MAX_RETRIES = 2;

/**
 * One Provider per API family. Never throws: a provider whose key variable is unset is still
 * created, and each of its streams yields one `auth` error event naming the variable to set, so
 * the router and UI handle a missing key like any other failure.
 */
export function createProvider(id: ProviderId, options: CreateProviderOptions = {}): Provider {
  const endpoint = resolveEndpoint(id, options.env ?? process.env);
  const adapter = {
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    onNotice: options.onNotice,
  };
  // The SDKs are large module graphs; they load with the first call, not at start-up.
  let loaded: Promise<Provider> | undefined;
  const load = (): Promise<Provider> =>
    (loaded ??= import('./adapters.js').then((m) => m.createAdapter(id, endpoint, adapter)));
  return {
    id,
    async *stream(request: ProviderRequest, signal?: AbortSignal): AsyncIterable<StreamEvent> {
      yield* (await load()).stream(request, signal);
    },
  };
}

export interface ProviderSetup {
  /** The variable holding the key; undefined for Ollama, which needs none. */
  keyVar?: string;
  /** Whether the key is set (for Ollama, always true). The key itself is never exposed. */
  keySet: boolean;
  baseUrl: string;
}

/** What `doctor` shows about a provider's configuration. */
export function providerSetup(id: ProviderId, env: NodeJS.ProcessEnv = process.env): ProviderSetup {
  const endpoint = resolveEndpoint(id, env);
  return {
    ...(endpoint.keyVar ? { keyVar: endpoint.keyVar } : {}),
    keySet: endpoint.keyVar ? endpoint.apiKey !== undefined : true,
    baseUrl: endpoint.baseUrl,
  };
}

export { normalizeOllamaHost } from '../config/ollama-host.js';
export { NUM_CTX_BUCKETS, numCtxBucket, ollamaNumCtx } from './ollama-map.js';
export { mapProviderError } from './errors.js';
export { retryAfterMs } from './retry-after.js';
export { estimateTokensFromChars } from './run.js';
