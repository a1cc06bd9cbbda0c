import { KirikaeError } from '../core/errors.js';
import { TIER_NAMES, type Tier } from '../core/tier.js';
import { isLocalRoute } from './budget.js';
import { PRIOR_STRENGTH, priorIsStated } from './calibration.js';
import { percent } from './format.js';
import {
  compareCandidates,
  successFor,
  type Candidate,
  type TurnFacts,
} from './route-candidates.js';
import { adjacentTiers, CAPABILITY, chooseTier, type TierChoice } from './table.js';
import type { Config } from '../config/schema.js';
import type { Classification, SessionFacts } from './types.js';

/**
 * A cheaper neighbour tier is considered only when its success rate for this task is within
 * this distance of the table tier's: the table is the user's intent, and moving off it needs
 * evidence (calibration) that the cheaper tier does this work about as well.
 */
export const CHEAPER_TIER_TOLERANCE = 0.05;

/**
 * Outcomes of the user's own (tests, finished tasks) of this task type on the cheaper tier
 * before it is considered, unless the user set its prior (`routing.successPriors`): as many as
 * the built-in prior is worth. The table is fitted to what a careful engineer accepts
 * (docs/router.md); the built-in priors are guesses, and on them alone the rule moved 127 of
 * the corpus's 1,963 prompts off the table, 100 of them to a tier their labels do not accept
 * (every chat question to the local coder model).
 */
export const CHEAPER_TIER_EVIDENCE = PRIOR_STRENGTH;

/** Stage 0: which tier (or model) the table, a saved rule or an override asks for. */
export function firstChoice(turn: TurnFacts): TierChoice {
  const { taskType, complexity } = turn.classification;
  return chooseTier({
    config: turn.ctx.config,
    taskType,
    complexity,
    turnOverride: turn.input.override,
    sessionOverride: turn.ctx.session.override,
    ...(turn.pastChoice ? { pastChoice: turn.pastChoice } : {}),
    ...retryFloor(turn),
  });
}

/**
 * The tier a retry may not go below: the failed attempt's (`facts.failedTier`), unless the turn
 * asks a question (`chat`, `research`: they change no code, so they redo nothing) or the user's
 * `routing.table` sets this task type's tier (their stated policy). Overrides, saved rules and
 * past choices are settled before it (chooseTier); route() does not look past choices up for a
 * retry.
 */
export function retryFloorFor(
  facts: SessionFacts | undefined,
  classification: Pick<Classification, 'taskType' | 'baseTaskType'>,
  config: Config,
): Tier | undefined {
  const tier = facts?.failedTier;
  if (tier === undefined) return undefined;
  if (classification.baseTaskType === 'chat' || classification.baseTaskType === 'research')
    return undefined;
  if (config.routing.table[classification.taskType] !== undefined) return undefined;
  return tier;
}

function retryFloor(turn: TurnFacts): { retryFloor?: Tier } {
  return turn.retryFloor === undefined ? {} : { retryFloor: turn.retryFloor };
}

/**
 * Under a `block` budget the tier a retry was raised to may have no route left (the failed
 * attempt often spent the budget): the table's own tier runs it rather than nothing, and a
 * warning says so.
 */
export function settleRetryFloor(
  choice: TierChoice,
  candidates: readonly Candidate[],
  warnings: string[],
): TierChoice {
  if (choice.raisedFrom === undefined) return choice;
  const atFloor = candidates.filter((c) => c.effectiveTier === choice.tier);
  if (!atFloor.length || !atFloor.every((c) => c.budgetRemoved !== undefined)) return choice;
  warnings.push(
    `the budget leaves no route on tier ${choice.tier} (${TIER_NAMES[choice.tier]}), where the last attempt failed; retrying on the table's tier ${choice.raisedFrom} (${TIER_NAMES[choice.raisedFrom]})`,
  );
  return { tier: choice.raisedFrom, source: choice.source };
}

/**
 * A forced model that cannot run now: say why (into `warnings`) and route as if that layer of
 * overrides were not there.
 */
export function settleForcedModel(
  turn: TurnFacts,
  first: TierChoice,
  candidates: readonly Candidate[],
  warnings: string[],
): TierChoice {
  const { taskType, complexity } = turn.classification;
  let choice = first;
  for (let guard = 0; guard < 3 && choice.model; guard++) {
    const forced = candidates.find((c) => c.id === choice.model);
    if (forced && forced.unavailable === undefined) break;
    warnings.push(
      `${choice.model} unavailable (${forced?.unavailable ?? 'not a known model'}); routing normally`,
    );
    choice = chooseTier({
      config: turn.ctx.config,
      taskType,
      complexity,
      turnOverride: choice.source === 'turn-override' ? undefined : turn.input.override,
      sessionOverride:
        choice.source === 'turn-override' || choice.source === 'session-override'
          ? undefined
          : turn.ctx.session.override,
      skipRules: true,
      ...retryFloor(turn),
    });
  }
  return choice;
}

