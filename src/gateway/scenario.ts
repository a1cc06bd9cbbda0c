// Scenario detection as claude-code-router does it (src/utils/router.ts getUseModel, before its
// 2026 rewrite): a Claude haiku model is background work, a web_search server tool wins over
// thinking, `thinking` in the body is a think request, and a prompt over the long-context
// threshold is long context. kirikae then maps each scenario to a tier its own router prices.
import type { Config } from '../config/schema.js';
import type { Tier } from '../core/tier.js';
import type { GatewayRequest } from './request.js';

export type Scenario = 'background' | 'webSearch' | 'think' | 'longContext' | 'default';

/**
 * A max_tokens this small is a one-line job (titles, topic checks, command prefixes): Claude
 * Code's own background calls ask for a few hundred tokens at most.
 */
export const BACKGROUND_MAX_TOKENS = 512;

/** Model names of the small fast class clients use for background work. */
const SMALL_MODEL = /haiku|flash-lite|gpt-[\d.]+-(mini|nano)|-mini\b/i;

export function detectScenario(
  request: GatewayRequest,
  promptTokens: number,
  config: Config,
): Scenario {
  if (promptTokens > config.routing.longContextThreshold) return 'longContext';
  if (
    SMALL_MODEL.test(request.model) ||
    (request.maxTokens !== undefined &&
      request.maxTokens <= BACKGROUND_MAX_TOKENS &&
      !request.tools?.length)
  )
    return 'background';
  if (request.webSearch) return 'webSearch';
  if (request.thinking) return 'think';
  return 'default';
}

/**
 * The tier a scenario pins; undefined lets kirikae's classifier and routing table decide.
 * Background work goes to the efficient tier (cheap, always a cloud model at hand); web search
 * is a server tool only Anthropic runs, so it goes to the standard (Sonnet) tier; long context
 * is the router's own long-context rule. A think request is routed by the classifier with the
 * standard tier as its floor (`SCENARIO_FLOOR`): a design question still goes to the frontier.
 */
export const SCENARIO_TIER: Record<Scenario, Tier | undefined> = {
  background: 2,
  webSearch: 1,
  think: undefined,
  longContext: undefined,
  default: undefined,
};

/** The weakest tier a scenario accepts from the router: below it, the floor is taken. */
export const SCENARIO_FLOOR: Partial<Record<Scenario, Tier>> = { think: 1 };
