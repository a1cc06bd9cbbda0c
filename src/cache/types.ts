import type { Tier } from '../core/tier.js';

/*
 * The semantic cache's data: what a turn looked like when its answer was stored, and what a
 * lookup says back. Pure data, shared by the rules, the index, the store and the façade.
 */

/** The context that shaped an answer; an answer is only ever served in the same context. */
export interface CacheContext {
  /** Hash of the conversation before the question (system prompt and earlier messages). */
  conversation: string;
  /** Files the question quoted or the answer was built from: path → content hash. */
  files: Readonly<Record<string, string>>;
  /** The workspace's git HEAD when the question is about the workspace; null otherwise. */
  gitHead: string | null;
}

/** What the session knows about a turn before routing it (all a lookup needs). */
export interface TurnQuestion {
  /** The user's prompt, as typed. */
  prompt: string;
  /** Earlier messages of the conversation, already in a stable text form (see contextOf). */
  conversation: readonly string[];
  /** Files quoted in the prompt (`@path`) or attached, with their current content. */
  files: readonly { path: string; content: string }[];
  /** HEAD of the workspace's git repository; null outside a repository. */
  gitHead: string | null;
  /** Tier the router would send this turn to: an answer from a weaker tier is not served. */
  tier: Tier | null;
}

/** How a finished turn went, to decide whether its answer may be stored. */
export interface TurnResult {
  answer: string;
  /** `provider/model` that answered. */
  model: string;
  tier: Tier | null;
  /** What the answer cost (every call of the turn); null when unpriced. */
  usd: number | null;
  /** Tool calls the turn made (any at all makes it uncacheable). */
  toolCalls: number;
  /** Files the turn changed (any at all makes it uncacheable). */
  changedFiles: number;
  outcome: 'ok' | 'error' | 'aborted';
}

export interface CacheEntry {
  id: string;
  /** ms since the epoch when stored. */
  storedAt: number;
  question: string;
  /** Unit-length embedding of the question. */
  vector: Float32Array;
  answer: string;
  model: string;
  tier: Tier | null;
  usd: number | null;
  context: CacheContext;
}

/** Why a lookup did not serve an answer; `/cache why` shows it. */
export type MissReason =
  | { kind: 'disabled' }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'action_prompt'; detail: string }
  | { kind: 'empty' }
  | { kind: 'below_threshold'; similarity: number | null; threshold: number }
  | { kind: 'expired'; similarity: number; ageMs: number }
  | { kind: 'conversation_changed'; similarity: number }
  | { kind: 'file_changed'; similarity: number; path: string }
  | { kind: 'head_changed'; similarity: number; was: string | null; now: string | null }
  | { kind: 'weaker_tier'; similarity: number; was: Tier | null; needed: Tier | null };

export interface CacheHit {
  id: string;
  answer: string;
  similarity: number;
  model: string;
  tier: Tier | null;
  /** The original call's price: what serving it saves. */
  usd: number | null;
  ageMs: number;
  storedAt: number;
  question: string;
}

export type LookupResult = { hit: CacheHit } | { miss: MissReason };

/** Why a finished turn was not stored. */
export type SkipReason =
  | 'disabled'
  | 'unavailable'
  | 'action_prompt'
  | 'tool_calls'
  | 'changed_files'
  | 'not_ok'
  | 'empty_answer'
  /** The question or the answer holds an API key or a secret of the environment. */
  | 'secret';

export type RememberResult = { stored: string } | { skipped: SkipReason };

export interface SemanticCacheSettings {
  enabled: boolean;
  threshold: number;
  ttlHours: number;
  maxEntries: number;
  model: string;
  /** A shared Redis store instead of the file (store-choice.ts). */
  redisUrl?: string | undefined;
}
