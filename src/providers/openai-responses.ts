import type OpenAI from 'openai';
import { KirikaeError } from '../core/index.js';
import type {
  Message,
  ProviderRequest,
  StopReason,
  StreamEvent,
  ToolCall,
  Usage,
} from '../core/index.js';
import { classifyFailure, type ErrorContext } from './errors.js';
import { NO_HEADERS } from './retry-after.js';
import type { ChunkAccumulator, UsageSnapshot } from './run.js';
import { toolCallFromRaw } from './tool-args.js';

type ResponseEvent = OpenAI.Responses.ResponseStreamEvent;
type InputItem = OpenAI.Responses.ResponseInputItem;
export type ResponsesParams = OpenAI.Responses.ResponseCreateParamsStreaming;

/**
 * Models OpenAI serves only through the Responses API: Chat Completions answers them 404 "This
 * model is only supported in v1/responses and not in v1/chat/completions." Every codex model
 * (gpt-5-codex, gpt-5.x-codex, codex-mini-latest: aaif-goose/goose #2564, alvinunreal/tmuxai
 * #82), and the pro reasoning models (o1-pro, o3-pro: goose #2564). The catalog can mark more
 * through `ProviderRequest.api`.
 */
export const RESPONSES_ONLY_PATTERNS: readonly RegExp[] = [/codex/i];
export const RESPONSES_ONLY_MODELS: readonly string[] = ['o1-pro', 'o3-pro'];

