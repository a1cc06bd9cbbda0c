// The semantic answer cache for gateway clients, under the same rules as the screen: only a
// request that offers no tools and ends with the user's question is looked up or stored, the
// context key is the client's own system prompt and conversation, and each client can be
// switched off (cache.semantic.gatewayClients). A hit is answered in the client's format.
import type { CacheHit, LookupResult, SemanticCache, TurnQuestion } from '../cache/index.js';
import { conversationLines } from '../cache/index.js';
import type { LedgerRecord } from '../core/records.js';
import type { StreamEvent } from '../core/stream.js';
import type { Tier } from '../core/tier.js';
import { ZERO_USAGE } from '../core/usage.js';
import type { GatewayRequest } from './request.js';

export interface GatewayCacheKit {
  cache: SemanticCache;
  /** On, and on for this client. */
  enabled(client: string): boolean;
  /** Books the `cache_hit` record (the ledger and the router's history). */
  append(record: LedgerRecord): void;
  /**
   * Where the cache's notices go, once each: embeddings unavailable (the gateway then answers
   * every request without the cache), a shared Redis store unreachable, a store rebuilt.
   */
  notify?(text: string): void;
}

/** Hands the cache's pending notices to the kit (after a lookup or a store). */
export function tellNotices(kit: GatewayCacheKit): void {
  for (const text of kit.cache.takeNotices()) kit.notify?.(text);
}

/** The lookup for a request: never throws (a failing cache is a miss), notices told. */
export async function lookupCached(
  kit: GatewayCacheKit,
  question: TurnQuestion,
): Promise<LookupResult | undefined> {
  try {
    return await kit.cache.lookup(question);
  } catch {
    return undefined;
  } finally {
    tellNotices(kit);
  }
}

/** The question a request asks, or undefined when it may not be cached at all. */
export function gatewayQuestion(
  request: GatewayRequest,
  tier: Tier | null,
): TurnQuestion | undefined {
  if (request.tools?.length || request.webSearch) return undefined;
  const last = request.messages.at(-1);
  if (!last || last.role !== 'user' || !last.content.trim()) return undefined;
  return {
    prompt: last.content,
    conversation: conversationLines(request.system ?? '', request.messages.slice(0, -1)),
    files: [],
    // A gateway client's workspace is not kirikae's: its own context is in the conversation.
    gitHead: null,
    tier,
  };
}

/** The stream a hit is answered with: the stored text, no tokens, a normal end. */
export function hitEvents(hit: CacheHit): StreamEvent[] {
  return [
    { type: 'text', text: hit.answer },
    { type: 'usage', usage: ZERO_USAGE },
    { type: 'done', stopReason: 'end_turn', metrics: { durationMs: 0 } },
  ];
}
