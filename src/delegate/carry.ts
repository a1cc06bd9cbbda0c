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

/** When a result counts as acted on (docs/delegation.md, measured in the stubbing test). */
export interface StubRule {
  /** Assistant replies after the result before it is stubbed (the first one read it). */
  afterReplies: number;
  /** Never stub the newest result, however many replies followed it. */
  keepNewest: boolean;
}

/** Measured best of the rules tried (test/delegate/stubbing.test.ts): stub early, newest too. */
export const DEFAULT_STUB_RULE: StubRule = { afterReplies: 2, keepNewest: false };

/**
 * The history with every delegate result the planner has acted on replaced by its headline.
 * A pure function of the history, so a result once stubbed stays stubbed and the cached prefix
 * changes only once per result.
 */
export function stubActedOn(
  messages: readonly Message[],
  rule: StubRule = DEFAULT_STUB_RULE,
): Message[] {
  const out = [...messages];
  const assistants: number[] = [];
  out.forEach((m, i) => m.role === 'assistant' && assistants.push(i));
  let newest = -1;
  out.forEach((m, i) => m.role === 'tool' && m.toolName === DELEGATE_TOOL && (newest = i));
  out.forEach((m, i) => {
    if (m.role !== 'tool' || m.toolName !== DELEGATE_TOOL) return;
    if ((rule.keepNewest && i === newest) || m.content.endsWith(STUB_SUFFIX)) return;
    if (assistants.filter((a) => a > i).length < rule.afterReplies) return;
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
  options: {
    stub: boolean;
    rule?: StubRule;
    seen?: Iterable<string>;
    count?: (text: string) => number;
  },
): PlannerProvider {
  const seen = new Set(options.seen ?? []);
  let last: Carried = { tokens: 0, fresh: 0 };
  return {
    id: inner.id,
    carried: () => last,
    stream(request, signal) {
      const messages = options.stub
        ? stubActedOn(request.messages, options.rule)
        : request.messages;
      last = carriedIn(messages, seen, options.count);
      for (const m of messages)
        if (m.role === 'tool' && m.toolName === DELEGATE_TOOL) seen.add(m.toolCallId);
      return inner.stream({ ...request, messages }, signal);
    },
  };
}

/** What replacing one acted-on result by its stub costs and saves (docs/delegation.md). */
export interface StubTradeoff {
  /** The one-off price: what the previous request had cached after the stub is written again. */
  rewriteUsd: number;
  /** What the calls from the stub on no longer send. */
  savedUsd: number;
  pays: boolean;
}

/**
 * Stubbing a result changes the prompt from that point: the first call with the stub writes
 * the `suffix` (the stub and what the previous request had after the result) to the cache
 * again, where it would have read it; every call from then on sends `saved` fewer tokens —
 * read from the cache on a warm call, written on a cold one (the executor outlived the cache
 * TTL, so that call writes its whole prompt anyway). A cold first call rewrites nothing extra.
 */
export function stubTradeoff(p: {
  saved: number;
  suffix: number;
  warmCalls: number;
  coldCalls: number;
  rates: { cacheRead: number; cacheWrite: number };
  /** The first call with the stub finds the cache cold. */
  cold?: boolean;
}): StubTradeoff {
  const rewriteUsd = p.cold ? 0 : p.suffix * (p.rates.cacheWrite - p.rates.cacheRead);
  const savedUsd = p.saved * (p.warmCalls * p.rates.cacheRead + p.coldCalls * p.rates.cacheWrite);
  return { rewriteUsd, savedUsd, pays: savedUsd > rewriteUsd };
}
