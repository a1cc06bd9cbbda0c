// The gateway's format-neutral request: what an Anthropic Messages or OpenAI Chat Completions
// body says, in kirikae's own message types, plus what routing needs to know about it.
import type { Message, ToolSpec } from '../core/message.js';

export type ClientFormat = 'anthropic' | 'openai';

export interface GatewayRequest {
  format: ClientFormat;
  /** The model the client named (every request of both APIs names one). */
  model: string;
  system?: string;
  messages: Message[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  stream: boolean;
  /** OpenAI: stream_options.include_usage (a last chunk with usage and no choices). */
  includeUsage?: boolean;
  /**
   * The client asked for more reasoning than its default: a fixed thinking budget or effort `max`
   * (Anthropic), reasoning effort `high`/`xhigh` (OpenAI). Adaptive thinking is not an ask.
   */
  thinking: boolean;
  /** A server-side web search tool was offered (Anthropic web_search_*, OpenAI web_search_options). */
  webSearch: boolean;
  /** Parts kirikae's message types cannot carry yet and were left out (images, documents). */
  dropped: string[];
  /** The client's session id, when its metadata carries one. */
  sessionId?: string;
}

/** The newest user text: what the classifier reads. Tool results are not a new request. */
export function newestUserText(messages: readonly Message[]): { prompt: string; index: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user' && m.content.trim()) return { prompt: m.content, index: i };
  }
  return { prompt: '', index: messages.length };
}

/** A JSON value as a plain object, or undefined: request bodies are untrusted input. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
