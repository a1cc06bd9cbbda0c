import type { Config } from '../config/schema.js';
import type { Message, ToolSpec } from '../core/message.js';
import type { ProviderId } from '../core/model-ref.js';
import type { LedgerRecord } from '../core/records.js';
import type { CooldownState } from './cooldown.js';
import type { OverrideLabel } from './overrides.js';
import { route } from './route.js';
import type { HistoryStats, RouterSession } from './session.js';
import type {
  Classification,
  LocalAdapter,
  RouteContext,
  RouteDecision,
  RouteOverride,
  SessionFacts,
} from './types.js';

/**
 * Everything the router reads about the world, gathered once by the wiring. The route card and
 * `kirikae route` both decide through `createRouting(sources)`, so for the same state they show
 * the same decision: the same key checks, the same residency planner, the same system prompt and
 * tool definitions in the token count.
 */
export interface RoutingSources {
  config: () => Config;
  session: RouterSession;
  /**
   * Past ledger records, oldest first, and a number that changes whenever they change; or the
   * figures learned from them, when the records were not read (RouteContext.learned).
   */
  history: () => { records: readonly LedgerRecord[]; version: number; learned?: HistoryStats };
  hasKey(provider: ProviderId): boolean;
  local?: { adapter(): LocalAdapter | undefined; unavailableReason(): string | undefined };
  monthSpendUsd(): number;
  cooldown?: () => CooldownState;
  /** Measured watts of local inference (macmon), when there is a reading. */
  watts?: () => number | undefined;
  /** The system prompt and tool definitions every turn sends (about 900 tokens). */
  system: string;
  tools: readonly ToolSpec[];
  now?: () => number;
  /**
   * The user's past overrides, parsed (`parseOverrides` of `<dataDir>/router/overrides.jsonl`),
   * oldest first; return the same array until the file changes.
   */
  overrides?: () => readonly OverrideLabel[];
}

export interface RouteRequest {
  prompt: string;
  /** The conversation before this prompt (stable objects: counts are cached by identity). */
  messages?: readonly Message[];
  override?: RouteOverride;
  classification?: Classification;
  facts?: SessionFacts;
  /**
   * Tools this turn sends after the sources' own (delegate mode's `delegate`), in the order the
   * turn sends them: they are part of the request the estimate prices and the cache check reads.
   */
  extraTools?: readonly ToolSpec[];
}

export interface Routing {
  decide(request: RouteRequest): RouteDecision;
  /** The router's inputs as they stand now (for tests and `kirikae route --json`). */
  context(): RouteContext;
}

/** Builds the router's context from its sources: one place, read fresh on every decision. */
export function buildRouteContext(sources: RoutingSources): RouteContext {
  const history = sources.history();
  return {
    config: sources.config(),
    session: sources.session,
    history: history.records,
    historyVersion: history.version,
    ...(history.learned ? { learned: history.learned } : {}),
    hasKey: (id) => sources.hasKey(id),
    local: sources.local?.adapter(),
    localUnavailableReason: sources.local?.unavailableReason() ?? 'Ollama is not configured',
    monthSpendUsd: sources.monthSpendUsd(),
    ...(sources.cooldown ? { cooldown: sources.cooldown() } : {}),
    ...(sources.watts?.() !== undefined ? { localWatts: sources.watts() } : {}),
    now: (sources.now ?? Date.now)(),
    ...(sources.overrides ? { overrides: sources.overrides() } : {}),
  };
}

export function createRouting(sources: RoutingSources): Routing {
  return {
    context: () => buildRouteContext(sources),
    decide: (request) =>
      route(
        {
          prompt: request.prompt,
          system: sources.system,
          tools: request.extraTools?.length
            ? [...sources.tools, ...request.extraTools]
            : sources.tools,
          messages: request.messages ?? [],
          ...(request.override ? { override: request.override } : {}),
          ...(request.classification ? { classification: request.classification } : {}),
          ...(request.facts ? { facts: request.facts } : {}),
        },
        buildRouteContext(sources),
      ),
  };
}
