import { PROVIDER_LABELS } from '../providers/errors.js';
import { redact } from '../core/secrets.js';
import type { Tier } from '../core/tier.js';
import type { TurnEvent, TurnResult } from './turn-runner.js';
import type { LiveTurn, NewTranscriptItem, TranscriptItem } from './types.js';

/** The transcript as the screen shows it: finished items, and the turn still streaming. */
export interface TranscriptView {
  items: TranscriptItem[];
  live?: LiveTurn;
  nextId: number;
}

export const EMPTY_TRANSCRIPT: TranscriptView = { items: [], nextId: 1 };

/**
 * Appends finished items (they go to Ink's <Static> and are never redrawn). Notices often carry
 * a server's own error text: any known key value in them is redacted before it is shown.
 */
export function pushItems(view: TranscriptView, ...items: NewTranscriptItem[]): TranscriptView {
  let nextId = view.nextId;
  const added = items.map(
    (item) =>
      ({
        ...item,
        ...(item.kind === 'notice' ? { text: redact(item.text) } : {}),
        id: nextId++,
      }) as TranscriptItem,
  );
  return { ...view, items: [...view.items, ...added], nextId };
}

export function newLive(model: string, tier: Tier | null, now: number): LiveTurn {
  return { model, tier, text: '', status: 'waiting', startedAt: now, outputTokens: 0 };
}

/** Moves streamed text into a finished item (before a tool runs, and at the end of a call). */
function flushLive(view: TranscriptView): TranscriptView {
  const live = view.live;
  if (!live?.text.trim()) return view;
  const flushed = pushItems(view, {
    kind: 'assistant',
    text: live.text,
    model: live.model,
    ...(live.executor ? { executor: live.executor } : {}),
  });
  return { ...flushed, live: { ...live, text: '' } };
}

/**
 * One turn event applied to the transcript (pure). Text deltas grow the live turn; tool calls,
 * fallbacks and model loads become finished items.
 */
export function applyTurnEvent(
  view: TranscriptView,
  event: TurnEvent,
  now: number,
): TranscriptView {
  switch (event.type) {
    case 'attempt':
      return { ...flushLive(view), live: newLive(event.model, event.tier, now) };
    case 'residency': {
      const lines: NewTranscriptItem[] = [];
      if (event.unloaded.length)
        lines.push({
          kind: 'notice',
          level: 'info',
          text: `Unloaded ${event.unloaded.join(', ')} on ${event.host} to make room for ${event.model}`,
        });
      if (event.status === 'loaded')
        lines.push({
          kind: 'notice',
          level: 'info',
          text: `Loaded ${event.model} on ${event.host} in ${event.loadSeconds.toFixed(1)} s`,
        });
      if (event.status === 'does_not_fit')
        lines.push({
          kind: 'notice',
          level: 'warn',
          text: `${event.model} does not fit the memory budget${event.reason ? `: ${event.reason}` : ''}`,
        });
      return lines.length ? pushItems(view, ...lines) : view;
    }
    case 'fallback':
      return pushItems(flushLive(view), {
        kind: 'notice',
        level: 'warn',
        text: `${event.error.describe()} — ${event.notice}`,
      });
    case 'call':
      return view;
    case 'agent':
      return applyAgentEvent(
        view,
        event.event,
        event.model,
        event.role === 'executor' ? event.model : undefined,
        now,
      );
  }
}