/** Stage 3: which route runs, and what the explanation needs to know about how it was found. */
export interface RouteChoice {
  choice: TierChoice;
  tableTier: Tier;
  forcedModel: string | undefined;
  eligible: Set<Tier>;
  /** Why cheaper neighbour tiers were left out (shown when the table tier is taken). */
  skippedTiers: string[];
  /** The budget took paid routes away and its action is `local-only`. */
  localOnly: boolean;
  inScope: (c: Candidate) => boolean;
  /** Every candidate, cheapest per completed task first. */
  ranked: Candidate[];
  available: Candidate[];
  /** The route to take; undefined when nothing in reach can run. */
  chosen: Candidate | undefined;
  /** What is shown when nothing can run: the best route, unavailable. */
  pick: Candidate;
  /** Said before the pick's cost line ("no available route in tier 1 …"). */
  reasons: string[];
  /** "No route available for this turn …", when nothing can run. */
  warnings: string[];
}

/**
 * Picks the cheapest route per completed task among the table tier and the neighbours the task
 * allows; with nothing there, the nearest capability that can run (unless the budget blocks).
 */
export function chooseRoute(
  turn: TurnFacts,
  choice: TierChoice,
  candidates: readonly Candidate[],
): RouteChoice {
  const { ctx, input, stats } = turn;
  const { config, session } = ctx;
  const { taskType, baseTaskType, complexity } = turn.classification;
  const forcedModel = choice.model;
  const tableTier = choice.tier;
  const reasons: string[] = [];
  const warnings: string[] = [];

  // Which tiers may serve this turn.
  const pAt = (tier: Tier) => successFor(stats, taskType, baseTaskType, tier, complexity);
  const eligible = new Set<Tier>([tableTier]);
  // The floor, unless the budget took it away (settleRetryFloor): no weaker neighbour below it.
  const floor = turn.retryFloor;
  const failed =
    floor !== undefined && CAPABILITY[tableTier] >= CAPABILITY[floor] ? floor : undefined;
  const skippedTiers: string[] = [];
  const forcedTier =
    choice.source.endsWith('override') ||
    choice.source === 'rule' ||
    choice.source === 'past-choice';
  if (!forcedTier) {
    for (const tier of adjacentTiers(tableTier)) {
      if (CAPABILITY[tier] > CAPABILITY[tableTier]) {
        // A stronger tier when the task is hard, an attempt already failed, or the session is
        // warm on it (switching away would throw its prompt cache away).
        const warmHere = candidates.some(
          (c) => c.tier === tier && c.id === session.lastModel && !c.call.coldCache,
        );
        // A retry may also climb one tier (the failed attempt's tier may be below the table's).
        const retry = input.facts?.followUpOfFailure || failed !== undefined;
        if (complexity >= 4 || retry || warmHere) eligible.add(tier);
      } else if (failed !== undefined && CAPABILITY[tier] < CAPABILITY[failed]) {
        skippedTiers.push(
          `tier ${tier} (${TIER_NAMES[tier]}) not considered: weaker than tier ${failed}, where the last attempt failed`,
        );
      } else if (pAt(tier) >= pAt(tableTier) - CHEAPER_TIER_TOLERANCE) {
        const seen = stats.success[taskType][tier].n;
        // A prior the user set (routing.successPriors) is their word, not the built-in guess.
        const stated = priorIsStated(config.routing.successPriors, taskType, tier);
        if (seen >= CHEAPER_TIER_EVIDENCE || stated) eligible.add(tier);
        else
          skippedTiers.push(
            `tier ${tier} (${TIER_NAMES[tier]}) not considered: its ${percent(pAt(tier))} for ${taskType} is a built-in guess (${Math.round(seen)} of ${CHEAPER_TIER_EVIDENCE} results of yours)`,
          );
      } else {
        skippedTiers.push(
          `tier ${tier} (${TIER_NAMES[tier]}) not considered: p(success) ${percent(pAt(tier))} vs ${percent(pAt(tableTier))} on tier ${tableTier}`,
        );
      }
    }
  }
  const localOnly =
    config.budget.action === 'local-only' && candidates.some((c) => c.budgetRemoved);
  // Once the budget took routes away, any local model may serve, whatever its tier; a free
  // cloud model may not (local-only means Ollama hosts only).
  const inScope = (c: Candidate) =>
    forcedModel
      ? c.id === forcedModel
      : eligible.has(c.effectiveTier) ||
        (localOnly && isLocalRoute(c.id) && c.unavailable === undefined);

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
  return {
    choice,
    tableTier,
    forcedModel,
    eligible,
    skippedTiers,
    localOnly,
    inScope,
    ranked,
    available,
    chosen,
    pick,
    reasons,
    warnings,
  };
}
