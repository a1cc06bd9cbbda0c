import { Ollama } from 'ollama';
import type { KirikaeError, Provider, ProviderRequest, StreamEvent } from '../core/index.js';
import type { AdapterOptions } from './anthropic.js';
import type { Endpoint } from './endpoints.js';
import { classifyFailure, mapProviderError } from './errors.js';
import type { ErrorContext } from './errors.js';
import { MALFORMED_LINE_PREFIX, ollamaFetch } from './ollama-fetch.js';
import { OllamaAccumulator, toOllamaChatRequest } from './ollama-map.js';
import { promptTokens } from './prompt-tokens.js';
import { runStream } from './run.js';
import { resolveTimeouts } from './timeouts.js';

/** ollama-js throws this when the body ends without a `done` chunk. */
const EARLY_END = 'Did not receive done or success response in stream.';

/**
 * ollama-js turns a mid-stream `{"error": …}` line into a plain Error with that text, so a plain
 * Error here is the server's own report; everything else is mapped like any SDK error.
 */
export function mapOllamaError(error: unknown, ctx: ErrorContext): KirikaeError {
  if (error instanceof Error && error.constructor === Error) {
    if (error.message === EARLY_END) {
      return classifyFailure(
        { type: 'connection', timeout: false, message: 'stream ended early' },
        ctx,
        error,
      );
    }
    if (error.message.startsWith(MALFORMED_LINE_PREFIX)) {
      return classifyFailure({ type: 'malformed', message: error.message }, ctx, error);
    }
    return classifyFailure(
      { type: 'in_stream', message: error.message, headers: () => undefined },
      ctx,
      error,
    );
  }
  return mapProviderError(error, ctx);
}

/**
 * /api/chat over ollama-js. A client is made per call so its fetch can carry the call's abort
 * signal. ollama-js never retries, so maxRetries does not apply.
 */
export class OllamaProvider implements Provider {
  readonly id = 'ollama' as const;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly options: AdapterOptions = {},
  ) {}

  stream(request: ProviderRequest, signal?: AbortSignal): AsyncIterable<StreamEvent> {
    const ctx: ErrorContext = {
      provider: this.id,
      model: request.model,
      baseUrl: this.endpoint.baseUrl,
      baseUrlVar: this.endpoint.baseUrlVar,
    };
    const chat = toOllamaChatRequest(request);
    const tokens = () => promptTokens(request);
    return runStream({
      provider: this.id,
      signal,
      accumulator: new OllamaAccumulator({ tokens, numCtx: chat.options?.num_ctx ?? 0 }),
      toError: (error) => mapOllamaError(error, ctx),
      timeouts: resolveTimeouts(this.id, this.options.timeouts, request.timeouts),
      promptTokens: tokens,
      open: async (requestSignal) => {
        const client = new Ollama({
          host: this.endpoint.baseUrl,
          fetch: ollamaFetch(requestSignal),
        });
        return { chunks: await client.chat(chat) };
      },
    });
  }
}
