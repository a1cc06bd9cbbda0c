import { retirement } from '../catalog/retirements.js';
import type { RouteDecision, RouteOption } from '../router/types.js';
import type { RouteProposal, RouteView } from './types.js';

/** "retired 2026-07-24 — use …" for a retired or retiring model, from the dated table. */
function retiredText(model: string): { retirement?: string } {
  const r = retirement(model, new Date());
  if (!r) return {};
  const when = r.retired ? `retired ${r.retiresOn}` : `retires ${r.retiresOn}`;
  return { retirement: `${when}${r.replacement ? ` — use ${r.replacement}` : ''}` };
}

/** The router's option as the UI shows it (pure). */
export function toRouteView(option: RouteOption): RouteView {
  const e = option.estimate;
  return {
    model: option.model,
    tier: option.tier,
    available: option.available,
    ...(option.unavailableReason ? { unavailableReason: option.unavailableReason } : {}),
    ...(option.needsConfirmation
      ? { needsConfirmation: option.confirmReason ?? 'needs confirmation' }
      : {}),
    coldCache: option.coldCache,
    ...(option.loadsModel ? { loadSeconds: option.loadsModel.seconds } : {}),
    ...(option.localPlan ? { localPlan: option.localPlan } : {}),
    ...(option.successWhy ? { successWhy: option.successWhy } : {}),
    ...retiredText(option.model),
    estimate: {
      inputTokens: e.inputTokens,
      cacheReadTokens: e.cacheReadTokens,
      cacheWriteTokens: e.cacheWriteTokens,
      outputTokens: e.outputTokens,
      usdP50: e.usdP50,
      usdP90: e.usdP90,
      expectedUsdPerTask: e.expectedUsdPerTask,
      pSuccess: e.pSuccess,
      seconds: e.seconds,
    },
  };
}

/**
 * The card's options: the proposed route, the alternatives the router picked to show, then
 * every other configured model, so 0–4 and ←/→ select among them without re-running the router.
 */
export function toProposal(prompt: string, decision: RouteDecision): RouteProposal {
  const shown = [decision.chosen, ...decision.alternatives];
  const rest = decision.options.filter((o) => !shown.some((s) => s.model === o.model));
  return {
    prompt,
    taskType: decision.taskType,
    complexity: decision.complexity,
    reasons: decision.reasons,
    warnings: decision.warnings,
    classifier: { source: decision.classifier, confidence: decision.confidence },
    ...(decision.followsPastChoice ? { pastChoice: decision.followsPastChoice } : {}),
    selected: 0,
    options: [...shown, ...rest].map(toRouteView),
  };
}

/** The lines /route prints about a decision. */
export function explainDecision(decision: RouteDecision): string[] {
  const c = decision.chosen;
  return [
    `${decision.taskType}, complexity ${decision.complexity}/5 (confidence ${decision.confidence.toFixed(2)}; signals: ${decision.signals.join(', ') || 'none'})`,
    `tier ${decision.tableTier} from ${decision.source}${decision.raisedFrom !== undefined ? ` (raised from ${decision.raisedFrom}: a retry after a failed attempt)` : ''}; chose ${c.model}`,
    ...decision.reasons,
    ...decision.warnings.map((w) => `warning: ${w}`),
  ];
}
