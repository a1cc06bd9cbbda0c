import type { Config, RoutingRule } from '../config/schema.js';
import type { Message, ToolSpec } from '../core/message.js';
import type { TaskType } from '../core/task.js';
import { TIER_NAMES, type Tier } from '../core/tier.js';
import type { RouteRequest, Routing } from '../router/context.js';
import type { RouterSession } from '../router/session.js';
import { ruleFromOverride } from '../router/table.js';
import { classificationOf } from '../router/model-policy.js';
import type {
  Classification,
  RouteDecision,
  RouteOverride,
  SessionFacts,
} from '../router/types.js';
import type { DelegatePlan } from '../delegate/session.js';
import { usd } from '../present/units.js';
import { explainDecision, toProposal } from './route-view.js';
import { KirikaeError } from '../core/errors.js';
import { resolveModel } from './resolve-model.js';
import type { Notice, OverrideScope, RouteProposal } from './types.js';

/** A decision waiting on the card (or auto-accepted). */
export interface PendingRoute {
  decision: RouteDecision;
  prompt: string;
  /** Delegate mode for this turn (the planner gets a `delegate` tool). */
  delegate?: DelegatePlan;
  override?: RouteOverride;
  escalation?: RouteProposal['escalation'];
}

export type CardChange =
  { proposal: RouteProposal; notice?: undefined } | { proposal?: undefined; notice: Notice };

export interface RouteFlowDeps {
  routing: Routing;
  router: RouterSession;
  config: () => Config;
  /** Saves a routing rule to the config file; returns an error message when it could not. */
  saveRule(rule: RoutingRule): string | undefined;
  notify(level: Notice['level'], text: string): void;
  /** What the conversation says about the next prompt (the task it continues). */
  facts?: () => SessionFacts;
  /** Tools the next turn sends beyond the usual ones (delegate mode's `delegate` tool). */
  extraTools?: () => readonly ToolSpec[];
}

/**
 * The route card's logic: propose a route, pick another tier or model from the decision's own
 * options (a key press never re-runs the router), remember per-session choices, and decide
 * whether the card may be skipped.
 */
export class RouteFlow {
  private turnOverride: RouteOverride | undefined;
  private sessionOverride: RouteOverride | undefined;
  private readonly sessionRules = new Map<TaskType, RouteOverride>();
  private autoAccept = false;
  /** The last decision, for /route. */
  last: RouteDecision | undefined;

  constructor(private readonly deps: RouteFlowDeps) {}

  /** Every decision of the card, with the conversation's facts. */
  private decide(request: RouteRequest): RouteDecision {
    const facts = this.deps.facts?.();
    const extraTools = this.deps.extraTools?.() ?? [];
    return this.deps.routing.decide({
      ...request,
      ...(facts && Object.keys(facts).length ? { facts } : {}),
      ...(extraTools.length ? { extraTools } : {}),
    });
  }

  /** Decides a prompt's route; `auto` says whether it may run without showing the card. */
  propose(
    prompt: string,
    messages: readonly Message[],
    classification?: Classification,
  ): { pending: PendingRoute; proposal: RouteProposal; auto: boolean } {
    this.deps.router.setOverride(this.sessionOverride);
    const asked = { prompt, messages, ...(classification ? { classification } : {}) };
    const draft = this.decide(asked);
    // A session rule from `a` for this task type acts like a turn override.
    const override = this.turnOverride ?? this.sessionRules.get(draft.taskType);
    this.turnOverride = undefined;
    const decision = override ? this.decide({ ...asked, override }) : draft;
    this.last = decision;
    return {
      pending: { decision, prompt, ...(override ? { override } : {}) },
      proposal: toProposal(prompt, decision),
      auto: this.mayAutoAccept(decision, override),
    };
  }

