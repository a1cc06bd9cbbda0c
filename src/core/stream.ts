import type { ErrorKind, KirikaeError } from './errors.js';
import type { ToolCall } from './message.js';
import type { ProviderId } from './model-ref.js';
import type { Usage } from './usage.js';

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'aborted' | 'error' | 'other';

export interface StreamMetrics {
  /**
   * Output tokens per second while generating (Ollama: eval_count / eval_duration), counted
   * from the first output token. Undefined when too few tokens or too little time were seen
   * for a meaningful rate (an instant or stopped reply).
   */
  tokPerSec?: number;
  /** Time the server spent loading the model (Ollama's load_duration), ms. */
  loadMs?: number;
  /** Time to first token, ms. */
  firstTokenMs?: number;
  durationMs: number;
}

/** Something the user should know about a call that still succeeded. */
export type StreamWarning = {
  kind: 'context_truncated';
  /** kirikae's count of the prompt it sent (the router's tokenizer). */
  sentTokens: number;
  /** What the server says it evaluated (Ollama's prompt_eval_count). */
  promptTokens: number;
  /** About how many tokens of old context the server dropped. */
  droppedTokens: number;
  /** The context size the model ran with. */
  numCtx: number;
  message: string;
};

/** kirikae is about to wait and try the same call again (its own retry policy, SDK retries off). */
export interface RetryNotice {
  type: 'retry';
  /** The attempt that failed, 1-based; the next attempt is attempt + 1. */
  attempt: number;
  maxAttempts: number;
  /** How long kirikae waits before the next attempt, ms (a countdown can start now). */
  delayMs: number;
  kind: ErrorKind;
  provider: ProviderId;
  /** The failure being retried, one line ("Anthropic 429 rate_limit_error: …"). */
  message: string;
}

/**
 * What every provider adapter yields, in this order: deltas, then usage, then done (or error).
 * `retry` events may come before a new attempt; a retried attempt had yielded nothing else.
 */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  /**
   * Usage known so far; the last one wins. `billedUsd` is a billed figure kirikae trusts
   * (OpenRouter only); `reportedUsd` is a cost another endpoint claimed, kept for comparison only.
   */
  | { type: 'usage'; usage: Usage; billedUsd?: number; reportedUsd?: number }
  | { type: 'notice'; message: string }
  | { type: 'warning'; warning: StreamWarning }
  | RetryNotice
  | { type: 'done'; stopReason: StopReason; metrics: StreamMetrics }
  | { type: 'error'; error: KirikaeError; metrics: StreamMetrics };