function applyAgentEvent(
  view: TranscriptView,
  event: Extract<TurnEvent, { type: 'agent' }>['event'],
  model: string,
  /** The executor's model when a delegated sub-task's executor sent the event. */
  executor: string | undefined,
  now: number,
): TranscriptView {
  // Who speaks changes: what the other one said is finished.
  if (event.type === 'text' && view.live && view.live.executor !== executor) view = flushLive(view);
  const live = view.live;
  // The executor's notices name it: the user talks to the planner.
  const said = (text: string) => (executor ? `executor ${executor}: ${text}` : text);
  // The live line says whether the executor is at work (the planner's model stays its model).
  const mark = (l: LiveTurn): LiveTurn => {
    const { executor: _was, ...rest } = l;
    return executor ? { ...rest, executor } : rest;
  };
  switch (event.type) {
    case 'text': {
      if (!live) return view;
      const { retry: _waited, ...rest } = live;
      // A rough count for the live line; the ledger has the provider's own.
      const tokens = Math.ceil(event.text.length / 4);
      return {
        ...view,
        live: mark({
          ...rest,
          text: live.text + event.text,
          status: 'streaming',
          firstTokenAt: live.firstTokenAt ?? now,
          outputTokens: live.outputTokens + tokens,
        }),
      };
    }
    case 'tool_start': {
      const flushed = flushLive(view);
      return flushed.live
        ? { ...flushed, live: mark({ ...flushed.live, status: 'tool', tool: event.name }) }
        : flushed;
    }
    case 'tool_result': {
      const pushed = pushItems(view, {
        kind: 'tool',
        name: event.name,
        summary: event.summary,
        ok: event.ok,
        ...(event.diff ? { detail: event.diff } : {}),
        ...(executor ? { executor } : {}),
      });
      return pushed.live
        ? { ...pushed, live: mark({ ...pushed.live, status: 'waiting', tool: undefined }) }
        : pushed;
    }
    case 'notice':
      return pushItems(view, { kind: 'notice', level: 'warn', text: said(event.message) });
    case 'warning':
      // Ollama dropped context silently: said on the turn, and booked on the call record.
      return pushItems(view, { kind: 'notice', level: 'warn', text: said(event.warning.message) });
    case 'retry': {
      const pushed = pushItems(view, {
        kind: 'notice',
        level: 'warn',
        text: `${said(event.message)} · retrying in ${Math.ceil(event.delayMs / 1000)} s (attempt ${event.attempt + 1} of ${event.maxAttempts})`,
      });
      // The live line counts the wait down ("429 from Anthropic · retrying in 18 s · f …").
      const reason = `${event.kind === 'rate_limit' ? '429' : event.kind.replace('_', ' ')} from ${PROVIDER_LABELS[event.provider]}`;
      return pushed.live
        ? { ...pushed, live: { ...pushed.live, retry: { reason, until: now + event.delayMs } } }
        : pushed;
    }
    case 'model_call':
      // The call's text is final: move it out of the live region. An executor's call leaves
      // the turn's model as it is: the executor works for it.
      return flushLive({
        ...view,
        live: live && mark({ ...live, ...(executor ? {} : { model }), retry: undefined }),
      });
    default:
      return view;
  }
}

/** The end of a turn: the text left in the live region and the turn's route-and-cost line. */
/**
 * The turn line's "how" after a fallback. Its tokens, cost and seconds are the whole turn's, the
 * failed attempts' included, while its model is the one that answered: the line says so.
 */
export function fallbackHow(tried: readonly string[]): string {
  return `fallback from ${tried.join(', ')} · totals include ${tried.length === 1 ? 'its attempt' : 'their attempts'}`;
}

export function finishTurn(view: TranscriptView, result: TurnResult, how: string): TranscriptView {
  const flushed = flushLive(view);
  const items: NewTranscriptItem[] = [];
  if (result.outcome === 'aborted')
    items.push({
      kind: 'notice',
      level: 'warn',
      text: 'Interrupted: the partial answer is kept and its usage recorded',
    });
  if (result.outcome === 'error' && result.error)
    items.push({ kind: 'notice', level: 'error', text: result.error.describe() });
  items.push({
    kind: 'turn',
    model: result.model,
    tier: result.tier,
    usage: result.usage,
    costUsd: result.cost.unknown ? null : result.cost.usd,
    ...(result.cost.unknown && result.cost.usd ? { knownUsd: result.cost.usd } : {}),
    ...(result.tokPerSec !== undefined ? { tokPerSec: result.tokPerSec } : {}),
    durationMs: result.durationMs,
    how: result.tried.length ? fallbackHow(result.tried) : how,
    outcome: result.outcome,
  });
  return { ...pushItems(flushed, ...items), live: undefined };
}
