import type { Config } from '../config/schema.js';
import { isRetryable, type KirikaeError } from '../core/errors.js';
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
  type PermissionGate,
  type Tool,
} from '../agent/index.js';
import type { PlacedModel } from '../local/runtime.js';
import { recordFailure, recordSuccess, type CooldownState } from '../router/cooldown.js';
import { nextFallback } from '../router/fallback.js';
import { numCtxBucket } from '../core/num-ctx.js';
import { toCallEstimate } from '../router/route.js';
import type { RouterSession } from '../router/session.js';
import { tierOfModel } from '../router/table.js';
import type { RouteDecision } from '../router/types.js';
import { ZERO_SUM, addUsd, type UsdSum } from '../present/units.js';
import type { ModelCallFacts, TurnLedger } from './turn-ledger.js';
import type { CallRecord, RouteDecision as HowDecided } from '../core/records.js';

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
  approve: ApprovalFn;
}

/** What happens during a turn, in order: the screen, `-p` and the gateway each render these. */
export type TurnEvent =
  | { type: 'attempt'; model: string; tier: Tier | null; fallbackFrom: string[] }
  | ({ type: 'residency'; model: string } & Omit<PlacedModel, 'host'> & { host: string })
  | { type: 'agent'; model: string; event: AgentEvent }
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

function howDecided(how: TurnHow, tried: readonly string[]): HowDecided {
  return tried.length ? 'fallback' : how;
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
  // The decision's own view of each model, so a fallback never re-runs the router.
  const optionOf = (id: string) => plan.decision.options.find((o) => o.model === id);

  for (;;) {
    const ref = parseModelRef(model);
    const option = optionOf(model);
    const tier = option?.tier ?? tierOfModel(config, model);
    onEvent({ type: 'attempt', model, tier, fallbackFrom: [...tried] });
    partial = '';

    let provider: Provider;
    let release: (() => void) | undefined;
    const request: { numCtx?: number; keepAlive?: string | number } = {};
    if (ref.provider === 'ollama' && deps.local) {
      const needed =
        (option?.estimate.inputTokens ?? 8_000) + (option?.estimate.outputTokensP90 ?? 4_000);
      request.numCtx = numCtxBucket(needed);
      const placed = await deps.local.ensureResident(ref.model, request.numCtx);
      onEvent({ type: 'residency', model, ...placed, host: placed.host.label });
      provider = deps.local.providerFor(ref.model);
      request.keepAlive = deps.local.keepAliveFor(ref.model);
      release = deps.local.beginUse(ref.model);
    } else {
      provider = deps.providerFor(ref);
    }

    const sentAt = now();
    try {
      agent = await runAgentTurn({
        provider,
        model: ref.model,
        system: deps.system,
        messages: plan.messages,
        tools: deps.tools,
        maxSteps: config.agent.maxSteps,
        signal: plan.signal,
        approve: plan.approve,
        workspace: deps.cwd,
        permissions: deps.permissions,
        bashTimeoutMs: config.agent.bashTimeoutMs,
        request,
        onEvent: (event) => {
          if (event.type === 'text') partial += event.text;
          if (event.type === 'model_call') {
            const facts: ModelCallFacts = {
              task: plan.task,
              turn: plan.turn,
              taskType: plan.taskType,
              model,
              tier,
              proposed: plan.decision.chosen.model,
              decision: howDecided(plan.how, tried),
              fallbackHops: tried,
              usage: event.usage,
              ...(event.billedUsd !== undefined ? { billedUsd: event.billedUsd } : {}),
              metrics: event.metrics,
              ...(event.error ? { error: event.error } : {}),
              // The estimate belongs to the first call of the model the router priced.
              ...(option && event.step === 1 ? { estimate: toCallEstimate(option) } : {}),
            };
            const record = deps.ledger.recordCall(facts);
            records.push(record);
            cost = addUsd(cost, record.costUsd);
            if (event.metrics.tokPerSec) tokPerSec = event.metrics.tokPerSec;
            onEvent({ type: 'call', record });
          }
          onEvent({ type: 'agent', model, event });
        },
      });
    } finally {
      release?.();
    }
    usage = addUsage(usage, agent.usage);
    deps.router.noteSent(
      model,
      { system: deps.system, tools: deps.tools.map((t) => t.spec), messages: plan.messages },
      sentAt,
    );

    const failure = agent.error;
    if (!failure) {
      deps.cooldown.set(recordSuccess(deps.cooldown.get(), ref.provider));
      break;
    }
    if (failure.kind === 'aborted') {
      outcome = 'aborted';
      error = failure;
      break;
    }
    deps.cooldown.set(
      recordFailure(
        deps.cooldown.get(),
        ref.provider,
        { kind: failure.kind, retryAfterMs: failure.retryAfterMs },
        now(),
      ),
    );
    const fb =
      isRetryable(failure.kind) || failure.kind === 'context_length'
        ? nextFallback({
            failed: model,
            kind: failure.kind,
            chain: config.fallback,
            tried,
            unavailable: (m) => {
              const o = optionOf(m);
              return o ? o.unavailableReason : deps.unavailable?.(m);
            },
            cooldown: deps.cooldown.get(),
            now: now(),
          })
        : undefined;
    if (fb?.next && fb.model) {
      onEvent({ type: 'fallback', from: model, to: fb.model, error: failure, notice: fb.notice });
      tried.push(model);
      model = fb.model;
      continue;
    }
    outcome = 'error';
    error = failure;
    break;
  }

  const messages = agent ? [...agent.messages] : [...plan.messages];
  // A reply cut short is kept in the conversation (its usage is booked anyway).
  if (agent?.error && agent.newMessages.length === 0 && partial.trim()) {
    messages.push({ role: 'assistant', content: partial });
  }
  return {
    model,
    tier: tierOfModel(config, model),
    tried,
    outcome,
    usage,
    cost,
    messages,
    ...(agent ? { agent } : {}),
    ...(error ? { error } : {}),
    durationMs: now() - started,
    ...(tokPerSec !== undefined ? { tokPerSec } : {}),
    records,
  };
}
