import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import { isProviderId, type ModelRef } from '../core/model-ref.js';
import type { Complexity, TaskType } from '../core/task.js';
import { TIER_NAMES, TIERS, type Tier } from '../core/tier.js';
import { budgetVerdict, budgetWarnings, isPaidRoute, type BudgetInput } from './budget.js';
import { cachePolicy } from './cache.js';
import { classify, LOW_CONFIDENCE } from './classify.js';
import { numCtxBucket, unavailableReason } from './constraints.js';
import {
  estimateCall,
  keepAliveMs,
  type CallEstimate,
  type CallEstimateArgs,
  type LocalCallFacts,
} from './estimate.js';
import { expectedUsdPerTask, type Attempt } from './expected-cost.js';
import { percent, seconds as fmtSeconds, tokens as fmtTokens, usd } from './format.js';
import { adjustForComplexity, COMPLEXITY_OUTPUT_FACTOR } from './priors.js';
import { explainSuccess, successOf } from './calibration.js';
import type { HistoryStats } from './session.js';
import { adjacentTiers, CAPABILITY, chooseTier, ESCALATION, tierModels } from './table.js';
import { countRequest } from './tokens.js';
import type { RouteContext, RouteDecision, RouteInput, RouteOption } from './types.js';

/**
 * A cheaper neighbour tier is considered only when its success rate for this task is within
 * this distance of the table tier's: the table is the user's intent, and moving off it needs
 * evidence (calibration) that the cheaper tier does this work about as well.
 */
export const CHEAPER_TIER_TOLERANCE = 0.05;

/** Alternatives shown besides the chosen route. */
const MAX_ALTERNATIVES = 3;
const MAX_UNAVAILABLE_SHOWN = 3;

