import OpenAI from 'openai';
import type { Provider, ProviderRequest, StreamEvent } from '../core/index.js';
import type { AdapterOptions } from './anthropic.js';
import type { Endpoint } from './endpoints.js';
import { mapProviderError, missingKeyError } from './errors.js';
import { ChatAccumulator, toChatParams } from './openai-map.js';
import {
  openResponsesStream,
  requiresResponsesApi,
  ResponsesAccumulator,
  toResponsesParams,
} from './openai-responses.js';
import { promptTokens } from './prompt-tokens.js';
import { runStream } from './run.js';
import { sdkLogger } from './sdk-logger.js';
import { resolveTimeouts } from './timeouts.js';

export type ChatProviderId = 'openai' | 'openrouter' | 'deepseek';

/** Which API family serves a request: Responses only on OpenAI itself, for the models needing it. */
export function usesResponsesApi(id: ChatProviderId, request: ProviderRequest): boolean {
  if (id !== 'openai') return false;
  return request.api ? request.api === 'responses' : requiresResponsesApi(request.model);
}

/**
 * The openai SDK: Chat Completions for OpenAI, OpenRouter, DeepSeek and any compatible server;
 * the Responses API for the OpenAI models that are served only there (codex).
 */
export class ChatCompletionsProvider implements Provider {
  private readonly client: OpenAI | undefined;

  constructor(
    readonly id: ChatProviderId,
    private readonly endpoint: Endpoint,
    private readonly options: AdapterOptions,
  ) {
    this.client = endpoint.apiKey
      ? new OpenAI({
          apiKey: endpoint.apiKey,
          baseURL: endpoint.baseUrl,
          // The SDK would otherwise read these from process.env, bypassing the env option.
          organization: null,
          project: null,
          // kirikae retries by error kind itself (retry.ts), visibly; the SDK must not.
          maxRetries: 0,
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
    const common = {
      provider: this.id,
      signal,
      toError: (error: unknown) => mapProviderError(error, ctx),
      timeouts: resolveTimeouts(this.id, this.options.timeouts, request.timeouts),
      promptTokens: () => promptTokens(request),
    };
    if (usesResponsesApi(this.id, request)) {
      return runStream({
        ...common,
        accumulator: new ResponsesAccumulator(ctx),
        open: async (requestSignal) => {
          if (!client) throw missingKeyError(ctx);
          const params = toResponsesParams(request);
          return { chunks: await openResponsesStream(client, params, requestSignal) };
        },
      });
    }
    return runStream({
      ...common,
      accumulator: new ChatAccumulator(this.id),
      open: async (requestSignal) => {
        if (!client) throw missingKeyError(ctx);
        const params = toChatParams(this.id, request);
        return { chunks: await client.chat.completions.create(params, { signal: requestSignal }) };
      },
    });
  }
}
