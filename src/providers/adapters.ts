import type { Provider, ProviderId } from '../core/index.js';
import { AnthropicProvider, type AdapterOptions } from './anthropic.js';
import type { Endpoint } from './endpoints.js';
import { OllamaProvider } from './ollama.js';
import { ChatCompletionsProvider } from './openai.js';

/** The SDK-backed adapter for a provider; imported only when a first call is made. */
export function createAdapter(
  id: ProviderId,
  endpoint: Endpoint,
  options: AdapterOptions,
): Provider {
  switch (id) {
    case 'anthropic':
      return new AnthropicProvider(endpoint, options);
    case 'openai':
    case 'openrouter':
    case 'deepseek':
      return new ChatCompletionsProvider(id, endpoint, options);
    case 'ollama':
      return new OllamaProvider(endpoint, options);
  }
}
