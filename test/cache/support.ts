import { createSemanticCache, memoryStore, type CacheStore } from '../../src/cache/index.js';
import type { SemanticCacheSettings, TurnQuestion, TurnResult } from '../../src/cache/types.js';
import { stubEmbedding } from '../support/stub-embedding.js';

export const SETTINGS: SemanticCacheSettings = {
  enabled: true,
  threshold: 0.85,
  ttlHours: 24,
  maxEntries: 5000,
  model: 'ollama/nomic-embed-text',
};

export const HOUR = 3_600_000;

export function question(prompt: string, over: Partial<TurnQuestion> = {}): TurnQuestion {
  return { prompt, conversation: [], files: [], gitHead: 'a1b2c3d4e5', tier: 2, ...over };
}

export function answered(answer: string, over: Partial<TurnResult> = {}): TurnResult {
  return {
    answer,
    model: 'openrouter/deepseek/deepseek-v4-flash',
    tier: 4,
    usd: 0.004,
    toolCalls: 0,
    changedFiles: 0,
    outcome: 'ok',
    ...over,
  };
}

/** A cache over a memory store with the stub embedding, a settable clock and counted embeds. */
export function testCache(
  over: Partial<SemanticCacheSettings> = {},
  store: CacheStore = memoryStore(),
) {
  const clock = { now: Date.parse('2026-11-30T10:00:00Z') };
  const settings = { ...SETTINGS, ...over };
  const embeds: string[] = [];
  let failEmbed: Error | undefined;
  const cache = createSemanticCache({
    store,
    config: () => settings,
    now: () => clock.now,
    embed: async (text) => {
      embeds.push(text);
      if (failEmbed) throw failEmbed;
      return { vector: stubEmbedding(text), durationMs: 3 };
    },
    redact: (text) => text.replace(/\bsk-ant-[A-Za-z0-9_-]{20,}/g, '[redacted key]'),
  });
  return {
    cache,
    clock,
    settings,
    embeds,
    store,
    failEmbedWith(error: Error | undefined) {
      failEmbed = error;
    },
  };
}