  /**
   * Delegate mode plans on tier 0 or 1: a route the table put lower is decided again on tier 1,
   * unless the user chose the route (a turn or session override stands).
   */
  asPlanner(
    routed: { pending: PendingRoute; proposal: RouteProposal; auto: boolean },
    messages: readonly Message[],
  ): { pending: PendingRoute; proposal: RouteProposal; auto: boolean } {
    const { pending } = routed;
    const tier = pending.decision.chosen.tier;
    if (pending.override || this.sessionOverride || tier === 0 || tier === 1) return routed;
    const own = tier === null ? 'no tier' : `tier ${tier} (${TIER_NAMES[tier]})`;
    const override = {
      tier: 1 as const,
      why: `delegate mode: the planner runs on tier 1 (standard); alone, this would go to ${own}`,
    };
    const decision = this.decide({ prompt: pending.prompt, messages, override });
    this.last = decision;
    return {
      pending: { ...pending, decision },
      proposal: toProposal(pending.prompt, decision),
      auto: this.mayAutoAccept(decision, undefined),
    };
  }

  /** The same prompt decided again with a better classification; the turn's override is kept. */
  reclassify(
    pending: PendingRoute,
    messages: readonly Message[],
    classification: Classification,
  ): { pending: PendingRoute; proposal: RouteProposal; auto: boolean } {
    const { prompt, override } = pending;
    const decision = this.decide({
      prompt,
      messages,
      classification,
      ...(override ? { override } : {}),
    });
    this.last = decision;
    return {
      pending: { ...pending, decision },
      proposal: toProposal(prompt, decision),
      auto: this.mayAutoAccept(decision, override),
    };
  }

  /**
   * The card is skipped for a route that is available and needs no budget confirmation, when
   * the user asked for it (/auto, --model, a session rule) or the config's thresholds allow it.
   * An explicit choice that cannot run is never swapped for another model without the card.
   */
  private mayAutoAccept(decision: RouteDecision, override: RouteOverride | undefined): boolean {
    const c = decision.chosen;
    if (!c.available || c.needsConfirmation) return false;
    const forced = override?.model ?? this.sessionOverride?.model;
    if (forced && forced !== c.model) return false;
    const forcedTier = override?.tier ?? this.sessionOverride?.tier;
    if (!forced && forcedTier !== undefined && c.tier !== forcedTier) return false;
    if (this.autoAccept || override || this.sessionOverride) return true;
    const { confirm } = this.deps.config();
    if (confirm.autoAcceptLocal && c.model.startsWith('ollama/')) return true;
    return c.estimate.usdP90 !== null && c.estimate.usdP90 < confirm.autoAcceptBelowUsd;
  }

  /** `0`–`4`: the best available model of that tier, else its first model with why it cannot run. */
  selectTier(proposal: RouteProposal, tier: Tier): CardChange {
    const models = this.deps.config().tiers[String(tier) as '0'];
    if (!models.length) {
      return { notice: { level: 'warn', text: `Tier ${tier} has no models in the config` } };
    }
    const available = proposal.options.findIndex((o) => o.tier === tier && o.available);
    const any = proposal.options.findIndex((o) => o.tier === tier);
    const selected = available >= 0 ? available : any;
    if (selected < 0) {
      return { notice: { level: 'warn', text: `Tier ${tier} has no model that can be priced` } };
    }
    return { proposal: { ...proposal, selected } };
  }

  /** `←`/`→`: the previous or next model of the selected option's tier. */
  cycleModel(proposal: RouteProposal, direction: -1 | 1): CardChange {
    const current = proposal.options[proposal.selected]!;
    const models =
      current.tier === null ? [] : this.deps.config().tiers[String(current.tier) as '0'];
    if (models.length < 2) {
      return {
        notice: {
          level: 'info',
          text: `Tier ${current.tier ?? '-'} has one model; 0–4 picks another tier`,
        },
      };
    }
    const at = Math.max(0, models.indexOf(current.model));
    for (let step = 1; step < models.length; step++) {
      const next = models[(at + direction * step + models.length * step) % models.length]!;
      const index = proposal.options.findIndex((o) => o.model === next);
      if (index >= 0) return { proposal: { ...proposal, selected: index } };
    }
    return { notice: { level: 'info', text: `No other model of tier ${current.tier} is priced` } };
  }

