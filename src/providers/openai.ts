import OpenAI from 'openai';
import type { Provider, ProviderRequest, StreamEvent } from '../core/index.js';
import type { AdapterOptions } from './anthropic.js';
import type { Endpoint } from './endpoints.js';
import { mapProviderError, missingKeyError } from './errors.js';
import { ChatAccumulator, toChatParams } from './openai-map.js';
import { runStream } from './run.js';
import { sdkLogger } from './sdk-logger.js';

export type ChatProviderId = 'openai' | 'openrouter' | 'deepseek';

/** Chat Completions over the openai SDK: OpenAI, OpenRouter, DeepSeek, any compatible server. */
export class ChatCompletionsProvider implements Provider {
  private readonly client: OpenAI | undefined;

  constructor(
    readonly id: ChatProviderId,
    private readonly endpoint: Endpoint,
    options: AdapterOptions,
  ) {
    this.client = endpoint.apiKey
      ? new OpenAI({
          apiKey: endpoint.apiKey,
          baseURL: endpoint.baseUrl,
          // The SDK would otherwise read these from process.env, bypassing the env option.
          organization: null,
          project: null,
          maxRetries: options.maxRetries,
          logger: sdkLogger(options.onNotice),
          logLevel: 'warn',
          // OpenRouter's app attribution; other servers ignore unknown headers.
          ...(id === 'openrouter' ? { defaultHeaders: { 'X-Title': 'kirikae' } } : {}),
        })
      : undefined;
  }

  stream(request: ProviderRequest, signal?: AbortSignal): AsyncIterable<StreamEvent> {
    const { keyVar, baseUrl, baseUrlVar } = this.endpoint;
    const ctx = { provider: this.id, keyVar, baseUrl, baseUrlVar, model: request.model };
    const client = this.client;
    return runStream({
      provider: this.id,
      signal,
      accumulator: new ChatAccumulator(this.id),
      toError: (error) => mapProviderError(error, ctx),
      open: async (requestSignal) => {
        if (!client) throw missingKeyError(ctx);
        const params = toChatParams(this.id, request);
        return { chunks: await client.chat.completions.create(params, { signal: requestSignal }) };
      },
    });
  }
}
