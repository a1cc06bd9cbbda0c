import type { Message, ToolSpec } from './message.js';
import type { ProviderId } from './model-ref.js';
import type { StreamEvent } from './stream.js';

export interface ProviderRequest {
  /** The model part of the id (`deepseek/deepseek-chat` for provider openrouter). */
  model: string;
  system?: string;
  messages: Message[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  /** Ollama only: context size to load the model with (kept in stable buckets by the caller). */
  numCtx?: number;
  /** Ollama only: how long the model stays resident afterwards ("30m", seconds, negative = pinned). */
  keepAlive?: string | number;
}

export interface Provider {
  readonly id: ProviderId;
  /**
   * Streams one model call. Never throws: failures arrive as an `error` event with a kind.
   * Aborting the signal ends the stream promptly with an `aborted` error event and the usage
   * known so far.
   */
  stream(request: ProviderRequest, signal?: AbortSignal): AsyncIterable<StreamEvent>;
}
