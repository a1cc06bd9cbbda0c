import type Anthropic from '@anthropic-ai/sdk';
import { KirikaeError } from '../core/index.js';
import type {
  Message,
  ProviderRequest,
  StopReason,
  StreamEvent,
  ToolSpec,
  Usage,
} from '../core/index.js';
import type { ChunkAccumulator, UsageSnapshot } from './run.js';
import { argumentsObject, toolCallFromRaw } from './tool-args.js';

/** Anthropic requires max_tokens; enough for a long code edit without inviting runaway output. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

/**
 * The cache breakpoint: 5 minutes by default (write 1.25× input), or one hour (write 2× input)
 * for sessions with longer pauses (SDK type CacheControlEphemeral.ttl; Anthropic prompt-caching
 * docs).
 */
export function cacheControl(ttl: ProviderRequest['cacheTtl']): Anthropic.CacheControlEphemeral {
  return ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

type ContentBlock =
  Anthropic.TextBlockParam | Anthropic.ToolUseBlockParam | Anthropic.ToolResultBlockParam;
interface Turn {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

function blocksOf(message: Message): Turn | undefined {
  switch (message.role) {
    case 'user':
      return message.content
        ? { role: 'user', content: [{ type: 'text', text: message.content }] }
        : undefined;
    case 'tool':
      return {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError ? { is_error: true } : {}),
          },
        ],
      };
    case 'assistant': {
      const content: ContentBlock[] = [];
      // The API rejects empty text blocks.
      if (message.content) content.push({ type: 'text', text: message.content });
      for (const call of message.toolCalls ?? []) {
        content.push({
          type: 'tool_use',
          id: call.id,
          name: call.name,
          input: argumentsObject(call),
        });
      }
      return content.length > 0 ? { role: 'assistant', content } : undefined;
    }
  }
}

/**
 * Core messages → Anthropic turns. Tool results become user tool_result blocks, and adjacent
 * same-role turns are merged because the API wants strictly alternating roles (several tool
 * results, then the user's next words, form one user turn).
 */
export function toAnthropicMessages(messages: readonly Message[]): Anthropic.MessageParam[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const turn = blocksOf(message);
    if (!turn) continue;
    const last = turns.at(-1);
    if (last && last.role === turn.role) last.content.push(...turn.content);
    else turns.push(turn);
  }
  return turns;
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.parameters } as Anthropic.Tool.InputSchema,
  }));
}

/**
 * The request with three cache breakpoints (of the four allowed): the last tool (caches all
 * tools), the system prompt, and the newest user block (caches the conversation so far, so the
 * next turn reads it back at 0.1× input price).
 */
export function toAnthropicParams(
  request: ProviderRequest,
): Anthropic.MessageCreateParamsStreaming {
  const messages = toAnthropicMessages(request.messages);
  const EPHEMERAL = cacheControl(request.cacheTtl);
  const lastUser = messages.findLast((m) => m.role === 'user');
  if (lastUser && Array.isArray(lastUser.content)) {
    const lastBlock = lastUser.content.at(-1);
    if (lastBlock && 'type' in lastBlock) Object.assign(lastBlock, { cache_control: EPHEMERAL });
  }
  const tools = request.tools?.length ? toAnthropicTools(request.tools) : undefined;
  const lastTool = tools?.at(-1);
  if (lastTool) lastTool.cache_control = EPHEMERAL;
  return {
    model: request.model,
    max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
    stream: true,
    ...(request.system
      ? { system: [{ type: 'text', text: request.system, cache_control: EPHEMERAL }] }
      : {}),
    ...(tools ? { tools } : {}),
    ...(request.toolChoice ? { tool_choice: { type: 'tool', name: request.toolChoice } } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

export function mapAnthropicStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'end_turn';
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    default:
      return 'other';
  }
}

interface RawUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** message_start only: the cache writes split by TTL. */
  cache_creation?: {
    ephemeral_1h_input_tokens?: number | null;
    ephemeral_5m_input_tokens?: number | null;
  } | null;
}

/**
 * Anthropic's input_tokens already excludes cache reads and writes, which is the core
 * convention. Later reports (message_delta) override earlier ones field by field: every field
 * is cumulative, never a delta.
 */
export function mergeAnthropicUsage(current: Usage, raw: RawUsage | null | undefined): Usage {
  if (!raw) return current;
  const pick = (value: number | null | undefined, fallback: number) =>
    typeof value === 'number' ? value : fallback;
  const merged: Usage = {
    input: pick(raw.input_tokens, current.input),
    output: pick(raw.output_tokens, current.output),
    cacheRead: pick(raw.cache_read_input_tokens, current.cacheRead),
    cacheWrite: pick(raw.cache_creation_input_tokens, current.cacheWrite),
    reasoning: pick(raw.output_tokens_details?.thinking_tokens, current.reasoning),
  };
  // Only the 1-hour part needs marking: the rest of cacheWrite is the 5-minute price.
  const oneHour = pick(raw.cache_creation?.ephemeral_1h_input_tokens, current.cacheWrite1h ?? 0);
  if (oneHour > 0) merged.cacheWrite1h = Math.min(oneHour, merged.cacheWrite);
  return merged;
}

interface ToolBlock {
  id: string;
  name: string;
  json: string;
}

/** Raw Messages stream events → core stream events. */
export class AnthropicAccumulator implements ChunkAccumulator<Anthropic.RawMessageStreamEvent> {
  outputChars = 0;
  private usageSoFar: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
  private outputReported = false;
  private inputReported = false;
  private stopReason: string | null | undefined;
  private stopped = false;
  private readonly tools = new Map<number, ToolBlock>();

  push(event: Anthropic.RawMessageStreamEvent): StreamEvent[] {
    switch (event.type) {
      case 'message_start':
        this.usageSoFar = mergeAnthropicUsage(this.usageSoFar, event.message.usage);
        this.inputReported = true;
        return [];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use') {
          this.tools.set(event.index, { id: block.id, name: block.name, json: '' });
        }
        return [];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') {
          this.outputChars += delta.text.length;
          return delta.text ? [{ type: 'text', text: delta.text }] : [];
        }
        if (delta.type === 'thinking_delta') {
          this.outputChars += delta.thinking.length;
          return delta.thinking ? [{ type: 'reasoning', text: delta.thinking }] : [];
        }
        if (delta.type === 'input_json_delta') {
          const tool = this.tools.get(event.index);
          if (tool) tool.json += delta.partial_json;
          this.outputChars += delta.partial_json.length;
        }
        return [];
      }
      case 'content_block_stop': {
        const tool = this.tools.get(event.index);
        if (!tool) return [];
        this.tools.delete(event.index);
        return [{ type: 'tool_call', call: toolCallFromRaw(tool.id, tool.name, tool.json) }];
      }
      case 'message_delta':
        this.usageSoFar = mergeAnthropicUsage(this.usageSoFar, event.usage);
        this.outputReported = true;
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        return [];
      case 'message_stop':
        this.stopped = true;
        return [];
      default:
        return [];
    }
  }

  usage(): UsageSnapshot {
    return {
      usage: this.usageSoFar,
      outputReported: this.outputReported,
      inputReported: this.inputReported,
    };
  }

  finish(): StopReason | KirikaeError {
    if (!this.stopped) {
      return new KirikaeError('network', 'Anthropic stream ended before message_stop', {
        provider: 'anthropic',
        hint: 'The connection dropped mid-answer: retry the turn',
      });
    }
    return mapAnthropicStopReason(this.stopReason);
  }
}
