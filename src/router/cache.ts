import type { CacheTtl } from '../config/schema.js';
import type { Message } from '../core/message.js';
import type { ModelRef } from '../core/model-ref.js';

/**
 * How a provider caches a prompt prefix:
 * - explicit: Anthropic `cache_control`. The agent marks the end of the prompt, so every request
 *   writes what is new (1.25× input for 5 minutes, 2× for 1 hour: config `cache.ttl`) and reads
 *   what the last request wrote (0.1× input); each read refreshes the entry's lifetime.
 * - automatic: OpenAI, DeepSeek, Gemini: a repeated prefix is read at the cache price, nothing is
 *   charged for writing, and a cold prefix is plain input.
 * - local: Ollama keeps the KV cache of the last prompt in the resident model. No money, but a
 *   cold prefix must be prefilled again, which is slow.
 */
export type CacheKind = 'explicit' | 'automatic' | 'local';

export interface CachePolicy {
  kind: CacheKind;
  ttlMs: number;
  /** Prompts shorter than this are never cached. */
  minTokens: number;
  /** Automatic caches hit in blocks of this many tokens (OpenAI: 128). */
  granularity: number;
  /** Explicit caches: the TTL writes are asked for ('1h' writes are priced as such). */
  writeTtl?: CacheTtl;
}

const MINUTE = 60_000;

/** How long an explicit cache entry lives after its last write or read. */
export function cacheTtlMs(ttl: CacheTtl): number {
  return ttl === '1h' ? 60 * MINUTE : 5 * MINUTE;
}

export function cachePolicy(
  ref: ModelRef,
  localKeepAliveMs = 30 * MINUTE,
  cacheTtl: CacheTtl = '5m',
): CachePolicy {
  if (ref.provider === 'ollama') {
    return { kind: 'local', ttlMs: localKeepAliveMs, minTokens: 0, granularity: 1 };
  }
  const claude =
    ref.provider === 'anthropic' ||
    (ref.provider === 'openrouter' && ref.model.startsWith('anthropic/'));
  if (claude) {
    // Opus 4.5+ and Haiku 4.5 cache from 4096 tokens; the other Claude models from 1024.
    const minTokens = /opus-4-[5-9]|haiku-4-5/.test(ref.model) ? 4096 : 1024;
    return {
      kind: 'explicit',
      ttlMs: cacheTtlMs(cacheTtl),
      minTokens,
      granularity: 1,
      writeTtl: cacheTtl,
    };
  }
  // DeepSeek keeps prefixes far longer than OpenAI's 5–10 minutes; the short end is the safe bet
  // (an expired cache the router counted as warm would under-estimate the bill).
  const deepseek =
    ref.provider === 'deepseek' ||
    (ref.provider === 'openrouter' && ref.model.startsWith('deepseek/'));
  return {
    kind: 'automatic',
    ttlMs: (deepseek ? 10 : 5) * MINUTE,
    minTokens: 1024,
    granularity: ref.provider === 'openai' ? 128 : 1,
  };
}

/** What one model was last sent in this session. */
export interface SentState {
  at: number;
  /** Number of conversation messages that request contained. */
  messageCount: number;
  /** Raw token count of that whole request (system + tools + messages). */
  tokens: number;
  /** Identity of the last message sent, to tell an extended conversation from a rewritten one. */
  lastMessage: Message | undefined;
  systemTokens: number;
  toolTokens: number;
}

export interface InputSplit {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** The part of cacheWrite written with the 1-hour TTL. */
  cacheWrite1h: number;
  /** No reusable prefix: the cache (or the local KV cache) starts empty. */
  cold: boolean;
}

/**
 * Splits a request of `total` tokens into uncached input, cache reads and cache writes, given
 * how many leading tokens the model already holds warm (`warmPrefix`, 0 when cold).
 */
export function splitInput(policy: CachePolicy, total: number, warmPrefix: number): InputSplit {
  const cold = warmPrefix <= 0;
  if (policy.kind === 'local') {
    const read = Math.min(warmPrefix, total);
    return { input: total - read, cacheRead: read, cacheWrite: 0, cacheWrite1h: 0, cold };
  }
  if (total < policy.minTokens)
    return { input: total, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, cold };
  if (policy.kind === 'explicit') {
    const read = warmPrefix >= policy.minTokens ? Math.min(warmPrefix, total) : 0;
    const write = total - read;
    return {
      input: 0,
      cacheRead: read,
      cacheWrite: write,
      cacheWrite1h: policy.writeTtl === '1h' ? write : 0,
      cold: read === 0,
    };
  }
  const warm = warmPrefix >= policy.minTokens ? Math.min(warmPrefix, total) : 0;
  const read = Math.floor(warm / policy.granularity) * policy.granularity;
  return { input: total - read, cacheRead: read, cacheWrite: 0, cacheWrite1h: 0, cold: read === 0 };
}
