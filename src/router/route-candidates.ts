import type { Config } from '../config/schema.js';
import { isProviderId, type ModelRef } from '../core/model-ref.js';
import type { Complexity, TaskType } from '../core/task.js';
import { TIERS, type Tier } from '../core/tier.js';
import { budgetVerdict, type BudgetInput } from './budget.js';
import { cachePolicy } from './cache.js';
import { explainSuccess, successOf } from './calibration.js';
import { numCtxBucket, unavailableReason } from './constraints.js';
import {
  estimateCall,
  keepAliveMs,
  type CallEstimate,
  type CallEstimateArgs,
  type LocalCallFacts,
} from './estimate.js';
import { expectedUsdPerTask, type Attempt } from './expected-cost.js';
import type { PastChoice } from './past-choices.js';
import { adjustForComplexity } from './priors.js';
import type { HistoryStats } from './session.js';
import { ESCALATION, tierModels } from './table.js';
import type { RequestTokens } from './tokens.js';
import type { Classification, RouteContext, RouteInput } from './types.js';

/** Stage 1 of a route: every configured model, estimated, constrained and priced per task. */
export interface Candidate {
  ref: ModelRef;
  id: string;
  tier: Tier | null;
  /** Tier used for success rates and escalation (a model outside the tiers counts as 1). */
  effectiveTier: Tier;
  unavailable?: string;
  call: CallEstimate;
  /** A redo of this turn on this model after another model failed: everything read cold. */
  cold: CallEstimate;
  /** Inputs of `call`, kept to price what-ifs (the same call with another cache state). */
  args: CallEstimateArgs;
  /** Inputs of `cold`, kept to price a warm redo on this same model when one is needed. */
  redoArgs: CallEstimateArgs;
  pSuccess: number;
  expected: number | null;
  localPlan?: string;
  successWhy?: string;
  confirm?: string;
  budgetRemoved?: string;
}

function refOf(id: string): ModelRef | undefined {
  const slash = id.indexOf('/');
  const provider = id.slice(0, slash);
  return slash > 0 && isProviderId(provider) ? { provider, model: id.slice(slash + 1) } : undefined;
}

/** Ranks by expected USD per completed task; unknown prices after priced ones; then speed. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.expected === null && b.expected !== null) return 1;
  if (b.expected === null && a.expected !== null) return -1;
  if (a.expected !== null && b.expected !== null && a.expected !== b.expected) {
    return a.expected - b.expected;
  }
  return a.call.seconds - b.call.seconds;
}

/**
 * Success rate of this task on a model: the model's own outcomes with its tier's rate as the
 * prior (a model that never ran keeps the prior when a tier-mate fails); without a model, the
 * tier's rate (comparing tiers).
 */
export function successFor(
  stats: HistoryStats,
  taskType: TaskType,
  baseTaskType: TaskType,
  tier: Tier,
  complexity: Complexity,
  model?: string,
): number {
  const rate = (type: TaskType) =>
    model ? successOf(stats.success, model, tier, type).p : stats.success[type][tier].p;
  let p = rate(taskType);
  // A long conversation does not make the underlying work easier.
  if (taskType === 'long-context' && baseTaskType !== 'long-context') {
    p = Math.min(p, rate(baseTaskType));
  }
  return adjustForComplexity(p, tier, complexity);
}

/** Every configured model once, in tier order, plus a forced model that is in no tier. */
function modelList(
  config: Config,
  forced: string | undefined,
): { id: string; tier: Tier | null }[] {
  const seen = new Set<string>();
  const list: { id: string; tier: Tier | null }[] = [];
  for (const tier of TIERS) {
    for (const id of tierModels(config, tier)) {
      if (seen.has(id)) continue;
      seen.add(id);
      list.push({ id, tier });
    }
  }
  if (forced && !seen.has(forced)) list.push({ id: forced, tier: null });
  return list;
}

/** What every candidate of one turn is estimated against. */
export interface TurnFacts {
  input: RouteInput;
  ctx: RouteContext;
  now: number;
  counted: RequestTokens;
  stats: HistoryStats;
  classification: Classification;
  /** Output per call in plain-model units: what this kind of work writes, scaled by its size. */
  output: { p50: number; p90: number };
  budget: BudgetInput;
  /** The user's own choice for prompts like this one, when there is one. */
  pastChoice?: PastChoice;
  /** The tier this retry may not go below (route-choice.ts retryFloorFor), when it is one. */
  retryFloor?: Tier;
}

/**
 * Estimates every configured model (and a forced one outside the tiers) for this turn: tokens,
 * prompt-cache state, USD, seconds, p(success); marks what constraints and the budget forbid.
 */
