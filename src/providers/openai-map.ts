import type OpenAI from 'openai';
import { KirikaeError } from '../core/index.js';
import type {
  Message,
  ProviderId,
  ProviderRequest,
  StopReason,
  StreamEvent,
  ToolSpec,
  Usage,
} from '../core/index.js';
import type { ChunkAccumulator, UsageSnapshot } from './run.js';
import { toolCallFromRaw } from './tool-args.js';

type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;
type Chunk = OpenAI.Chat.ChatCompletionChunk;

function toChatMessage(message: Message): ChatMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // Some compatible servers reject "" next to tool calls; null is what OpenAI itself sends.
        content: message.content || null,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: {
            name: call.name,
            // Echo what the model sent when it parsed; broken JSON would make the server 400.
            arguments: call.argumentsError ? '{}' : call.rawArguments || '{}',
          },
        })),
      };
    }
  }
}

export function toChatMessages(request: ProviderRequest): ChatMessage[] {
  const system: ChatMessage[] = request.system ? [{ role: 'system', content: request.system }] : [];
  return [...system, ...request.messages.map(toChatMessage)];
}

export function toChatTools(tools: readonly ToolSpec[]): OpenAI.Chat.ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

export function toChatParams(
  provider: ProviderId,
  request: ProviderRequest,
): OpenAI.Chat.ChatCompletionCreateParamsStreaming {
  const limit =
    request.maxTokens === undefined
      ? {}
      : // OpenAI's reasoning models reject max_tokens; compatible servers mostly only know it.
        provider === 'openai'
        ? { max_completion_tokens: request.maxTokens }
        : { max_tokens: request.maxTokens };
  return {
    model: request.model,
    messages: toChatMessages(request),
    stream: true,
    // Without it the stream carries no usage at all.
    stream_options: { include_usage: true },
    ...(request.tools?.length ? { tools: toChatTools(request.tools) } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...limit,
  };
}

/** Usage fields beyond the SDK type: OpenRouter's cost and cache writes, DeepSeek's cache hits. */
export interface WireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  prompt_tokens_details?: {
    cached_tokens?: number | null;
    cache_write_tokens?: number | null;
  } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  prompt_cache_hit_tokens?: number | null;
  cost?: number | string | null;
}

/**
 * OpenAI-style prompt_tokens includes cached tokens; core Usage.input excludes them, so cache
 * reads and writes are subtracted (clamped: a server that double-reports must not go negative).
 */
export function convertChatUsage(raw: WireUsage): { usage: Usage; billedUsd?: number } {
  const prompt = raw.prompt_tokens ?? 0;
  const cacheRead = raw.prompt_tokens_details?.cached_tokens ?? raw.prompt_cache_hit_tokens ?? 0;
  const cacheWrite = raw.prompt_tokens_details?.cache_write_tokens ?? 0;
  const usage: Usage = {
    input: Math.max(0, prompt - cacheRead - cacheWrite),
    output: raw.completion_tokens ?? 0,
    cacheRead,
    cacheWrite,
    reasoning: raw.completion_tokens_details?.reasoning_tokens ?? 0,
  };
  const cost = raw.cost === null || raw.cost === undefined ? NaN : Number(raw.cost);
  return Number.isFinite(cost) ? { usage, billedUsd: cost } : { usage };
}

export function mapFinishReason(
  reason: string | null | undefined,
  sawToolCalls: boolean,
): StopReason {
  switch (reason) {
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'stop':
      // Some OpenRouter upstreams (Gemini) finish tool-calling turns with "stop".
      return sawToolCalls ? 'tool_use' : 'end_turn';
    default:
      return 'other';
  }
}

interface PendingCall {
  id?: string;
  name: string;
  args: string;
}

/** Reasoning text as DeepSeek (reasoning_content) and OpenRouter (reasoning) stream it. */
function reasoningOf(delta: object): string | undefined {
  const d = delta as { reasoning_content?: unknown; reasoning?: unknown };
  const text = d.reasoning_content ?? d.reasoning;
  return typeof text === 'string' && text ? text : undefined;
}

/** Chat Completions chunks → core stream events. Tool-call pieces are assembled by index. */
export class ChatAccumulator implements ChunkAccumulator<Chunk> {
  outputChars = 0;
  private readonly calls = new Map<number, PendingCall>();
  private finishReason: string | undefined;
  private emittedCalls = 0;
  private final: { usage: Usage; billedUsd?: number } | undefined;

  constructor(private readonly provider: ProviderId) {}

  push(chunk: Chunk): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (chunk.usage) this.final = convertChatUsage(chunk.usage as WireUsage);
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      const reasoning = reasoningOf(delta);
      if (reasoning) {
        this.outputChars += reasoning.length;
        events.push({ type: 'reasoning', text: reasoning });
      }
      if (delta.content) {
        this.outputChars += delta.content.length;
        events.push({ type: 'text', text: delta.content });
      }
      for (const piece of delta.tool_calls ?? []) {
        const call = this.calls.get(piece.index) ?? { name: '', args: '' };
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name += piece.function.name;
        if (piece.function?.arguments) {
          call.args += piece.function.arguments;
          this.outputChars += piece.function.arguments.length;
        }
        this.calls.set(piece.index, call);
      }
      if (choice.finish_reason) {
        this.finishReason = choice.finish_reason;
        events.push(...this.flushCalls());
      }
    }
    return events;
  }

  /** Tool calls are complete once the choice finishes: parse them then, in index order. */
  private flushCalls(): StreamEvent[] {
    const ordered = [...this.calls.entries()].sort(([a], [b]) => a - b);
    this.calls.clear();
    return ordered.map(([index, call]) => {
      this.emittedCalls++;
      return {
        type: 'tool_call',
        call: toolCallFromRaw(call.id ?? `call_${index}`, call.name, call.args),
      };
    });
  }

  usage(): UsageSnapshot {
    if (this.final) return { ...this.final, outputReported: true };
    return {
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      outputReported: false,
    };
  }

  finish(): StopReason | KirikaeError {
    if (this.finishReason === undefined) {
      return new KirikaeError('network', 'The stream ended before the model finished', {
        provider: this.provider,
        hint: 'The connection dropped mid-answer: retry the turn',
      });
    }
    return mapFinishReason(this.finishReason, this.emittedCalls > 0);
  }
}
