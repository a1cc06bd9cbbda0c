// What every model attempt of a turn shares, whether kirikae's agent loop runs it (the screen,
// `-p`) or a client's single request passes through (the gateway): placing a local model,
// choosing the provider, booking each call, and picking the next model of the fallback chain.
import { isRetryable, type KirikaeError } from '../core/errors.js';
import { parseModelRef } from '../core/model-ref.js';
import type { Provider, ProviderRequest } from '../core/provider.js';
import { needsResponsesApi } from '../catalog/models.js';
import type { CallRecord, CallRole } from '../core/records.js';
import type { StreamMetrics, StreamWarning } from '../core/stream.js';
import type { Tier } from '../core/tier.js';
import type { Usage } from '../core/usage.js';
import { numCtxBucket } from '../core/num-ctx.js';
import { recordFailure, recordSuccess } from '../router/cooldown.js';
import { nextFallback } from '../router/fallback.js';
import { toCallEstimate } from '../router/route.js';
import { tierOfModel } from '../router/table.js';
import type { RouteDecision, RouteOption } from '../router/types.js';
import type { TurnEvent, TurnHow, TurnRunnerDeps } from './turn-runner.js';

/** The shape of a turn's plan that attempts read (both runners' plans have it). */
export interface AttemptPlan {
  turn: number;
  task: string;
  taskType: RouteDecision['taskType'];
  decision: RouteDecision;
  how: TurnHow;
}

export interface PlacedAttempt {
  provider: Provider;
  /** The Ollama host a local model runs on (its label). */
  host?: string;
  tier: Tier | null;
  option?: RouteOption;
  /** What the request needs for this model: num_ctx and keep_alive, the API, the cache TTL. */
  request: Pick<ProviderRequest, 'numCtx' | 'keepAlive' | 'api' | 'cacheTtl'>;
  release(): void;
}

/** The provider for `model`, with a local model placed in memory on its host first. */
export async function placeAttempt(
  model: string,
  plan: AttemptPlan,
  deps: TurnRunnerDeps,
  onEvent: (event: TurnEvent) => void,
): Promise<PlacedAttempt> {
  const ref = parseModelRef(model);
  const option = plan.decision.options.find((o) => o.model === model);
  const tier = option?.tier ?? tierOfModel(deps.config(), model);
  if (ref.provider !== 'ollama' || !deps.local) {
    const request: PlacedAttempt['request'] = {};
    // Codex and the newest OpenAI models take tool calls only through the Responses API.
    if (needsResponsesApi(ref)) request.api = 'responses';
    if (ref.provider === 'anthropic') request.cacheTtl = deps.config().cache.ttl;
    return {
      provider: deps.providerFor(ref),
      tier,
      ...(option ? { option } : {}),
      request,
      release: () => {},
    };
  }
  const needed =
    (option?.estimate.inputTokens ?? 8_000) + (option?.estimate.outputTokensP90 ?? 4_000);
  const placed = await deps.local.ensureResident(ref.model, numCtxBucket(needed));
  onEvent({ type: 'residency', model, ...placed, host: placed.host.label });
  return {
    provider: deps.local.providerFor(ref.model),
    host: placed.host.label,
    tier,
    ...(option ? { option } : {}),
    // The resident context, which may be larger than asked: another num_ctx reloads the model.
    request: { numCtx: placed.numCtx, keepAlive: deps.local.keepAliveFor(ref.model) },
    release: deps.local.beginUse(ref.model),
  };
}

/** Books one model call of an attempt in the ledger (one record per call, on every path). */
export function bookCall(
  call: {
    model: string;
    tier: Tier | null;
    option?: RouteOption;
    step: number;
    tried: readonly string[];
    usage: Usage;
    billedUsd?: number;
    reportedUsd?: number;
    warnings?: readonly StreamWarning[];
    host?: string;
    metrics: StreamMetrics;
    error?: KirikaeError;
    /** Absent: a call of one model alone (solo), as on records written before roles. */
    role?: CallRole;
    carried?: { tokens: number; fresh: number };
  },
  plan: AttemptPlan,
  deps: Pick<TurnRunnerDeps, 'ledger'>,
): CallRecord {
  return deps.ledger.recordCall({
    task: plan.task,
    turn: plan.turn,
    taskType: plan.taskType,
    model: call.model,
    tier: call.tier,
    proposed: plan.decision.chosen.model,
    decision: call.tried.length ? 'fallback' : plan.how,
    fallbackHops: [...call.tried],
    usage: call.usage,
    ...(call.billedUsd !== undefined ? { billedUsd: call.billedUsd } : {}),
    ...(call.reportedUsd !== undefined ? { reportedUsd: call.reportedUsd } : {}),
    ...(call.host ? { host: call.host } : {}),
    ...(call.warnings?.length
      ? { warnings: call.warnings.map((w) => ({ kind: w.kind, detail: w.message })) }
      : {}),
    metrics: call.metrics,
    ...(call.error ? { error: call.error } : {}),
    ...(call.role ? { role: call.role } : {}),
    ...(call.carried ? { carried: call.carried } : {}),
    // The estimate belongs to the first call of the model the router priced.
    ...(call.option && call.step === 1 ? { estimate: toCallEstimate(call.option) } : {}),
  });
}

/**
 * After an attempt: notes success or failure for the provider's cooldown and, on a retryable
 * failure, names the next model of the chain (undefined when the turn ends here).
 */
export function settleAttempt(
  model: string,
  failure: KirikaeError | undefined,
  tried: readonly string[],
  plan: AttemptPlan,
  deps: TurnRunnerDeps,
): { next?: string; notice?: string } {
  const now = (deps.now ?? Date.now)();
  const provider = parseModelRef(model).provider;
  if (!failure) {
    deps.cooldown.set(recordSuccess(deps.cooldown.get(), provider));
    return {};
  }
  if (failure.kind === 'aborted') return {};
  deps.cooldown.set(
    recordFailure(
      deps.cooldown.get(),
      provider,
      { kind: failure.kind, retryAfterMs: failure.retryAfterMs },
      now,
    ),
  );
  if (!isRetryable(failure.kind) && failure.kind !== 'context_length') return {};
  const fb = nextFallback({
    failed: model,
    kind: failure.kind,
    chain: deps.config().fallback,
    tried: [...tried],
    // The decision's own view of each model, so a fallback never re-runs the router.
    unavailable: (m) => {
      const o = plan.decision.options.find((option) => option.model === m);
      return o ? o.unavailableReason : deps.unavailable?.(m);
    },
    cooldown: deps.cooldown.get(),
    now,
  });
  return fb?.next && fb.model ? { next: fb.model, notice: fb.notice } : {};
}
