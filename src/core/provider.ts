import type { Message, ToolSpec } from './message.js';
import type { ProviderId } from './model-ref.js';
import type { StreamEvent } from './stream.js';

/** kirikae's own limits on a silent server, ms. */
export interface StreamTimeouts {
  /** From sending the request to the first chunk of the answer (headers and first event). */
  firstByteMs?: number;
  /** Longest silence between two chunks once the answer is streaming. */
  idleMs?: number;
}

export interface ProviderRequest {
  /** The model part of the id (`deepseek/deepseek-chat` for provider openrouter). */
  model: string;
  system?: string;
  messages: Message[];
  tools?: ToolSpec[];
  /**
   * The model must answer by calling this tool (a structured answer, e.g. the model classifier).
   * Ollama has no such switch and gets the tool and the instruction only.
   */
  toolChoice?: string;
  maxTokens?: number;
  temperature?: number;
  /** Ollama only: context size to load the model with (kept in stable buckets by the caller). */
  numCtx?: number;
  /** Ollama only: how long the model stays resident afterwards ("30m", seconds, negative = pinned). */
  keepAlive?: string | number;
  /** Anthropic only: prompt-cache lifetime of the breakpoints kirikae sets (default 5 minutes). */
  cacheTtl?: '5m' | '1h';
  /**
   * OpenAI only: which API family to call. Default: Responses for the models that require it
   * (`requiresResponsesApi`), Chat Completions for the rest.
   */
  api?: 'chat' | 'responses';
  /** Overrides the provider's default timeouts for this call. */
  timeouts?: StreamTimeouts;
  /**
   * Aborting this ends any retry wait at once and stops further retries: the failure is
   * yielded as the final error so the caller can fall back (the screen's "fall back now").
   */
  skipRetry?: AbortSignal;
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