interface Candidate {
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
function compareCandidates(a: Candidate, b: Candidate): number {
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
function successFor(
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

function toOption(c: Candidate): RouteOption {
  const option: RouteOption = {
    model: c.id,
    tier: c.tier,
    available: c.unavailable === undefined,
    coldCache: c.call.coldCache,
    estimate: {
      inputTokens: c.call.inputTokens,
      rawInputTokens: c.call.rawInputTokens,
      cacheReadTokens: c.call.cacheReadTokens,
      cacheWriteTokens: c.call.cacheWriteTokens,
      outputTokens: c.call.outputTokens,
      outputTokensP90: c.call.outputTokensP90,
      usdP50: c.call.usdP50,
      usdP90: c.call.usdP90,
      expectedUsdPerTask: c.expected,
      pSuccess: Math.round(c.pSuccess * 1000) / 1000,
      seconds: Math.round(c.call.seconds * 10) / 10,
    },
  };
  if (c.call.energyUsd !== undefined) option.estimate.energyUsd = c.call.energyUsd;
  if (c.unavailable !== undefined) option.unavailableReason = c.unavailable;
  if (c.confirm) {
    option.needsConfirmation = true;
    option.confirmReason = c.confirm;
  }
  if (c.call.loadSeconds !== undefined)
    option.loadsModel = { seconds: Math.round(c.call.loadSeconds * 10) / 10 };
  if (c.localPlan) option.localPlan = c.localPlan;
  if (c.successWhy) option.successWhy = c.successWhy;
  return option;
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

/**
 * Proposes the route of one turn: classifies it, takes the tier from overrides, rules or the
 * routing table, estimates every configured model (tokens, prompt-cache state, USD p50/p90,
 * seconds, expected USD per completed task), removes what constraints and the budget forbid,
 * and picks the cheapest per completed task among the table tier and the neighbours the task
 * allows. No I/O; the only state it touches is caches (the session's token counts, price curves),
 * and the clock only when `ctx.now` is absent.
 */
export function route(input: RouteInput, ctx: RouteContext): RouteDecision {
  const { config, session } = ctx;
  const now = ctx.now ?? Date.now();
  const messages = input.messages ?? [];
  const counted = countRequest(session.tokens, {
    system: input.system,
    tools: input.tools,
    messages,
    prompt: input.prompt,
  });
  const stats = session.stats(ctx.history, config, ctx.historyVersion);

  const classification =
    input.classification ??
    classify(
      input.prompt,
      { ...input.facts, conversationTokens: input.facts?.conversationTokens ?? counted.total },
      { longContextThreshold: config.routing.longContextThreshold },
    );
  const { taskType, baseTaskType, complexity } = classification;
  const reasons: string[] = [];
  const warnings: string[] = [];

  let choice = chooseTier({
    config,
    taskType,
    complexity,
    turnOverride: input.override,
    sessionOverride: session.override,
  });
  // Output per call in plain-model units: what this kind of work writes, scaled by its size.
  const outputBase = stats.outputTokens[baseTaskType];
  const factor = COMPLEXITY_OUTPUT_FACTOR[complexity];
  const output = { p50: outputBase.p50 * factor, p90: outputBase.p90 * factor };

  const budget: BudgetInput = {
    monthlyUsd: config.budget.monthlyUsd,
    action: config.budget.action,
    warnAt: config.budget.warnAt,
    monthSpendUsd: ctx.monthSpendUsd ?? 0,
  };
  const localKeepAlive = keepAliveMs(config.local.keepAlive);
  const watts = ctx.localWatts ?? config.local.defaultWatts;

  const requestedModel = choice.model;
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
    const localPlan =
      ref.provider === 'ollama' && unavailable === undefined
        ? ctx.local?.planLine?.(ref.model, numCtxBucket(call.inputTokens + call.outputTokensP90))
        : undefined;
    const candidate: Candidate = {
      ref,
      id,
      ...(localPlan ? { localPlan } : {}),
      successWhy: explainSuccess(stats, id, effectiveTier, taskType),
      tier,
      effectiveTier,
      unavailable,
      call,
      cold,
      args: base,
      redoArgs,
      pSuccess: successFor(stats, taskType, baseTaskType, effectiveTier, complexity, id),
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

  // A forced model that cannot run now: say why and route as if that layer were not there.
  for (let guard = 0; guard < 3 && choice.model; guard++) {
    const forced = candidates.find((c) => c.id === choice.model);
    if (forced && forced.unavailable === undefined) break;
    warnings.push(
      `${choice.model} unavailable (${forced?.unavailable ?? 'not a known model'}); routing normally`,
    );
    choice = chooseTier({
      config,
      taskType,
      complexity,
      turnOverride: choice.source === 'turn-override' ? undefined : input.override,
      sessionOverride:
        choice.source === 'turn-override' || choice.source === 'session-override'
          ? undefined
          : session.override,
      skipRules: true,
    });
  }

  const forcedModel = choice.model;

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

  // Which tiers may serve this turn.
  const tableTier = choice.tier;
  const pAt = (tier: Tier) => successFor(stats, taskType, baseTaskType, tier, complexity);
  const eligible = new Set<Tier>([tableTier]);
  const skippedTiers: string[] = [];
  const forcedTier = choice.source.endsWith('override') || choice.source === 'rule';
  if (!forcedTier) {
    for (const tier of adjacentTiers(tableTier)) {
      if (CAPABILITY[tier] > CAPABILITY[tableTier]) {
        // A stronger tier when the task is hard, an attempt already failed, or the session is
        // warm on it (switching away would throw its prompt cache away).
        const warmHere = candidates.some(
          (c) => c.tier === tier && c.id === session.lastModel && !c.call.coldCache,
        );
        if (complexity >= 4 || input.facts?.followUpOfFailure || warmHere) eligible.add(tier);
      } else if (pAt(tier) >= pAt(tableTier) - CHEAPER_TIER_TOLERANCE) {
        eligible.add(tier);
      } else {
        skippedTiers.push(
          `tier ${tier} (${TIER_NAMES[tier]}) not considered: p(success) ${percent(pAt(tier))} vs ${percent(pAt(tableTier))} on tier ${tableTier}`,
        );
      }
    }
  }
  const localOnly =
    config.budget.action === 'local-only' && candidates.some((c) => c.budgetRemoved);
  const inScope = (c: Candidate) =>
    forcedModel
      ? c.id === forcedModel
      : eligible.has(c.effectiveTier) ||
        (localOnly && !isPaidRoute(c.id, c.call.usdP90) && c.unavailable === undefined);

  const ranked = [...candidates].sort(compareCandidates);
  const available = ranked.filter((c) => c.unavailable === undefined);
  let chosen = available.find(inScope);
  // `block` means no paid turn at all: the router does not quietly move to another tier.
  const blockedByBudget =
    config.budget.action === 'block' && candidates.some((c) => inScope(c) && c.budgetRemoved);
  if (!chosen && available.length && !blockedByBudget) {
    // Nearest capability first (stronger before weaker at equal distance), cheapest within it:
    // with no cloud key an architecture turn goes to the strongest tier left, not to the
    // cheapest one.
    const distance = (t: Tier) =>
      Math.abs(CAPABILITY[t] - CAPABILITY[tableTier]) * 2 +
      (CAPABILITY[t] < CAPABILITY[tableTier] ? 1 : 0);
    const nearest = Math.min(...available.map((c) => distance(c.effectiveTier)));
    chosen = available.find((c) => distance(c.effectiveTier) === nearest);
    reasons.push(
      `no available route in tier ${tableTier} (${TIER_NAMES[tableTier]}); nearest available tier`,
    );
  }
  const fallbackChoice =
    ranked.find(inScope) ?? ranked.find((c) => eligible.has(c.effectiveTier)) ?? ranked[0];
  const pick = chosen ?? fallbackChoice;
  if (!pick) {
    throw new KirikaeError('config', 'No models configured in any tier', {
      hint: 'Add models to tiers in the config, e.g. tiers.1 = ["anthropic/claude-sonnet-4-6"]',
    });
  }
  if (!chosen) {
    warnings.push(
      `No route available for this turn: ${pick.id} ${pick.unavailable ?? 'is unavailable'}`,
    );
  }

  // Reasons, most important first.
  const typeText = taskType === baseTaskType ? taskType : `${taskType} (asked: ${baseTaskType})`;
  reasons.unshift(
    `${typeText}, complexity ${complexity}, confidence ${classification.confidence.toFixed(2)}${
      classification.signals.length ? ` [${classification.signals.slice(0, 6).join(', ')}]` : ''
    }`,
  );
  const sourceText: Record<typeof choice.source, string> = {
    table: `routing table: ${taskType} → tier ${tableTier} (${TIER_NAMES[tableTier]})`,
    'long-context':
      baseTaskType === 'long-context'
        ? `routing table: long-context → tier ${tableTier} (${TIER_NAMES[tableTier]})`
        : `conversation of ${fmtTokens(counted.total)} tokens is above ${fmtTokens(config.routing.longContextThreshold)}: long-context route, tier ${tableTier} (${TIER_NAMES[tableTier]})`,
    rule: `saved rule for ${taskType}: ${forcedModel ?? `tier ${tableTier}`}`,
    'session-override': `session override: ${forcedModel ?? `tier ${tableTier}`}`,
    'turn-override': `override for this turn: ${forcedModel ?? `tier ${tableTier}`}`,
  };
  reasons.splice(1, 0, sourceText[choice.source]);
  const est = pick.call;
  reasons.push(
    `${pick.id}: ${usd(pick.expected)} per completed task (own ${usd(est.usdP50)}, p(success) ${percent(pick.pSuccess)})`,
  );
  if (pick.tier !== null && pick.tier !== tableTier) {
    const tableBest = available.find((c) => c.effectiveTier === tableTier);
    reasons.push(
      tableBest
        ? `tier ${pick.tier} beats tier ${tableTier} (${tableBest.id}: ${usd(tableBest.expected)} per task)`
        : `tier ${pick.tier} instead of tier ${tableTier}`,
    );
  }
  const last = session.lastModel;
  if (last && last !== pick.id) {
    const stay = candidates.find((c) => c.id === last);
    if (stay && !stay.call.coldCache) {
      // What the chosen model would cost if it held the same prefix warm: the difference is
      // the price of the switch.
      const warmThere = estimateCall({ ...pick.args, rawWarmPrefix: stay.args.rawWarmPrefix });
      const switchUsd =
        pick.call.usdP50 !== null && warmThere.usdP50 !== null
          ? pick.call.usdP50 - warmThere.usdP50
          : null;
      reasons.push(
        `switching from ${last} costs its warm prompt cache: ${fmtTokens(stay.call.cacheReadTokens)} tokens read cold${
          switchUsd !== null && switchUsd > 0 ? ` (+${usd(switchUsd)})` : ''
        }`,
      );
    }
  } else if (last === pick.id && !pick.call.coldCache) {
    reasons.push(
      `${pick.id} keeps its warm prompt cache (${fmtTokens(est.cacheReadTokens)} tokens read at the cache price)`,
    );
  }
  if (est.cacheWriteTokens > 0 && est.coldCache) {
    reasons.push(
      `cold cache: ${fmtTokens(est.cacheWriteTokens)} tokens written at the cache-write price`,
    );
  }
  if (est.loadSeconds) {
    reasons.push(`${pick.id} is not loaded: ~${fmtSeconds(est.loadSeconds)} to load first`);
  }
  if (pick.ref.provider === 'ollama') {
    reasons.push(
      `runs locally at num_ctx ${numCtxBucket(est.inputTokens + est.outputTokensP90)}; electricity ${usd(est.energyUsd)}`,
    );
  }

  if (chosen && pick.effectiveTier === tableTier) reasons.push(...skippedTiers);

  // Warnings.
  warnings.push(...budgetWarnings(budget));
  if (pick.confirm) warnings.push(`${pick.id}: ${pick.confirm}`);
  if (pick.expected === null && chosen)
    warnings.push(`${pick.id} has no known price: cost unknown`);
  if (classification.confidence < LOW_CONFIDENCE) {
    warnings.push(
      `unsure about the task type (${classification.confidence.toFixed(2)}): check the route`,
    );
  }
  if (
    localOnly &&
    pick.budgetRemoved === undefined &&
    isPaidRoute(pick.id, pick.call.usdP90) === false
  ) {
    reasons.push('budget: paid routes removed (local-only)');
  }

  // Alternatives: the best other route in scope, the best stronger and cheaper ones, then by
  // rank; then why the routes the user might expect are not offered.
  const alternatives: Candidate[] = [];
  const push = (c: Candidate | undefined) => {
    if (c && c !== pick && !alternatives.includes(c) && alternatives.length < MAX_ALTERNATIVES)
      alternatives.push(c);
  };
  const pickCapability = CAPABILITY[pick.effectiveTier];
  push(available.find((c) => inScope(c) && c !== pick));
  push(available.find((c) => CAPABILITY[c.effectiveTier] > pickCapability));
  push(available.find((c) => CAPABILITY[c.effectiveTier] < pickCapability));
  for (const c of available) push(c);
  const unavailableShown = ranked
    .filter(
      (c) =>
        c.unavailable !== undefined &&
        c !== pick &&
        (eligible.has(c.effectiveTier) || c.id === forcedModel),
    )
    .slice(0, MAX_UNAVAILABLE_SHOWN);
  if (unavailableShown.length < MAX_UNAVAILABLE_SHOWN) {
    for (const c of ranked) {
      if (unavailableShown.length >= MAX_UNAVAILABLE_SHOWN) break;
      if (c.unavailable !== undefined && c !== pick && !unavailableShown.includes(c))
        unavailableShown.push(c);
    }
  }

  return {
    taskType,
    complexity,
    confidence: classification.confidence,
    signals: classification.signals,
    classifier: classification.source,
    tableTier,
    source: choice.source,
    chosen: toOption(pick),
    alternatives: [...alternatives, ...unavailableShown].map(toOption),
    options: [pick, ...ranked.filter((c) => c !== pick)].map(toOption),
    reasons,
    warnings,
  };
}

/** What the controller should store in `CallRecord.estimate` for the route it ran. */
export function toCallEstimate(option: RouteOption): {
  inputTokens: number;
  outputTokens: number;
  usdP50?: number;
  usdP90?: number;
} {
  // The raw tokenizer count: learning compares it with real usage to find the family ratio.
  return {
    inputTokens: option.estimate.rawInputTokens,
    outputTokens: option.estimate.outputTokens,
    ...(option.estimate.usdP50 !== null ? { usdP50: option.estimate.usdP50 } : {}),
    ...(option.estimate.usdP90 !== null ? { usdP90: option.estimate.usdP90 } : {}),
  };
}
