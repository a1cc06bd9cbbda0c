import type {
  Provider,
  ProviderId,
  ProviderRequest,
  StreamEvent,
  StreamTimeouts,
} from '../core/index.js';
import { resolveEndpoint } from './endpoints.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';

export interface CreateProviderOptions {
  /** Where keys and base URLs are read; default process.env. Read once, at creation. */
  env?: NodeJS.ProcessEnv;
  /**
   * Retries kirikae makes after a failure worth retrying (rate limit, overload, 5xx, network,
   * timeout), each announced by a `retry` event; default 2. The SDKs never retry on their own.
   */
  maxRetries?: number;
  /** Fine-tuning of the retry waits (tests shorten them). */
  retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
  /** Time-to-first-byte and idle limits over the provider's defaults (timeouts.ts). */
  timeouts?: StreamTimeouts;
  /** SDK warnings (which would otherwise go to the console and corrupt the screen). */
  onNotice?: (message: string) => void;
}

export const DEFAULT_MAX_RETRIES = DEFAULT_RETRY_POLICY.maxAttempts - 1;

/**
 * One Provider per API family. Never throws: a provider whose key variable is unset is still
 * created, and each of its streams yields one `auth` error event naming the variable to set, so
 * the router and UI handle a missing key like any other failure.
 */
export function createProvider(id: ProviderId, options: CreateProviderOptions = {}): Provider {
  const endpoint = resolveEndpoint(id, options.env ?? process.env);
  const adapter = { onNotice: options.onNotice, timeouts: options.timeouts };
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retry,
    maxAttempts: 1 + Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES),
  };
  // The SDKs are large module graphs; they load with the first call, not at start-up.
  let loaded: Promise<Provider> | undefined;
  const load = (): Promise<Provider> =>
    (loaded ??= import('./adapters.js').then((m) => m.createAdapter(id, endpoint, adapter)));
  return {
    id,
    async *stream(request: ProviderRequest, signal?: AbortSignal): AsyncIterable<StreamEvent> {
      const provider = await load();
      yield* withRetry(() => provider.stream(request, signal), {
        provider: id,
        policy,
        signal,
        skipRetry: request.skipRetry,
      });
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
export { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry.js';
export { estimateTokensFromChars, generationRate } from './run.js';
export { DEFAULT_TIMEOUTS } from './timeouts.js';
export {
  RESPONSES_ONLY_MODELS,
  RESPONSES_ONLY_PATTERNS,
  requiresResponsesApi,
} from './openai-responses.js';
export { detectTruncation } from './ollama-truncation.js';
