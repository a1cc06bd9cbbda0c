// The pass-through sibling of the turn runner: one request whose tools the CLIENT runs (the
// gateway), so there is no agent loop. Each attempt streams one model call; placing, booking,
// cooldowns and the fallback chain are the same as a turn's (attempt.ts).
import { toKirikaeError, type KirikaeError } from '../core/errors.js';
import { fixedRequestChars, messageChars, type Message, type ToolSpec } from '../core/message.js';
import { parseModelRef } from '../core/model-ref.js';
import type { CallRecord } from '../core/records.js';
import type { StopReason, StreamEvent, StreamMetrics } from '../core/stream.js';
import type { Tier } from '../core/tier.js';
import { ZERO_USAGE, addUsage, type Usage } from '../core/usage.js';
import { tierOfModel } from '../router/table.js';
import { ZERO_SUM, addUsd, type UsdSum } from '../present/units.js';
import { bookCall, placeAttempt, settleAttempt, type AttemptPlan } from './attempt.js';
import type { TurnEvent, TurnRunnerDeps } from './turn-runner.js';
import type { InflightHandle } from '../ledger/inflight.js';

/** One client request to run: what the client sent, translated, and the route decided for it. */
export interface CallPlan extends AttemptPlan {
  /** The client's own system prompt (not kirikae's). */
  system?: string;
  messages: Message[];
  /** The client's tools: offered to the model, run by the client. */
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  /** The model to start on (`provider/model`). */
  model: string;
  signal: AbortSignal;
}

/** What happens during a call, in order; `stream` events are the ones the client sees. */
export type CallEvent =
  | Extract<TurnEvent, { type: 'attempt' | 'residency' | 'call' | 'fallback' }>
  | { type: 'stream'; model: string; event: StreamEvent };

export interface CallResult {
  /** The model that ran last (after any fallback). */
  model: string;
  tier: Tier | null;
  /** Models that failed before it. */
  tried: string[];
  outcome: 'ok' | 'error' | 'aborted';
  stopReason?: StopReason;
  usage: Usage;
  cost: UsdSum;
  /** One ledger record per upstream call, in order. */
  records: CallRecord[];
  error?: KirikaeError;
  metrics?: StreamMetrics;
}

/** Content the client would see: once one of these is forwarded, a fallback would mix answers. */
function isContent(event: StreamEvent): boolean {
  return event.type === 'text' || event.type === 'reasoning' || event.type === 'tool_call';
}

/**
 * Runs one client request through kirikae: the chosen model, then the fallback chain on a
 * retryable failure, but only while nothing has reached the client yet. Every upstream call is
 * booked in the ledger. Never throws for a model failure.
 */
export async function runCall(
  plan: CallPlan,
  deps: TurnRunnerDeps,
  onEvent: (event: CallEvent) => void = () => {},
): Promise<CallResult> {
  const now = deps.now ?? Date.now;
  const config = deps.config();
  const tried: string[] = [];
  const records: CallRecord[] = [];
  let model = plan.model;
  let usage: Usage = ZERO_USAGE;
  let cost: UsdSum = ZERO_SUM;
  let streamed = false;
  // What each attempt sends, for the marker a call under way leaves (a kill still books it).
  const promptChars =
    fixedRequestChars(plan.system, plan.tools ?? []) +
    plan.messages.reduce((sum, m) => sum + messageChars(m), 0);

  for (;;) {
    const tier =
      plan.decision.options.find((o) => o.model === model)?.tier ?? tierOfModel(config, model);
    onEvent({ type: 'attempt', model, tier, fallbackFrom: [...tried] });
    let failure: KirikaeError | undefined;
    let stopReason: StopReason | undefined;
    let metrics: StreamMetrics = { durationMs: 0 };
    let callUsage: Usage = ZERO_USAGE;
    let billedUsd: number | undefined;
    const sentAt = now();
    let placed: Awaited<ReturnType<typeof placeAttempt>> | undefined;
    let marker: InflightHandle | undefined;
    let outputChars = 0;
    try {
      placed = await placeAttempt(model, plan, deps, (event) => onEvent(event as CallEvent));
      marker = deps.ledger.callStarted({
        task: plan.task,
        turn: plan.turn,
        taskType: plan.taskType,
        model,
        tier: placed.tier,
        decision: tried.length ? 'fallback' : plan.how,
        fallbackHops: [...tried],
        role: 'solo',
        promptChars,
      });
      const stream = placed.provider.stream(
        {
          model: parseModelRef(model).model,
          ...(plan.system ? { system: plan.system } : {}),
          messages: plan.messages,
          ...(plan.tools?.length ? { tools: plan.tools } : {}),
          ...(plan.maxTokens !== undefined ? { maxTokens: plan.maxTokens } : {}),
          ...(plan.temperature !== undefined ? { temperature: plan.temperature } : {}),
          ...placed.request,
        },
        plan.signal,
      );
      for await (const event of stream) {
        if (event.type === 'usage') {
          callUsage = event.usage;
          billedUsd = event.billedUsd;
        } else if (event.type === 'done') {
          stopReason = event.stopReason;
          metrics = event.metrics;
        } else if (event.type === 'error') {
          failure = event.error;
          metrics = event.metrics;
          continue;
        }
        if (isContent(event)) {
          streamed = true;
          outputChars +=
            event.type === 'tool_call'
              ? event.call.rawArguments.length
              : event.type === 'text' || event.type === 'reasoning'
                ? event.text.length
                : 0;
          marker?.progress(outputChars);
        }
        onEvent({ type: 'stream', model, event });
      }
    } catch (error) {
      // Placing a local model can fail (Ollama down); a provider never throws.
      failure = toKirikaeError(error, 'network');
      metrics = { durationMs: now() - sentAt };
    } finally {
      placed?.release();
    }
    if (placed) {
      const record = bookCall(
        {
          model,
          tier: placed.tier,
          ...(placed.option ? { option: placed.option } : {}),
          step: 1,
          tried,
          usage: callUsage,
          ...(billedUsd !== undefined ? { billedUsd } : {}),
          metrics,
          ...(failure ? { error: failure } : {}),
          role: 'solo',
        },
        plan,
        deps,
      );
      marker?.done();
      records.push(record);
      cost = addUsd(cost, record.costUsd);
      onEvent({ type: 'call', record });
      deps.router.noteSent(
        model,
        { system: plan.system ?? '', tools: plan.tools ?? [], messages: plan.messages },
        sentAt,
      );
    }
    usage = addUsage(usage, callUsage);
    const settled = settleAttempt(model, failure, tried, plan, deps);
    if (failure && settled.next && !streamed) {
      onEvent({
        type: 'fallback',
        from: model,
        to: settled.next,
        error: failure,
        notice: settled.notice ?? '',
      });
      tried.push(model);
      model = settled.next;
      continue;
    }
    return {
      model,
      tier: tierOfModel(config, model),
      tried,
      outcome: failure ? (failure.kind === 'aborted' ? 'aborted' : 'error') : 'ok',
      ...(stopReason ? { stopReason } : {}),
      usage,
      cost,
      records,
      ...(failure ? { error: failure } : {}),
      metrics,
    };
  }
}