export function estimateCandidates(turn: TurnFacts, requestedModel?: string): Candidate[] {
  const { input, ctx, now, counted, stats, output, budget } = turn;
  const { config, session } = ctx;
  const { taskType, baseTaskType, complexity } = turn.classification;
  const messages = input.messages ?? [];
  const localKeepAlive = keepAliveMs(config.local.keepAlive);
  const watts = ctx.localWatts ?? config.local.defaultWatts;
  const candidates: Candidate[] = [];
  for (const { id, tier } of modelList(config, requestedModel)) {
    const ref = refOf(id);
    if (!ref) continue;
    const effectiveTier: Tier = tier ?? (ref.provider === 'ollama' ? 3 : 1);
    const local: LocalCallFacts | undefined =
      ref.provider === 'ollama'
        ? {
            resident: ctx.local?.resident(ref.model) ?? false,
            loadSeconds: ctx.local?.loadSeconds(ref.model) ?? 0,
            watts,
            usdPerKwh: config.local.energyUsdPerKwh,
            keepAliveMs: localKeepAlive,
          }
        : undefined;
    const policy = cachePolicy(ref, localKeepAlive, config.cache.ttl);
    // A local KV cache only survives while the model stays loaded.
    const warm =
      ref.provider === 'ollama' && !local?.resident
        ? 0
        : session.warmPrefix(id, { messages, counted }, now, policy.ttlMs);
    const base: CallEstimateArgs = {
      ref,
      cacheTtl: config.cache.ttl,
      rawInputTokens: counted.total,
      rawWarmPrefix: warm,
      output,
      stats,
      prices: config.prices,
      local,
      now,
    };
    const call = estimateCall(base);
    // A redo reads the whole context again, plus the failed attempt's answer: cold on another
    // model, and the model is loaded by then.
    const redoArgs: CallEstimateArgs = {
      ...base,
      rawInputTokens: counted.total + output.p50,
      rawWarmPrefix: 0,
      local: local && { ...local, resident: true },
    };
    const cold = estimateCall(redoArgs);
    const unavailable = unavailableReason({
      ref,
      tokensNeeded: call.inputTokens + call.outputTokensP90,
      hasKey: ctx.hasKey,
      local: ctx.local,
      localUnavailableReason: ctx.localUnavailableReason,
      cooldown: ctx.cooldown,
      needsTools: (input.tools?.length ?? 0) > 0,
      now,
    });
    const pSuccess = successFor(stats, taskType, baseTaskType, effectiveTier, complexity, id);
    // Complexity 3 is the prior's own level: the rate before the turn's complexity moved it.
    const before = successFor(stats, taskType, baseTaskType, effectiveTier, 3, id);
    const localPlan =
      ref.provider === 'ollama' && unavailable === undefined
        ? ctx.local?.planLine?.(ref.model, numCtxBucket(call.inputTokens + call.outputTokensP90))
        : undefined;
    const candidate: Candidate = {
      ref,
      id,
      ...(localPlan ? { localPlan } : {}),
      successWhy: explainSuccess(stats, id, effectiveTier, taskType, new Date(now), {
        p: pSuccess,
        before,
        complexity,
      }),
      tier,
      effectiveTier,
      unavailable,
      call,
      cold,
      args: base,
      redoArgs,
      pSuccess,
      expected: null,
    };
    const verdict = budgetVerdict(budget, { model: id, usdP90: call.usdP90 });
    if (verdict.kind === 'confirm') candidate.confirm = verdict.reason;
    if (verdict.kind === 'remove') {
      candidate.budgetRemoved = verdict.reason;
      candidate.unavailable ??= verdict.reason;
    }
    candidates.push(candidate);
  }
  return candidates;
}

/**
 * Sets each candidate's expected USD per completed task: its own call, then up to two redos up
 * the escalation ladder, each on the cheapest available model of the next tier, read cold.
 */
export function priceCandidates(candidates: Candidate[], counted: RequestTokens): void {
  // The model a failed turn would be redone on, per tier: the cheapest available one, cold.
  const redoModel = new Map<Tier, Candidate>();
  for (const c of candidates) {
    if (c.tier === null || c.unavailable !== undefined) continue;
    const best = redoModel.get(c.tier);
    if (!best || (c.cold.usdP50 ?? Infinity) < (best.cold.usdP50 ?? Infinity))
      redoModel.set(c.tier, c);
  }
  const redoAt = (from: Tier): Candidate | undefined => {
    let tier = from;
    for (let i = 0; i < 3; i++) {
      tier = ESCALATION[tier];
      const found = redoModel.get(tier);
      if (found) return found;
      if (tier === 0) break;
    }
    return undefined;
  };
  for (const c of candidates) {
    const redos: Attempt[] = [];
    let from = c.effectiveTier;
    let previous = c;
    for (let level = 0; level < 2; level++) {
      const next = redoAt(from) ?? previous;
      // Redoing on the model that just failed finds its own prompt cache warm.
      const usdRedo =
        next === previous
          ? estimateCall({ ...next.redoArgs, rawWarmPrefix: counted.total }).usdP50
          : next.cold.usdP50;
      redos.push({ usd: usdRedo, pSuccess: next.pSuccess });
      previous = next;
      from = next.effectiveTier;
    }
    c.expected = expectedUsdPerTask({ usd: c.call.usdP50, pSuccess: c.pSuccess }, redos);
  }
}