  /** `a`: this route for this task type for the rest of the session; `A` also saves the rule. */
  always(proposal: RouteProposal, save: boolean): void {
    const option = proposal.options[proposal.selected]!;
    this.sessionRules.set(proposal.taskType, {
      model: option.model,
      ...(option.tier !== null ? { tier: option.tier } : {}),
    });
    if (!save) {
      this.deps.notify(
        'info',
        `${proposal.taskType} → ${option.model} for the rest of this session`,
      );
      return;
    }
    const problem = this.deps.saveRule(
      ruleFromOverride(proposal.taskType, { model: option.model }),
    );
    this.deps.notify(
      problem ? 'error' : 'info',
      problem
        ? `Could not save the rule: ${problem}`
        : `Saved: ${proposal.taskType} → ${option.model} (config routing.rules)`,
    );
  }

  setOverride(override: RouteOverride | undefined, scope: OverrideScope): void {
    if (scope === 'turn') this.turnOverride = override;
    else {
      this.sessionOverride = override;
      // At once, not at the next prompt: a gateway in this process routes by it too.
      this.deps.router.setOverride(override);
    }
  }

  /** The session override as the header shows it. */
  describeOverride(): string | undefined {
    const o = this.sessionOverride;
    return o?.model ?? (o?.tier !== undefined ? `tier ${o.tier}` : undefined);
  }

  /** /model and --model: the id is checked, the override set and announced. */
  overrideModel(model: string | undefined, scope: OverrideScope): void {
    try {
      // The CLI's check: a typo never becomes a paid request to a wrong or unpriced model.
      if (model) resolveModel(model, this.deps.config());
    } catch (error) {
      this.deps.notify('error', error instanceof KirikaeError ? error.describe() : String(error));
      return;
    }
    this.announce(model ? { model } : undefined, scope, `Model ${model}`);
  }

  /** /tier and --tier. */
  overrideTier(tier: Tier | undefined, scope: OverrideScope): void {
    this.announce(tier === undefined ? undefined : { tier }, scope, `Tier ${tier}`);
  }

  private announce(override: RouteOverride | undefined, scope: OverrideScope, what: string): void {
    this.setOverride(override, scope);
    const span = scope === 'turn' ? 'the next turn' : 'this session';
    this.deps.notify('info', override ? `${what} for ${span}` : 'Back to automatic routing');
  }

  setAutoAccept(on: boolean): void {
    this.autoAccept = on;
    this.deps.notify(
      'info',
      on
        ? 'Routes are accepted without the card (/auto off to ask again)'
        : 'The route card is shown before each turn',
    );
  }

  /** /route: why the last turn went where it went. */
  explainLast(): void {
    if (!this.last) {
      this.deps.notify('info', 'No route yet: send a prompt first (or try `kirikae route "…"`)');
      return;
    }
    for (const line of explainDecision(this.last)) this.deps.notify('info', line);
  }

  /**
   * The card after failed tests: the escalation's model, priced for the retry prompt. The retry
   * is the failed task again, so it keeps that turn's classification: read afresh, the failure
   * summary in the retry prompt made a quick fix's card say "bugfix" under a "quick-fix" header.
   */
  proposeRetry(
    prompt: string,
    messages: readonly Message[],
    failed: RouteDecision,
    model: string,
    escalation: NonNullable<RouteProposal['escalation']>,
  ): { pending: PendingRoute; proposal: RouteProposal } {
    const override = { model };
    const classification = classificationOf(failed);
    const decision = this.decide({ prompt, messages, override, classification });
    this.last = decision;
    return {
      pending: { decision, prompt, override, escalation },
      proposal: { ...toProposal(prompt, decision), escalation },
    };
  }

  /** The cheapest available model of a tier for a prompt, priced (the escalation's estimate). */
  estimateOn(prompt: string, messages: readonly Message[], tier: Tier, failed?: RouteDecision) {
    const classification = failed ? { classification: classificationOf(failed) } : {};
    const d = this.decide({ prompt, messages, override: { tier }, ...classification });
    return d.chosen.available
      ? { model: d.chosen.model, usd: d.chosen.estimate.usdP50 }
      : undefined;
  }
}

/** The notice line an auto-accepted route leaves in the transcript. */
export function autoAcceptedLine(decision: RouteDecision): string {
  const c = decision.chosen;
  return `→ ${c.model} (tier ${c.tier ?? '-'}, ${decision.taskType}) ~${usd(c.estimate.usdP50)} · auto-accepted`;
}
