import Anthropic from '@anthropic-ai/sdk';
import type { Provider, ProviderRequest, StreamEvent, StreamTimeouts } from '../core/index.js';
import { AnthropicAccumulator, toAnthropicParams } from './anthropic-map.js';
import type { Endpoint } from './endpoints.js';
import { mapProviderError, missingKeyError } from './errors.js';
import { promptTokens } from './prompt-tokens.js';
import { runStream } from './run.js';
import { captureConsoleWarn, sdkLogger } from './sdk-logger.js';
import { resolveTimeouts } from './timeouts.js';

export interface AdapterOptions {
  onNotice?: (message: string) => void;
  /** The client's timeouts over the provider defaults; a request can override them again. */
  timeouts?: StreamTimeouts;
}

export class AnthropicProvider implements Provider {
  readonly id = 'anthropic' as const;
  private readonly client: Anthropic | undefined;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly options: AdapterOptions,
  ) {
    this.client = endpoint.apiKey
      ? new Anthropic({
          // Passing the key (and authToken: null) keeps the SDK from reading process.env or the
          // credential files under ~/.config: the env option given to createProvider is the truth.
          apiKey: endpoint.apiKey,
          authToken: null,
          baseURL: endpoint.baseUrl,
          // kirikae retries by error kind itself (retry.ts), visibly; the SDK must not.
          maxRetries: 0,
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
      timeouts: resolveTimeouts(this.id, this.options.timeouts, request.timeouts),
      promptTokens: () => promptTokens(request),
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
