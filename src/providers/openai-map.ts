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
import { ToolCallAssembler } from './tool-call-assembly.js';

type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;
type Chunk = OpenAI.Chat.ChatCompletionChunk;

function toChatMessage(provider: ProviderId, message: Message): ChatMessage {
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
        // DeepSeek's thinking models answer 400 unless the reasoning of a tool-calling reply is
        // sent back (api-docs.deepseek.com/guides/thinking_mode, "Tool Calls"). Other servers
        // may reject the unknown field, so only DeepSeek gets it.
        ...(provider === 'deepseek' && message.reasoning
          ? { reasoning_content: message.reasoning }
          : {}),
      };
    }
  }
}

export function toChatMessages(provider: ProviderId, request: ProviderRequest): ChatMessage[] {
  const system: ChatMessage[] = request.system ? [{ role: 'system', content: request.system }] : [];
  return [...system, ...request.messages.map((m) => toChatMessage(provider, m))];
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
    messages: toChatMessages(provider, request),
    stream: true,
    // Without it the stream carries no usage at all.
    stream_options: { include_usage: true },
    ...(request.tools?.length ? { tools: toChatTools(request.tools) } : {}),
    ...(request.toolChoice
      ? { tool_choice: { type: 'function', function: { name: request.toolChoice } } }
      : {}),
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
  /** OpenRouter: the request ran on the user's own provider key (BYOK). */
  is_byok?: boolean | null;
  cost_details?: { upstream_inference_cost?: number | string | null } | null;
}

export interface ConvertedUsage {
  usage: Usage;
  /** The bill, as OpenRouter documents it; no other endpoint's cost is trusted. */
  billedUsd?: number;
  /** A cost some other endpoint claimed: kept so the ledger can show a disagreement. */
  reportedUsd?: number;
}

function usd(value: number | string | null | undefined): number | undefined {
  const n = value === null || value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * What a call cost according to the endpoint. OpenRouter documents `cost` as the amount
 * charged to the account; with BYOK that is only its fee, and the provider bills the user's
 * own key `cost_details.upstream_inference_cost` on top (openrouter.ai/docs/use-cases/
 * usage-accounting). On non-BYOK calls OpenRouter fills upstream_inference_cost too, equal to
 * the cost, so it is added only when `is_byok` is true. OpenAI and DeepSeek document no cost
 * field, and a proxy at a custom base URL can claim anything (a `cost: 0` would make every call
 * free): their figure is only reported, never billed.
 */
export function reportedCost(provider: ProviderId, raw: WireUsage): Omit<ConvertedUsage, 'usage'> {
  const cost = usd(raw.cost);
  if (provider !== 'openrouter') return cost === undefined ? {} : { reportedUsd: cost };
  const upstream =
    raw.is_byok === true ? usd(raw.cost_details?.upstream_inference_cost) : undefined;
  if (cost === undefined && upstream === undefined) return {};
  return { billedUsd: (cost ?? 0) + (upstream ?? 0) };
}

/**
 * OpenAI-style prompt_tokens includes cached tokens; core Usage.input excludes them, so cache
 * reads and writes are subtracted (clamped: a server that double-reports must not go negative).
 */
export function convertChatUsage(provider: ProviderId, raw: WireUsage): ConvertedUsage {
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
  return { usage, ...reportedCost(provider, raw) };
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

/** Reasoning text as DeepSeek (reasoning_content) and OpenRouter (reasoning) stream it. */
function reasoningOf(delta: object): string | undefined {
  const d = delta as { reasoning_content?: unknown; reasoning?: unknown };
  const text = d.reasoning_content ?? d.reasoning;
  return typeof text === 'string' && text ? text : undefined;
}

/** Chat Completions chunks → core stream events. Tool-call pieces are assembled by id. */
export class ChatAccumulator implements ChunkAccumulator<Chunk> {
  private textChars = 0;
  private readonly calls = new ToolCallAssembler();
  private finishReason: string | undefined;
  private emittedCalls = 0;
  private final: ConvertedUsage | undefined;

  constructor(private readonly provider: ProviderId) {}

  get outputChars(): number {
    return this.textChars + this.calls.argumentChars;
  }

  push(chunk: Chunk): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (chunk.usage) this.final = convertChatUsage(this.provider, chunk.usage as WireUsage);
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      const reasoning = reasoningOf(delta);
      if (reasoning) {
        this.textChars += reasoning.length;
        events.push({ type: 'reasoning', text: reasoning });
      }
      if (delta.content) {
        this.textChars += delta.content.length;
        events.push({ type: 'text', text: delta.content });
      }
      for (const piece of delta.tool_calls ?? []) {
        this.calls.push({
          index: piece.index,
          id: piece.id,
          name: piece.function?.name,
          arguments: piece.function?.arguments,
        });
      }
      if (choice.finish_reason) {
        this.finishReason = choice.finish_reason;
        events.push(...this.flushCalls());
      }
    }
    return events;
  }

  /** Tool calls are complete once the choice finishes: parse them then. */
  private flushCalls(): StreamEvent[] {
    return this.calls.flush().map((call) => {
      this.emittedCalls++;
      return { type: 'tool_call', call };
    });
  }

  usage(): UsageSnapshot {
    if (this.final) return { ...this.final, outputReported: true, inputReported: true };
    return {
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      outputReported: false,
      inputReported: false,
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
