// An answer → the Anthropic Messages response, whole or as the SSE stream the API sends:
// message_start → content_block_start/delta/stop per block (text_delta, thinking_delta,
// input_json_delta) → message_delta (stop_reason, cumulative usage) → message_stop; a failure
// after the stream began is `event: error` (cloud-apis.md; SDK RawMessageStreamEvent).
import type { KirikaeError } from '../core/errors.js';
import type { StopReason, StreamEvent } from '../core/stream.js';
import type { Usage } from '../core/usage.js';
import { Answer, argumentsJson, type AnswerBlock } from './answer.js';
import { anthropicErrorType, errorMessage } from './errors.js';

export interface ResponseMeta {
  id: string;
  /** The model name the client asked for: the route is in x-kirikae-route. */
  model: string;
  /** kirikae's count of the prompt, shown in message_start before the real usage arrives. */
  inputEstimate: number;
}

export function anthropicStopReason(reason: StopReason | undefined): string {
  if (reason === 'tool_use' || reason === 'max_tokens') return reason;
  return 'end_turn';
}

export function anthropicUsage(usage: Usage): Record<string, number> {
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
    output_tokens: usage.output,
  };
}

function contentBlock(block: AnswerBlock): Record<string, unknown> {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'reasoning') return { type: 'thinking', thinking: block.text, signature: '' };
  let input: unknown = block.call.arguments;
  if (input === undefined || input === null || typeof input !== 'object') input = {};
  return { type: 'tool_use', id: block.call.id, name: block.call.name, input };
}

/** The non-streamed response (SDK type Message). */
export function anthropicMessage(answer: Answer, meta: ResponseMeta): Record<string, unknown> {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: answer.blocks.map(contentBlock),
    stop_reason: anthropicStopReason(answer.stopReason),
    stop_sequence: null,
    usage: anthropicUsage(answer.usage),
  };
}

function frame(type: string, payload: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
}

/** Writes StreamEvents as Anthropic SSE frames through `write`. */
export class AnthropicStreamWriter {
  private readonly answer = new Answer();
  private open: AnswerBlock | undefined;
  private index = -1;

  constructor(
    private readonly write: (frame: string) => void,
    private readonly meta: ResponseMeta,
  ) {}

  start(): void {
    this.write(
      frame('message_start', {
        message: {
          id: this.meta.id,
          type: 'message',
          role: 'assistant',
          model: this.meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.meta.inputEstimate, output_tokens: 1 },
        },
      }),
    );
  }

  event(event: StreamEvent): void {
    const block = this.answer.add(event);
    if (!block) return;
    const text = event.type === 'text' || event.type === 'reasoning' ? event.text : '';
    if (block !== this.open) {
      this.closeBlock();
      this.open = block;
      this.index++;
      const start =
        block.type === 'text'
          ? { type: 'text', text: '' }
          : block.type === 'reasoning'
            ? { type: 'thinking', thinking: '', signature: '' }
            : { type: 'tool_use', id: block.call.id, name: block.call.name, input: {} };
      this.write(frame('content_block_start', { index: this.index, content_block: start }));
    }
    if (block.type === 'text') {
      this.write(
        frame('content_block_delta', { index: this.index, delta: { type: 'text_delta', text } }),
      );
    } else if (block.type === 'reasoning') {
      this.write(
        frame('content_block_delta', {
          index: this.index,
          delta: { type: 'thinking_delta', thinking: text },
        }),
      );
    } else {
      this.write(
        frame('content_block_delta', {
          index: this.index,
          delta: { type: 'input_json_delta', partial_json: argumentsJson(block.call) },
        }),
      );
      // A tool call arrives whole: its block ends here.
      this.closeBlock();
    }
  }

  finish(): void {
    this.closeBlock();
    this.write(
      frame('message_delta', {
        delta: { stop_reason: anthropicStopReason(this.answer.stopReason), stop_sequence: null },
        usage: anthropicUsage(this.answer.usage),
      }),
    );
    this.write(frame('message_stop', {}));
  }

  fail(error: KirikaeError): void {
    this.closeBlock();
    this.write(
      frame('error', {
        error: { type: anthropicErrorType(error.kind), message: errorMessage(error) },
      }),
    );
  }

  private closeBlock(): void {
    if (!this.open) return;
    this.open = undefined;
    this.write(frame('content_block_stop', { index: this.index }));
  }
}
