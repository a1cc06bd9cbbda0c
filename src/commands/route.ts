import type { Config } from '../config/schema.js';
import { isKirikaeError } from '../core/errors.js';
import { parseModelRef } from '../core/model-ref.js';
import { TIER_NAMES, isTier } from '../core/tier.js';
import { percent, seconds, tokens, usd } from '../router/format.js';
import type { RouteRequest, Routing } from '../router/context.js';
import { askModel, classificationOf } from '../router/model-policy.js';
import type { ClassifierCall, ModelVerdict } from '../router/model-classify.js';
import type { CallRecord } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import { verdictLine } from '../session/classifier-call.js';
import type { Classification, RouteDecision, RouteOption, RouteOverride } from '../router/types.js';
import type { CommandIO } from './io.js';

export interface RouteArgs {
  prompt: string;
  json?: boolean;
  /** Force a model (`provider/model`) for this prompt. */
  model?: string;
  /** Force a tier 0–4 for this prompt. */
  tier?: number;
}

/** The JSON shape of one route: the fields the brief fixes, plus availability. */
function routeJson(option: RouteOption) {
  return {
    model: option.model,
    tier: option.tier,
    available: option.available,
    ...(option.unavailableReason ? { unavailableReason: option.unavailableReason } : {}),
    ...(option.needsConfirmation
      ? { needsConfirmation: true, confirmReason: option.confirmReason }
      : {}),
    coldCache: option.coldCache,
    ...(option.loadsModel ? { loadsModel: option.loadsModel } : {}),
    // What the card shows beside the figures: the residency plan and where p(success) comes from.
    ...(option.localPlan ? { localPlan: option.localPlan } : {}),
    ...(option.successWhy ? { successWhy: option.successWhy } : {}),
    estimate: option.estimate,
  };
}

function tierLabel(option: RouteOption): string {
  return option.tier === null ? 'no tier' : `tier ${option.tier} ${TIER_NAMES[option.tier]}`;
}

function costLine(option: RouteOption): string {
  const e = option.estimate;
  return `${usd(e.usdP50)} p50 · ${usd(e.usdP90)} p90 · ${usd(e.expectedUsdPerTask)} per completed task · p(success) ${percent(e.pSuccess)}`;
}

/** The model classifier's part in `--json`: who was asked, how it went, what it cost. */
function modelJson(verdict: ModelVerdict, booked: CallRecord | undefined) {
  return {
    outcome: verdict.outcome,
    ...(verdict.call ? { model: verdict.call.ref } : {}),
    ms: verdict.ms,
    ...(booked ? { costUsd: booked.costUsd, usage: booked.usage } : {}),
  };
}

