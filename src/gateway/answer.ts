// What a model answered, gathered from StreamEvents: a non-streamed response is built from it,
// and both stream writers use it to know which block is open.
import type { ToolCall } from '../core/message.js';
import type { StopReason, StreamEvent } from '../core/stream.js';
import { ZERO_USAGE, type Usage } from '../core/usage.js';

/** One part of the answer in the order it streamed (a thinking block, text, a tool call). */
export type AnswerBlock =
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCall };

export class Answer {
  readonly blocks: AnswerBlock[] = [];
  usage: Usage = ZERO_USAGE;
  stopReason: StopReason | undefined;

  /** Adds a stream event; returns the block it opened or extended, if any. */
  add(event: StreamEvent): AnswerBlock | undefined {
    if (event.type === 'usage') this.usage = event.usage;
    else if (event.type === 'done') this.stopReason = event.stopReason;
    else if (event.type === 'text' || event.type === 'reasoning') {
      const last = this.blocks[this.blocks.length - 1];
      if (last && last.type === event.type) {
        last.text += event.text;
        return last;
      }
      const block = { type: event.type, text: event.text };
      this.blocks.push(block);
      return block;
    } else if (event.type === 'tool_call') {
      const block = { type: 'tool_call' as const, call: event.call };
      this.blocks.push(block);
      return block;
    }
    return undefined;
  }

  text(): string {
    return this.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('');
  }

  reasoning(): string {
    return this.blocks.map((b) => (b.type === 'reasoning' ? b.text : '')).join('');
  }

  toolCalls(): ToolCall[] {
    return this.blocks.flatMap((b) => (b.type === 'tool_call' ? [b.call] : []));
  }
}

/** Arguments as JSON text for the client: what the model sent, or `{}` when it sent nothing. */
export function argumentsJson(call: ToolCall): string {
  return call.rawArguments.trim() ? call.rawArguments : '{}';
}