export function requiresResponsesApi(model: string): boolean {
  const id = model.replace(/^openai\//, '');
  return (
    RESPONSES_ONLY_PATTERNS.some((p) => p.test(id)) ||
    // Dated snapshots (o3-pro-2025-06-10) follow their family.
    RESPONSES_ONLY_MODELS.some((m) => id === m || id.startsWith(`${m}-`))
  );
}

function toInputItems(message: Message): InputItem[] {
  switch (message.role) {
    case 'user':
      return [{ role: 'user', content: message.content }];
    case 'tool':
      return [
        { type: 'function_call_output', call_id: message.toolCallId, output: message.content },
      ];
    case 'assistant': {
      const items: InputItem[] = message.content
        ? [{ role: 'assistant', content: message.content }]
        : [];
      for (const call of message.toolCalls ?? []) {
        items.push({
          type: 'function_call',
          call_id: call.id,
          name: call.name,
          // Broken JSON would make the API reject the whole request.
          arguments: call.argumentsError ? '{}' : call.rawArguments || '{}',
        });
      }
      return items;
    }
  }
}

/**
 * A stateless Responses request: the whole conversation as input items, nothing stored on
 * OpenAI's side (store: false), the system prompt as instructions.
 */
export function toResponsesParams(request: ProviderRequest): ResponsesParams {
  return {
    model: request.model,
    input: request.messages.flatMap(toInputItems),
    stream: true,
    store: false,
    ...(request.system ? { instructions: request.system } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            name: tool.name,
            description: tool.description,
            parameters: tool.parameters,
            // Strict mode demands every property be required; kirikae's schemas have optionals.
            strict: false,
          })),
        }
      : {}),
    ...(request.toolChoice ? { tool_choice: { type: 'function', name: request.toolChoice } } : {}),
    ...(request.maxTokens === undefined ? {} : { max_output_tokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/**
 * input_tokens includes the cached ones (core Usage.input excludes them); output_tokens
 * includes reasoning. Both as in the SDK's ResponseUsage type.
 */
export function convertResponsesUsage(
  raw: OpenAI.Responses.ResponseUsage | null | undefined,
): Usage {
  const cacheRead = raw?.input_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = raw?.input_tokens_details?.cache_write_tokens ?? 0;
  return {
    input: Math.max(0, (raw?.input_tokens ?? 0) - cacheRead - cacheWrite),
    output: raw?.output_tokens ?? 0,
    cacheRead,
    cacheWrite,
    reasoning: raw?.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

interface PendingCall {
  callId: string;
  name: string;
  args: string;
}

/** Responses stream events → core stream events. Function calls are keyed by their item id. */
export class ResponsesAccumulator implements ChunkAccumulator<ResponseEvent> {
  outputChars = 0;
  private readonly calls = new Map<string, PendingCall>();
  private emittedCalls = 0;
  private reported: Usage | undefined;
  private status: 'completed' | 'incomplete' | undefined;
  private incompleteReason: string | undefined;

  constructor(private readonly ctx: ErrorContext) {}

  push(event: ResponseEvent): StreamEvent[] {
    switch (event.type) {
      case 'response.output_text.delta':
        this.outputChars += event.delta.length;
        return event.delta ? [{ type: 'text', text: event.delta }] : [];
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.outputChars += event.delta.length;
        return event.delta ? [{ type: 'reasoning', text: event.delta }] : [];
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          const { item } = event;
          this.calls.set(item.id ?? item.call_id, {
            callId: item.call_id,
            name: item.name,
            args: item.arguments ?? '',
          });
        }
        return [];
      case 'response.function_call_arguments.delta': {
        this.outputChars += event.delta.length;
        const call = this.calls.get(event.item_id);
        if (call) call.args += event.delta;
        return [];
      }
      case 'response.output_item.done':
        return event.item.type === 'function_call' ? [this.finishCall(event.item)] : [];
      case 'response.completed':
      case 'response.incomplete':
        this.reported = convertResponsesUsage(event.response.usage);
        this.status = event.type === 'response.completed' ? 'completed' : 'incomplete';
        this.incompleteReason = event.response.incomplete_details?.reason;
        return [];
      case 'response.failed': {
        this.reported = event.response.usage
          ? convertResponsesUsage(event.response.usage)
          : undefined;
        const error = event.response.error;
        throw this.failure(error?.code, error?.message ?? 'The response failed');
      }
      case 'error':
        throw this.failure(event.code ?? undefined, event.message);
      default:
        return [];
    }
  }

  /** The done item carries the final arguments and name: they win over the streamed pieces. */
  private finishCall(item: OpenAI.Responses.ResponseFunctionToolCall): StreamEvent {
    const key = item.id ?? item.call_id;
    const pending = this.calls.get(key);
    this.calls.delete(key);
    const args = item.arguments || pending?.args || '';
    const call: ToolCall = toolCallFromRaw(item.call_id, item.name || pending?.name || '', args);
    this.emittedCalls++;
    return { type: 'tool_call', call };
  }

  private failure(code: string | undefined, message: string): KirikaeError {
    return classifyFailure({ type: 'in_stream', code, message, headers: NO_HEADERS }, this.ctx);
  }

  usage(): UsageSnapshot {
    if (this.reported) return { usage: this.reported, outputReported: true, inputReported: true };
    return {
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      outputReported: false,
      inputReported: false,
    };
  }

  finish(): StopReason | KirikaeError {
    if (this.status === undefined) {
      return new KirikaeError('network', 'The stream ended before response.completed', {
        provider: this.ctx.provider,
        hint: 'The connection dropped mid-answer: retry the turn',
      });
    }
    if (this.status === 'incomplete') {
      return this.incompleteReason === 'max_output_tokens' ? 'max_tokens' : 'other';
    }
    return this.emittedCalls > 0 ? 'tool_use' : 'end_turn';
  }
}

/**
 * Starts `client.responses.stream` and waits for the response headers, so an HTTP error is
 * thrown here (before anything streamed: retryable by kirikae's policy) rather than mid-stream.
 * The event iterator is taken before the first event can arrive, so none is lost.
 */
export async function openResponsesStream(
  client: OpenAI,
  params: ResponsesParams,
  signal: AbortSignal,
): Promise<AsyncIterable<ResponseEvent>> {
  const stream = client.responses.stream(params, { signal });
  const events = stream.events('event');
  await stream.emitted('connect');
  return {
    async *[Symbol.asyncIterator]() {
      for await (const [event] of events) yield event;
    },
  };
}
