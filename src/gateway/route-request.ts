// The route of one gateway request: scenario (claude-code-router's), then kirikae's own router
// on the newest user turn, with the screen's pinned override or --passthrough on top. A route
// that would need someone to confirm it is refused: nobody can answer a card for another tool.
import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { isProviderId } from '../core/model-ref.js';
import { TIER_NAMES } from '../core/tier.js';
import type { Routing } from '../router/context.js';
import { CAPABILITY } from '../router/table.js';
import { noRouteReason, unavailableKind } from '../router/unavailable.js';
import type { TokenCounter } from '../router/tokens.js';
import { countRequest } from '../router/tokens.js';
import type { RouteDecision, RouteOption, RouteOverride } from '../router/types.js';
import { newestUserText, type GatewayRequest } from './request.js';
import { detectScenario, SCENARIO_FLOOR, SCENARIO_TIER, type Scenario } from './scenario.js';

export interface RouteKit {
  config: () => Config;
  routing: Routing;
  /** Requests that name a model run on that model unchanged. */
  passthrough: boolean;
  /** The screen's pinned route for the next requests, when a screen runs one. */
  pinned?: () => RouteOverride | undefined;
  counter: TokenCounter;
}

export interface GatewayRoute {
  decision: RouteDecision;
  /** `provider/model` to start on. */
  model: string;
  option: RouteOption;
  scenario: Scenario;
  /** Where the route came from: passthrough, the screen's pin, a scenario tier, or the router. */
  via: 'passthrough' | 'pinned' | 'scenario' | 'router';
  promptTokens: number;
}

/** The kirikae id of a model a client named (`claude-…` is Anthropic's, `gpt-…` OpenAI's). */
export function clientModelId(model: string, format: GatewayRequest['format']): string {
  const slash = model.indexOf('/');
  if (slash > 0 && isProviderId(model.slice(0, slash))) return model;
  if (/^claude/i.test(model)) return `anthropic/${model}`;
  if (/^(gpt|o\d|chatgpt)/i.test(model)) return `openai/${model}`;
  return `${format}/${model}`;
}

/**
 * The client's system prompt and tools as one message, so the router counts and prices what
 * the request really carries (the routing context holds kirikae's own system prompt).
 */
function clientPreamble(request: GatewayRequest): Message[] {
  const parts = [request.system ?? '', ...(request.tools ?? []).map((t) => JSON.stringify(t))];
  const content = parts.filter(Boolean).join('\n');
  return content ? [{ role: 'user', content }] : [];
}

/**
 * A model the user named (`--passthrough`, a pin) runs or the request fails saying why: another
 * model answering in its place, unannounced, is what the user pinned to avoid.
 */
export function assertForcedModel(
  decision: RouteDecision,
  model: string,
  via: 'passthrough' | 'pinned',
): void {
  if (decision.chosen.model === model) return;
  const forced = decision.options.find((o) => o.model === model);
  const reason =
    forced?.unavailableReason ??
    (forced ? (decision.warnings[0] ?? 'unavailable') : 'not a model kirikae knows');
  throw new KirikaeError(unavailableKind(reason), `${model} cannot run: ${reason}`, {
    hint:
      via === 'passthrough'
        ? 'kirikae doctor shows what is missing; or run kirikae serve without --passthrough'
        : 'kirikae doctor shows what is missing; DELETE /kirikae/pin routes automatically again',
  });
}

export function routeRequest(request: GatewayRequest, kit: RouteKit): GatewayRoute {
  const config = kit.config();
  const { prompt, index } = newestUserText(request.messages);
  // The conversation before the newest user text; anything after it (tool results of the
  // client's loop) belongs to the conversation too.
  const before = request.messages.filter((_, i) => i !== index);
  const history = [...clientPreamble(request), ...before];
  const promptTokens = countRequest(kit.counter, { messages: history, prompt }).total;
  const scenario = detectScenario(request, promptTokens, config);

  let override: RouteOverride | undefined;
  let via: GatewayRoute['via'] = 'router';
  const pinned = kit.pinned?.();
  if (kit.passthrough) {
    override = { model: clientModelId(request.model, request.format) };
    via = 'passthrough';
  } else if (pinned && (pinned.model || pinned.tier !== undefined)) {
    override = pinned;
    via = 'pinned';
  } else if (SCENARIO_TIER[scenario] !== undefined) {
    override = { tier: SCENARIO_TIER[scenario] };
    via = 'scenario';
  }
  let decision = kit.routing.decide({
    prompt,
    messages: history,
    ...(override ? { override } : {}),
  });
  const floor = SCENARIO_FLOOR[scenario];
  const routedTier = decision.chosen.tier;
  if (
    !override &&
    floor !== undefined &&
    routedTier !== null &&
    CAPABILITY[routedTier] < CAPABILITY[floor] &&
    // The user's own rules and choices stand: the floor lifts only the table's route.
    (decision.source === 'table' || decision.source === 'long-context')
  ) {
    const floorOverride = {
      tier: floor,
      why: `the client asked for extended thinking: at least tier ${floor} (${TIER_NAMES[floor]})`,
    };
    const raised = kit.routing.decide({ prompt, messages: history, override: floorOverride });
    // A floor that would refuse a request the routed tier can serve (a spent budget, a
    // confirmation nobody can give here) is not taken: an answer beats a 403.
    if (raised.chosen.available && !raised.chosen.needsConfirmation) {
      override = floorOverride;
      via = 'scenario';
      decision = raised;
    }
  }
  const chosen = decision.chosen;
  if (override?.model && (via === 'passthrough' || via === 'pinned')) {
    assertForcedModel(decision, override.model, via);
  }
  if (!chosen.available) {
    const reason = noRouteReason(decision);
    const kind = unavailableKind(chosen.unavailableReason ?? '');
    throw new KirikaeError(kind, `No route available: ${reason}`, {
      // A spent budget is not something doctor finds missing.
      hint:
        kind === 'spend_limit'
          ? '`kirikae config set budget.monthlyUsd <usd>` to change, or pin a free local route (PUT /kirikae/pin {"tier": 3})'
          : 'kirikae doctor shows what is missing',
    });
  }
  if (chosen.needsConfirmation) {
    // The card would ask; here nobody can answer, so the question becomes the refusal.
    const reason = (chosen.confirmReason ?? 'needs confirmation').replace(
      /: confirm to spend$/,
      '',
    );
    throw new KirikaeError('spend_limit', `${chosen.model}: ${reason}`, {
      hint: '`kirikae config set budget.monthlyUsd <usd>` to change',
    });
  }
  return { decision, model: chosen.model, option: chosen, scenario, via, promptTokens };
}
