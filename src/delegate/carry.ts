// The planner's side of the books: what each planner call carries of executor results, measured
// on the request actually sent, and (behind an option) older results replaced by their one-line
// stub once the planner has acted on them. See docs/delegation.md for the definitions.
import type { Message } from '../core/message.js';
import type { Provider } from '../core/provider.js';
import { countTextTokens } from '../router/tokenizer.js';
import { DELEGATE_TOOL } from './brief.js';

/** Executor-result tokens in one planner request, and those it is sent for the first time. */
export interface Carried {
  tokens: number;
  fresh: number;
}

export const STUB_SUFFIX = ' (full result stubbed: already acted on)';

/**
 * The history with every delegate result the planner has acted on replaced by its headline:
 * a result is acted on once an assistant reply follows the reply that answered it. The newest
 * result is never stubbed. A pure function of the history, so a result once stubbed stays
 * stubbed and the cached prefix changes only once per result.
 */
export function stubActedOn(messages: readonly Message[]): Message[] {
  const out = [...messages];
  const assistants: number[] = [];
  out.forEach((m, i) => m.role === 'assistant' && assistants.push(i));
  let newest = -1;
  out.forEach((m, i) => m.role === 'tool' && m.toolName === DELEGATE_TOOL && (newest = i));
  out.forEach((m, i) => {
    if (m.role !== 'tool' || m.toolName !== DELEGATE_TOOL || i === newest) return;
    if (m.content.endsWith(STUB_SUFFIX)) return;
    // The reply that read the result, then another one after it.
    if (assistants.filter((a) => a > i).length < 2) return;
    out[i] = { ...m, content: `${m.content.split('\n')[0]}${STUB_SUFFIX}` };
  });
  return out;
}

/** Executor-result tokens in `messages`; `seen` holds the tool call ids sent before. */
export function carriedIn(
  messages: readonly Message[],
  seen: ReadonlySet<string>,
  count: (text: string) => number = countTextTokens,
): Carried {
  let tokens = 0;
  let fresh = 0;
  for (const m of messages) {
    if (m.role !== 'tool' || m.toolName !== DELEGATE_TOOL) continue;
    const n = count(m.content);
    tokens += n;
    if (!seen.has(m.toolCallId)) fresh += n;
  }
  return { tokens, fresh };
}

export interface PlannerProvider extends Provider {
  /** What the latest request carried (read when its model call is booked). */
  carried(): Carried;
}

/**
 * The planner's provider: measures each request's executor results and, with `stub`, sends
 * acted-on results as stubs. `seen` starts from the results already in the conversation when
 * the turn began, so a result the previous turn read is not counted as new.
 */
export function plannerProvider(
  inner: Provider,
  options: { stub: boolean; seen?: Iterable<string>; count?: (text: string) => number },
): PlannerProvider {
  const seen = new Set(options.seen ?? []);
  let last: Carried = { tokens: 0, fresh: 0 };
  return {
    id: inner.id,
    carried: () => last,
    stream(request, signal) {
      const messages = options.stub ? stubActedOn(request.messages) : request.messages;
      last = carriedIn(messages, seen, options.count);
      for (const m of messages)
        if (m.role === 'tool' && m.toolName === DELEGATE_TOOL) seen.add(m.toolCallId);
      return inner.stream({ ...request, messages }, signal);
    },
  };
}
