import Anthropic from '@anthropic-ai/sdk';
import type { Provider, ProviderRequest, StreamEvent } from '../core/index.js';
import { AnthropicAccumulator, toAnthropicParams } from './anthropic-map.js';
import type { Endpoint } from './endpoints.js';
import { mapProviderError, missingKeyError } from './errors.js';
import { runStream } from './run.js';
import { captureConsoleWarn, sdkLogger } from './sdk-logger.js';

export interface AdapterOptions {
  maxRetries: number;
  onNotice?: (message: string) => void;
}

export class AnthropicProvider implements Provider {
  readonly id = 'anthropic' as const;
  private readonly client: Anthropic | undefined;

  constructor(
    private readonly endpoint: Endpoint,
    options: AdapterOptions,
  ) {
    this.client = endpoint.apiKey
      ? new Anthropic({
          // Passing the key (and authToken: null) keeps the SDK from reading process.env or the
          // credential files under ~/.config: the env option given to createProvider is the truth.
          apiKey: endpoint.apiKey,
          authToken: null,
          baseURL: endpoint.baseUrl,
          maxRetries: options.maxRetries,
          logger: sdkLogger(options.onNotice),
          logLevel: 'warn',
        })
      : undefined;
  }

  stream(request: ProviderRequest, signal?: AbortSignal): AsyncIterable<StreamEvent> {
    const ctx = { ...this.errorContext(), model: request.model };
    const client = this.client;
    return runStream({
      provider: this.id,
      signal,
      accumulator: new AnthropicAccumulator(),
      toError: (error) => mapProviderError(error, ctx),
      open: async (requestSignal) => {
        if (!client) throw missingKeyError(ctx);
        const notices: string[] = [];
        const params = toAnthropicParams(request);
        const pending = captureConsoleWarn(
          (message) => notices.push(message),
          () => client.messages.create(params, { signal: requestSignal }),
        );
        return { chunks: await pending, notices };
      },
    });
  }

  private errorContext() {
    const { keyVar, baseUrl, baseUrlVar } = this.endpoint;
    return { provider: this.id, keyVar, baseUrl, baseUrlVar };
  }
}
