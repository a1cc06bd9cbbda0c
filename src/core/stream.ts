import type { KirikaeError } from './errors.js';
import type { ToolCall } from './message.js';
import type { Usage } from './usage.js';

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'aborted' | 'error' | 'other';

export interface StreamMetrics {
  /** Output tokens per second while generating (Ollama: eval_count / eval_duration). */
  tokPerSec?: number;
  /** Time the server spent loading the model (Ollama's load_duration), ms. */
  loadMs?: number;
  /** Time to first token, ms. */
  firstTokenMs?: number;
  durationMs: number;
}

/** What every provider adapter yields, in this order: deltas, then usage, then done (or error). */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  /** Usage known so far; the last one wins. `billedUsd` is the provider's own figure (OpenRouter). */
  | { type: 'usage'; usage: Usage; billedUsd?: number }
  | { type: 'notice'; message: string }
  | { type: 'done'; stopReason: StopReason; metrics: StreamMetrics }
  | { type: 'error'; error: KirikaeError; metrics: StreamMetrics };
