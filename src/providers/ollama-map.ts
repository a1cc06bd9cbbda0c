import { NUM_CTX_BUCKETS, numCtxBucket } from '../core/num-ctx.js';
import type { ChatRequest, ChatResponse, Message as OllamaMessage, Tool } from 'ollama';
import { KirikaeError } from '../core/index.js';
import type {
  Message,
  ProviderRequest,
  StopReason,
  StreamEvent,
  StreamMetrics,
  Usage,
} from '../core/index.js';
import { detectTruncation } from './ollama-truncation.js';
import { generationRate, type ChunkAccumulator, type UsageSnapshot } from './run.js';
import { argumentsObject, toolCallFromRaw } from './tool-args.js';

/**
 * Stable num_ctx sizes: a different num_ctx for the same model forces a reload, so requests are
 * rounded up to a few buckets instead of following the conversation token by token.
 */

/** Output reserved when the request names no maxTokens. */
export const OLLAMA_DEFAULT_OUTPUT_RESERVE = 2048;

/** The smallest bucket that holds `tokens`; the largest when nothing does. */
export { NUM_CTX_BUCKETS, numCtxBucket };

/** Characters the model will read: system, messages, tool calls and tool schemas. */
export function requestChars(request: ProviderRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) {
    chars += message.content.length;
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? [])
        chars += call.name.length + call.rawArguments.length;
    }
  }
  for (const tool of request.tools ?? []) chars += JSON.stringify(tool).length;
  return chars;
}

/** ≈ 3.5 characters per token (code-heavy text tokenizes denser than prose) plus the output. */
export function ollamaNumCtx(request: ProviderRequest): number {
  if (request.numCtx) return request.numCtx;
  const tokens =
    Math.ceil(requestChars(request) / 3.5) + (request.maxTokens ?? OLLAMA_DEFAULT_OUTPUT_RESERVE);
  return numCtxBucket(tokens);
}

function toOllamaMessage(message: Message): OllamaMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'tool':
      return { role: 'tool', content: message.content, tool_name: message.toolName };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                function: { name: call.name, arguments: argumentsObject(call) },
              })),
            }
          : {}),
      };
  }
}

export function toOllamaChatRequest(request: ProviderRequest): ChatRequest & { stream: true } {
  const system: OllamaMessage[] = request.system
    ? [{ role: 'system', content: request.system }]
    : [];
  const options: ChatRequest['options'] = { num_ctx: ollamaNumCtx(request) };
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  return {
    model: request.model,
    messages: [...system, ...request.messages.map(toOllamaMessage)],
    stream: true,
    options,
    ...(request.keepAlive === undefined ? {} : { keep_alive: request.keepAlive }),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool): Tool => ({
            type: 'function',
            function: {
              name: tool.name,
              description: tool.description,
              // ollama-js types parameters narrowly; any JSON Schema object is accepted on the wire.
              parameters: tool.parameters as NonNullable<Tool['function']['parameters']>,
            },
          })),
        }
      : {}),
  };
}

export function mapDoneReason(reason: string | undefined, sawToolCalls: boolean): StopReason {
  if (sawToolCalls) return 'tool_use';
  switch (reason) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    default:
      return 'other';
  }
}

/** Ollama's final chunk: tok/s measured by the server, load time included. */
export function ollamaMetrics(
  final: Partial<ChatResponse>,
): Pick<StreamMetrics, 'tokPerSec' | 'loadMs'> {
  const metrics: Pick<StreamMetrics, 'tokPerSec' | 'loadMs'> = {};
  if (final.eval_count && final.eval_duration) {
    const rate = generationRate(final.eval_count, final.eval_duration / 1e9);
    if (rate !== undefined) metrics.tokPerSec = rate;
  }
  if (typeof final.load_duration === 'number') metrics.loadMs = final.load_duration / 1e6;
  return metrics;
}

interface WireToolCall {
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/** What the adapter sent, for the truncation check on the final chunk. */
export interface SentPrompt {
  /** kirikae's count of the prompt (lazy: only needed once the final chunk arrives). */
  tokens: () => number;
  numCtx: number;
}

/** /api/chat NDJSON chunks → core stream events. */
export class OllamaAccumulator implements ChunkAccumulator<ChatResponse> {
  outputChars = 0;
  private final: ChatResponse | undefined;
  private calls = 0;

  constructor(private readonly sent?: SentPrompt) {}

  push(chunk: ChatResponse): StreamEvent[] {
    const events: StreamEvent[] = [];
    const message = chunk.message as OllamaMessage | undefined;
    if (message?.thinking) {
      this.outputChars += message.thinking.length;
      events.push({ type: 'reasoning', text: message.thinking });
    }
    if (message?.content) {
      this.outputChars += message.content.length;
      events.push({ type: 'text', text: message.content });
    }
    for (const raw of (message?.tool_calls ?? []) as WireToolCall[]) {
      events.push({ type: 'tool_call', call: this.toolCall(raw) });
    }
    if (chunk.done) {
      this.final = chunk;
      const warning = this.sent
        ? detectTruncation(this.sent.tokens(), chunk.prompt_eval_count, this.sent.numCtx)
        : undefined;
      if (warning) events.push({ type: 'warning', warning });
    }
    return events;
  }

  private toolCall(raw: WireToolCall) {
    const index = this.calls++;
    const id = typeof raw.id === 'string' && raw.id ? raw.id : `ollama_call_${index}`;
    const name = typeof raw.function?.name === 'string' ? raw.function.name : '';
    const args = raw.function?.arguments;
    // Arguments arrive as an object; a string means a model that emitted JSON text instead.
    const rawArguments = typeof args === 'string' ? args : JSON.stringify(args ?? {});
    this.outputChars += rawArguments.length;
    return toolCallFromRaw(id, name, rawArguments);
  }

  usage(): UsageSnapshot {
    const usage: Usage = {
      input: this.final?.prompt_eval_count ?? 0,
      output: this.final?.eval_count ?? 0,
      cacheRead: 0,
      cacheWrite: 0,
      reasoning: 0,
    };
    return {
      usage,
      outputReported: this.final !== undefined,
      inputReported: this.final !== undefined,
    };
  }

  finish(): StopReason | KirikaeError {
    if (!this.final) {
      return new KirikaeError('network', 'Ollama stream ended before the final chunk', {
        provider: 'ollama',
        hint: 'The model runner may have stopped: check `ollama ps` and retry',
      });
    }
    return mapDoneReason(this.final.done_reason, this.calls > 0);
  }

  serverMetrics(): Pick<StreamMetrics, 'tokPerSec' | 'loadMs'> {
    return this.final ? ollamaMetrics(this.final) : {};
  }
}
