// Helpers for reading a provider's event stream in tests.
import type { KirikaeError, StreamEvent, ToolCall, Usage } from '../../src/core/index.js';

export async function collect(
  stream: AsyncIterable<StreamEvent>,
  onEvent?: (event: StreamEvent) => void,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    onEvent?.(event);
  }
  return events;
}

export function textOf(events: readonly StreamEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

export function toolCallsOf(events: readonly StreamEvent[]): ToolCall[] {
  return events.flatMap((e) => (e.type === 'tool_call' ? [e.call] : []));
}

export function usageOf(
  events: readonly StreamEvent[],
): { usage: Usage; billedUsd?: number; reportedUsd?: number } | undefined {
  const last = events.findLast((e) => e.type === 'usage');
  if (last?.type !== 'usage') return undefined;
  return {
    usage: last.usage,
    billedUsd: last.billedUsd,
    ...(last.reportedUsd === undefined ? {} : { reportedUsd: last.reportedUsd }),
  };
}

export function errorOf(events: readonly StreamEvent[]): KirikaeError | undefined {
  const last = events.at(-1);
  return last?.type === 'error' ? last.error : undefined;
}

/** The event types in order, text and reasoning runs collapsed to one entry. */
export function shape(events: readonly StreamEvent[]): string[] {
  const out: string[] = [];
  for (const e of events)
    if (out.at(-1) !== e.type || !['text', 'reasoning'].includes(e.type)) out.push(e.type);
  return out;
}
