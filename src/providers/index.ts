import type { Provider, ProviderId } from '../core/index.js';
import { AnthropicProvider } from './anthropic.js';
import { resolveEndpoint } from './endpoints.js';
import { OllamaProvider } from './ollama.js';
import { ChatCompletionsProvider } from './openai.js';

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
  switch (id) {
    case 'anthropic':
      return new AnthropicProvider(endpoint, adapter);
    case 'openai':
    case 'openrouter':
    case 'deepseek':
      return new ChatCompletionsProvider(id, endpoint, adapter);
    case 'ollama':
      return new OllamaProvider(endpoint);
  }
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
