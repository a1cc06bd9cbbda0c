import type { Config } from '../config/schema.js';
import type { KirikaeError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';
import type { Provider } from '../core/provider.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { ZERO_USAGE, addUsage, type Usage } from '../core/usage.js';
import {
  runAgentTurn,
  type AgentEvent,
  type AgentTurnResult,
  type ApprovalFn,
  noAnswer,
  type PermissionGate,
  type Tool,
} from '../agent/index.js';
import type { PlacedModel } from '../local/runtime.js';
import type { CooldownState } from '../router/cooldown.js';
import type { RouterSession } from '../router/session.js';
import { tierOfModel } from '../router/table.js';
import type { RouteDecision } from '../router/types.js';
import { ZERO_SUM, addUsd, type UsdSum } from '../present/units.js';
import type { TurnLedger } from './turn-ledger.js';
import { bookCall, placeAttempt, settleAttempt } from './attempt.js';
import type { CallRecord } from '../core/records.js';
import { delegationFor, type DelegatePlan } from '../delegate/session.js';

/** How the user settled the route of this turn. */
export type TurnHow = 'accepted' | 'override' | 'auto' | 'headless';

/** One turn to run: the conversation, the decision behind it and the model to start on. */
export interface TurnPlan {
  turn: number;
  task: string;
  taskType: TaskType;
  /** The conversation including the new user message. */
  messages: readonly Message[];
  decision: RouteDecision;
  model: string;
  how: TurnHow;
  signal: AbortSignal;
  /** A fresh signal per attempt; aborting it ends a retry wait so the turn falls back at once. */
  skipRetry?: () => AbortSignal;
  approve: ApprovalFn;
  /** Awaited before each shell command of the turn (the test gate's snapshot). */
  beforeShell?: () => Promise<void>;
  /**
   * Delegate mode: the model above plans and gets a `delegate` tool whose calls run an executor
   * (docs/delegation.md). Absent, the turn is exactly a solo turn: no extra tool is sent.
   */
  delegate?: DelegatePlan;
}

/** What happens during a turn, in order: the screen, `-p` and the gateway each render these. */
export type TurnEvent =
  | { type: 'attempt'; model: string; tier: Tier | null; fallbackFrom: string[] }
  | ({ type: 'residency'; model: string } & Omit<PlacedModel, 'host'> & { host: string })
  | {
      type: 'agent';
      model: string;
      event: AgentEvent;
      /** The event came from a delegated sub-task's executor, not the turn's own model. */
      role?: 'executor';
    }
  | { type: 'call'; record: CallRecord }
  | { type: 'fallback'; from: string; to: string; error: KirikaeError; notice: string };

export interface TurnResult {
  /** The model that ran last (after any fallback). */
  model: string;
  tier: Tier | null;
  /** Models that failed before it. */
  tried: string[];
  outcome: 'ok' | 'error' | 'aborted';
  usage: Usage;
  cost: UsdSum;
  /** The conversation after the turn (what the next turn continues from). */
  messages: Message[];
  /** The agent loop's result of the last attempt, when one ran. */
  agent?: AgentTurnResult;
  error?: KirikaeError;
  durationMs: number;
  tokPerSec?: number;
  /** Every ledger record the turn wrote, in order. */
  records: CallRecord[];
}

/** What the runner needs from the rest of the app (the wiring builds it once). */
export interface TurnRunnerDeps {
  config: () => Config;
  cwd: string;
  system: string;
  tools: readonly Tool[];
  permissions: PermissionGate;
  /** The provider for a cloud model; local models take theirs from `local`. */
  providerFor(ref: ModelRef): Provider;
  local?: {
    ensureResident(model: string, numCtx: number): Promise<PlacedModel>;
    providerFor(model: string): Provider;
    keepAliveFor(model: string): string | number;
    beginUse(model: string): () => void;
  };
  ledger: TurnLedger;
  router: RouterSession;
  cooldown: { get(): CooldownState; set(state: CooldownState): void };
  /** Why a fallback model the decision did not price cannot run (no key), if it cannot. */
  unavailable?(model: string): string | undefined;
  now?: () => number;
}

/**
 * The one turn pipeline. For each model in turn (the chosen one, then the fallback chain on a
 * retryable failure): place a local model in memory, run the agent loop against the model's
 * provider, book every model call in the ledger and note what the model now holds in its
 * prompt cache. Never throws for a model failure: the result says how the turn ended.
 */
export async function runTurn(
  plan: TurnPlan,
  deps: TurnRunnerDeps,
  onEvent: (event: TurnEvent) => void = () => {},
): Promise<TurnResult> {
  const now = deps.now ?? Date.now;
  const config = deps.config();
  const started = now();
  const tried: string[] = [];
  const records: CallRecord[] = [];
  let model = plan.model;
  let usage: Usage = ZERO_USAGE;
  let cost: UsdSum = ZERO_SUM;
  let tokPerSec: number | undefined;
  let agent: AgentTurnResult | undefined;
  let outcome: TurnResult['outcome'] = 'ok';
  let error: KirikaeError | undefined;
  let partial = '';
  const book = (record: CallRecord): void => {
    records.push(record);
    cost = addUsd(cost, record.costUsd);
    onEvent({ type: 'call', record });
  };
  // Only a delegated turn pays for any of this; a solo turn sends what it always sent.
  const delegation = plan.delegate
    ? delegationFor(plan, plan.delegate, deps, onEvent, book)
    : undefined;
  const tools = delegation ? [...deps.tools, delegation.tool] : deps.tools;
  const tierFor = (id: string) =>
    plan.decision.options.find((o) => o.model === id)?.tier ?? tierOfModel(config, id);
  // A marker for the model call under way, so a kill during it still gets it booked.
  const markCall = deps.ledger.markCalls(() => ({
    task: plan.task,
    turn: plan.turn,
    taskType: plan.taskType,
    model,
    tier: tierFor(model),
    decision: tried.length ? 'fallback' : plan.how,
    fallbackHops: [...tried],
    role: delegation ? 'planner' : 'solo',
  }));

  for (;;) {
    onEvent({ type: 'attempt', model, tier: tierFor(model), fallbackFrom: [...tried] });
    partial = '';
    // The speed shown is the answering model's: a failed attempt's rate is not the fallback's.
    tokPerSec = undefined;
    const placed = await placeAttempt(model, plan, deps, onEvent);
    const sentAt = now();
    try {
      const provider = delegation ? delegation.planner(placed.provider) : placed.provider;
      agent = await runAgentTurn({
        provider,
        model: parseModelRef(model).model,
        system: deps.system,
        messages: plan.messages,
        tools,
        maxSteps: config.agent.maxSteps,
        signal: plan.signal,
        approve: plan.approve,
        workspace: deps.cwd,
        permissions: deps.permissions,
        bashTimeoutMs: config.agent.bashTimeoutMs,
        ...(plan.beforeShell ? { beforeShell: plan.beforeShell } : {}),
        request: plan.skipRetry
          ? { ...placed.request, skipRetry: plan.skipRetry() }
          : placed.request,
        onEvent: (event) => {
          markCall(event);
          if (event.type === 'text') partial += event.text;
          if (event.type === 'model_call') {
            const record = bookCall(
              {
                ...event,
                model,
                tier: placed.tier,
                option: placed.option,
                tried,
                ...(placed.host ? { host: placed.host } : {}),
                ...(delegation
                  ? { role: 'planner' as const, carried: delegation.carried(provider) }
                  : { role: 'solo' as const }),
              },
              plan,
              deps,
            );
            book(record);
            if (event.metrics.tokPerSec) tokPerSec = event.metrics.tokPerSec;
          }
          onEvent({ type: 'agent', model, event });
        },
      });
    } finally {
      // A marker left here (the loop threw before booking its call) is booked by the next run.
      placed.release();
    }
    usage = addUsage(usage, agent.usage);
    deps.router.noteSent(
      model,
      { system: deps.system, tools: tools.map((t) => t.spec), messages: plan.messages },
      sentAt,
    );
    const failure = agent.error;
    const { next, notice } = settleAttempt(model, failure, tried, plan, deps);
    if (failure && next) {
      onEvent({ type: 'fallback', from: model, to: next, error: failure, notice: notice ?? '' });
      tried.push(model);
      model = next;
      continue;
    }
    if (failure) {
      outcome = failure.kind === 'aborted' ? 'aborted' : 'error';
      error = failure;
    }
    break;
  }

  const messages = agent ? [...agent.messages] : [...plan.messages];
  // A reply cut short is kept in the conversation (its usage is booked anyway); a turn that
  // ended before any answer says so, so the next prompt does not read as this one's second half.
  if (agent?.error && agent.newMessages.length === 0) {
    messages.push({ role: 'assistant', content: partial.trim() ? partial : noAnswer(agent.error) });
  }
  return {
    model,
    tier: tierOfModel(config, model),
    tried,
    outcome,
    // The executors' calls are the turn's too (their records are among `records`).
    usage: delegation ? addUsage(usage, delegation.usage()) : usage,
    cost,
    messages,
    ...(agent ? { agent } : {}),
    ...(error ? { error } : {}),
    durationMs: now() - started,
    ...(tokPerSec !== undefined ? { tokPerSec } : {}),
    records,
  };
}
