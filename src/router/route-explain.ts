import { TIER_NAMES } from '../core/tier.js';
import { budgetWarnings, isLocalRoute } from './budget.js';
import { LOW_CONFIDENCE } from './classify.js';
import { numCtxBucket } from './constraints.js';
import { estimateCall } from './estimate.js';
import { percent, seconds as fmtSeconds, tokens as fmtTokens, usd } from './format.js';
import type { Candidate, TurnFacts } from './route-candidates.js';
import type { RouteChoice } from './route-choice.js';
import { pastChoiceReason } from './past-choices.js';
import { CAPABILITY } from './table.js';
import type { RouteOption } from './types.js';

/** Alternatives shown besides the chosen route. */
const MAX_ALTERNATIVES = 3;
const MAX_UNAVAILABLE_SHOWN = 3;

export function toOption(c: Candidate): RouteOption {
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

/** Stage 4: why this route, most important first. */
export function routeReasons(
  turn: TurnFacts,
  r: RouteChoice,
  candidates: readonly Candidate[],
): string[] {
  const { classification, ctx, counted } = turn;
  const { taskType, baseTaskType, complexity } = classification;
  const { config, session } = ctx;
  const { pick, tableTier, forcedModel, choice } = r;
  const typeText = taskType === baseTaskType ? taskType : `${taskType} (asked: ${baseTaskType})`;
  // The table's own tier: a retry may have raised the route's (told on the next line).
  const own = choice.raisedFrom ?? tableTier;
  const sourceText: Record<typeof choice.source, string> = {
    table: `routing table: ${taskType} → tier ${own} (${TIER_NAMES[own]})`,
    'long-context':
      baseTaskType === 'long-context'
        ? `routing table: long-context → tier ${own} (${TIER_NAMES[own]})`
        : `conversation of ${fmtTokens(counted.total)} tokens is above ${fmtTokens(config.routing.longContextThreshold)}: long-context route, tier ${own} (${TIER_NAMES[own]})`,
    rule: `saved rule for ${taskType}: ${forcedModel ?? `tier ${tableTier}`}`,
    'past-choice': turn.pastChoice
      ? pastChoiceReason(turn.pastChoice, TIER_NAMES[tableTier])
      : `follows your past choices: tier ${tableTier} (${TIER_NAMES[tableTier]})`,
    'session-override': `session override: ${forcedModel ?? `tier ${tableTier}`}`,
    'turn-override':
      turn.input.override?.why ?? `override for this turn: ${forcedModel ?? `tier ${tableTier}`}`,
  };
  const reasons: string[] = [
    `${typeText}, complexity ${complexity}, confidence ${classification.confidence.toFixed(2)}${
      classification.signals.length ? ` [${classification.signals.slice(0, 6).join(', ')}]` : ''
    }`,
    sourceText[choice.source],
    ...(choice.raisedFrom === undefined
      ? []
      : [
          `retry after a failed attempt on tier ${tableTier} (${TIER_NAMES[tableTier]}): not down to the table's tier ${choice.raisedFrom} (${TIER_NAMES[choice.raisedFrom]})`,
        ]),
    ...r.reasons,
    // Why a cheaper neighbour was not taken comes before the pick's price: the card shows three
    // reasons, and its own cost line already says what the pick costs.
    ...(r.chosen && pick.effectiveTier === tableTier ? r.skippedTiers : []),
  ];
  const est = pick.call;
  reasons.push(
    `${pick.id}: ${usd(pick.expected)} per completed task (own ${usd(est.usdP50)}, p(success) ${percent(pick.pSuccess)})`,
  );
  if (pick.tier !== null && pick.tier !== tableTier) {
    const tableBest = r.available.find((c) => c.effectiveTier === tableTier);
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
  if (r.localOnly && pick.budgetRemoved === undefined && isLocalRoute(pick.id)) {
    reasons.push('budget: cloud routes removed (local-only: Ollama hosts only)');
  }
  return reasons;
}

/** Stage 4: what the user should check before accepting (after the choice's own warnings). */
export function routeWarnings(turn: TurnFacts, r: RouteChoice): string[] {
  const { pick } = r;
  const warnings = [...budgetWarnings(turn.budget)];
  if (pick.confirm) warnings.push(`${pick.id}: ${pick.confirm}`);
  if (pick.expected === null && r.chosen)
    warnings.push(`${pick.id} has no known price: cost unknown`);
  if (turn.classification.confidence < LOW_CONFIDENCE) {
    warnings.push(
      `unsure about the task type (${turn.classification.confidence.toFixed(2)}): check the route`,
    );
  }
  return warnings;
}

/**
 * The best other route in scope, the best stronger and cheaper ones, then by rank; then why the
 * routes the user might expect are not offered.
 */
export function alternativesOf(r: RouteChoice): Candidate[] {
  const { pick, available, ranked, inScope, eligible, forcedModel } = r;
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
  return [...alternatives, ...unavailableShown];
}
