import { classify } from './classify.js';
import { COMPLEXITY_OUTPUT_FACTOR } from './priors.js';
import { estimateCandidates, priceCandidates, type TurnFacts } from './route-candidates.js';
import {
  chooseRoute,
  firstChoice,
  retryFloorFor,
  settleForcedModel,
  settleRetryFloor,
} from './route-choice.js';
import { alternativesOf, routeReasons, routeWarnings, toOption } from './route-explain.js';
import { pastChoiceFor } from './past-choices.js';
import { countRequest } from './tokens.js';
import type { RouteContext, RouteDecision, RouteInput, RouteOption } from './types.js';

export { CHEAPER_TIER_TOLERANCE } from './route-choice.js';

/**
 * Proposes the route of one turn, in stages:
 * 1. classify (unless a classification is given) and take the tier from overrides, rules or the
 *    routing table (`route-choice.ts firstChoice`);
 * 2. estimate every configured model — tokens, prompt-cache state, USD p50/p90, seconds,
 *    p(success) — and mark what constraints and the budget forbid (`route-candidates.ts`);
 * 3. price each per completed task, redos included, and settle a forced model that cannot run;
 * 4. pick the cheapest per completed task among the table tier and the neighbours the task
 *    allows (`route-choice.ts chooseRoute`);
 * 5. explain: reasons, warnings, alternatives (`route-explain.ts`).
 * No I/O; the only state it touches is caches (the session's token counts, price curves), and
 * the clock only when `ctx.now` is absent.
 */
export function route(input: RouteInput, ctx: RouteContext): RouteDecision {
  const { config, session } = ctx;
  const now = ctx.now ?? Date.now();
  const counted = countRequest(session.tokens, {
    system: input.system,
    tools: input.tools,
    messages: input.messages ?? [],
    prompt: input.prompt,
  });
  const stats = ctx.learned ?? session.stats(ctx.history, config, ctx.historyVersion);
  const classification =
    input.classification ??
    classify(
      input.prompt,
      { ...input.facts, conversationTokens: input.facts?.conversationTokens ?? counted.total },
      { longContextThreshold: config.routing.longContextThreshold },
    );
  // A vague follow-up ("ok do it") follows its task: the same words chose a tier for another
  // task before, and say nothing about this one.
  const followUp = classification.signals.includes('continues-previous');
  // A retry goes no lower than the tier that failed: a remembered choice for similar prompts is
  // not the user's decision about this retry.
  const retryFloor = retryFloorFor(input.facts, classification, config);
  const pastChoice =
    ctx.overrides?.length && !followUp && retryFloor === undefined
      ? pastChoiceFor(ctx.overrides, input.prompt, input.facts)
      : undefined;
  const outputBase = stats.outputTokens[classification.baseTaskType];
  const factor = COMPLEXITY_OUTPUT_FACTOR[classification.complexity];
  const turn: TurnFacts = {
    input,
    ctx,
    now,
    counted,
    stats,
    classification,
    output: { p50: outputBase.p50 * factor, p90: outputBase.p90 * factor },
    budget: {
      monthlyUsd: config.budget.monthlyUsd,
      action: config.budget.action,
      warnAt: config.budget.warnAt,
      monthSpendUsd: ctx.monthSpendUsd ?? 0,
    },
    ...(pastChoice ? { pastChoice } : {}),
    ...(retryFloor !== undefined ? { retryFloor } : {}),
  };

  const first = firstChoice(turn);
  const candidates = estimateCandidates(turn, first.model);
  const settleWarnings: string[] = [];
  const choice = settleRetryFloor(
    settleForcedModel(turn, first, candidates, settleWarnings),
    candidates,
    settleWarnings,
  );
  priceCandidates(candidates, counted);
  const chosen = chooseRoute(turn, choice, candidates);
  const { pick, ranked } = chosen;

  return {
    taskType: classification.taskType,
    complexity: classification.complexity,
    confidence: classification.confidence,
    signals: classification.signals,
    // A tier the user chose (an override, a saved rule) is followed whatever the task type is.
    // One forced for another reason (delegate mode's planner tier) still shows whose
    // classification it was: the user chose nothing.
    classifier:
      choice.source === 'table' || choice.source === 'long-context' || input.override?.why
        ? classification.source
        : 'override',
    tableTier: chosen.tableTier,
    ...(choice.raisedFrom !== undefined ? { raisedFrom: choice.raisedFrom } : {}),
    source: choice.source,
    ...(choice.source === 'past-choice' && pastChoice
      ? { followsPastChoice: { count: pastChoice.count, tier: pastChoice.tier } }
      : {}),
    chosen: toOption(pick),
    alternatives: alternativesOf(chosen).map(toOption),
    options: [pick, ...ranked.filter((c) => c !== pick)].map(toOption),
    reasons: routeReasons(turn, chosen, candidates),
    warnings: [...settleWarnings, ...chosen.warnings, ...routeWarnings(turn, chosen)],
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