function formatText(decision: RouteDecision, classifier?: string): string {
  const c = decision.chosen;
  const e = c.estimate;
  const lines: string[] = [];
  lines.push(
    `task        ${decision.taskType} · complexity ${decision.complexity} · confidence ${decision.confidence.toFixed(2)}`,
  );
  if (classifier) lines.push(`classifier  ${classifier}`);
  lines.push(
    `route       ${tierLabel(c)} → ${c.model}${c.available ? '' : `  (unavailable: ${c.unavailableReason})`}`,
  );
  lines.push(
    `tokens      in ${tokens(e.inputTokens)} (cache read ${tokens(e.cacheReadTokens)}, cache write ${tokens(e.cacheWriteTokens)}) · out ${tokens(e.outputTokens)} (p90 ${tokens(e.outputTokensP90)})`,
  );
  lines.push(`cost        ${costLine(c)}`);
  lines.push(
    `time        ~${seconds(e.seconds)}${c.loadsModel ? ` incl. model load ${seconds(c.loadsModel.seconds)}` : ''}`,
  );
  if (c.needsConfirmation) lines.push(`confirm     ${c.confirmReason}`);
  lines.push('why');
  for (const reason of decision.reasons) lines.push(`  - ${reason}`);
  if (decision.alternatives.length) {
    lines.push('alternatives');
    for (const alt of decision.alternatives) {
      lines.push(
        alt.available
          ? `  ${tierLabel(alt)}  ${alt.model}  ${costLine(alt)} · ~${seconds(alt.estimate.seconds)}`
          : `  ${tierLabel(alt)}  ${alt.model}  unavailable: ${alt.unavailableReason}`,
      );
    }
  }
  for (const warning of decision.warnings) lines.push(`warning     ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** What `kirikae route` decides with: the same routing as the route card (built by the wiring). */
export interface RouteKit {
  config: () => Config;
  routing: Routing;
  /** The model classifier's second opinion when the offline one is unsure (as on the card). */
  classify?: (prompt: string, base: Classification) => Promise<ModelVerdict>;
  /** Books the classifier's call in the ledger, as the screen does; returns the record. */
  book?: (call: ClassifierCall, taskType: TaskType) => CallRecord | undefined;
}

export interface RouteAnswer {
  decision: RouteDecision;
  /** What the model classifier said and what its call cost, when it was asked. */
  verdict?: ModelVerdict;
  booked?: CallRecord;
}

/**
 * The routing decision for one prompt, as the card would show it: the rules (and the model
 * classifier when they are unsure), then the router over the shared context.
 */
export async function decideRoute(
  prompt: string,
  override: RouteOverride,
  kit: RouteKit,
  /**
   * What else the turn carries: tools beyond the usual ones (`-p --delegate`'s delegate tool),
   * and the conversation it continues (`-p --continue`) with the facts the session knows.
   */
  context: Pick<RouteRequest, 'extraTools' | 'messages' | 'facts'> = {},
): Promise<RouteAnswer> {
  const hasOverride = override.model !== undefined || override.tier !== undefined;
  const extra = {
    ...(context.extraTools?.length ? { extraTools: context.extraTools } : {}),
    ...(context.messages?.length ? { messages: context.messages } : {}),
    ...(context.facts ? { facts: context.facts } : {}),
  };
  const decision = kit.routing.decide({ prompt, ...(hasOverride ? { override } : {}), ...extra });
  // The kit's client answers `undefined` when no small model is resident: it is "ready" to try.
  if (!kit.classify || !askModel(decision, kit.config())) return { decision };
  const verdict = await kit.classify(prompt, classificationOf(decision));
  const booked = verdict.call ? kit.book?.(verdict.call, decision.taskType) : undefined;
  const again =
    verdict.outcome === 'answered'
      ? kit.routing.decide({
          prompt,
          classification: verdict.classification,
          ...(hasOverride ? { override } : {}),
          ...extra,
        })
      : decision;
  return { decision: again, verdict, ...(booked ? { booked } : {}) };
}

/**
 * `kirikae route "<prompt>"`: shows how a prompt would be routed and what it would cost,
 * without sending anything. Exit code 0, or 2 for a bad argument.
 */
export async function runRoute(args: RouteArgs, kit: RouteKit, io: CommandIO): Promise<number> {
  const prompt = args.prompt?.trim() ?? '';
  if (!prompt) {
    io.stderr.write('kirikae route: give a prompt, e.g. kirikae route "fix the typo in README"\n');
    return 2;
  }
  const override: RouteOverride = {};
  try {
    if (args.model) {
      parseModelRef(args.model);
      override.model = args.model;
    }
  } catch (error) {
    io.stderr.write(`kirikae route: ${isKirikaeError(error) ? error.describe() : String(error)}\n`);
    return 2;
  }
  if (args.tier !== undefined) {
    if (!isTier(args.tier)) {
      io.stderr.write(`kirikae route: tier must be 0–4, got ${args.tier}\n`);
      return 2;
    }
    override.tier = args.tier;
  }

  const { decision, verdict, booked } = await decideRoute(prompt, override, kit);

  if (args.json) {
    const out = {
      taskType: decision.taskType,
      complexity: decision.complexity,
      confidence: decision.confidence,
      signals: decision.signals,
      classifier: {
        source: decision.classifier,
        confidence: decision.confidence,
        ...(verdict ? { model: modelJson(verdict, booked) } : {}),
      },
      chosen: routeJson(decision.chosen),
      alternatives: decision.alternatives.map(routeJson),
      reasons: decision.reasons,
      warnings: decision.warnings,
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    io.stdout.write(formatText(decision, verdict && verdictLine(verdict, booked)));
  }
  return 0;
}
