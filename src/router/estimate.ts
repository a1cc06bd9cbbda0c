import type { CacheTtl, PriceOverride } from '../config/schema.js';
import { formatModelRef, type ModelRef } from '../core/model-ref.js';
import { cachePolicy, splitInput, type CachePolicy } from './cache.js';
import type { LearnedStats } from './learn.js';
import {
  defaultDecodeTokPerSec,
  defaultLatencySeconds,
  defaultPrefillTokPerSec,
  modelFamily,
} from './priors.js';
import { costOfTokens, priceCurve } from './pricing.js';

/** Local inference facts for one model. */
export interface LocalCallFacts {
  resident: boolean;
  /** Seconds to load the model when it is not resident. */
  loadSeconds: number;
  watts: number;
  usdPerKwh: number;
  /** How long a loaded model stays (config.local.keepAlive), bounding its KV cache reuse. */
  keepAliveMs?: number;
}

export interface CallEstimateArgs {
  ref: ModelRef;
  /** Tokenizer count of the whole request (system, tools, history, prompt). */
  rawInputTokens: number;
  /** Tokenizer count of the prefix this model holds warm; 0 when cold. */
  rawWarmPrefix: number;
  /** Output tokens in plain-model units (before the family's reasoning factor). */
  output: { p50: number; p90: number };
  stats: Pick<LearnedStats, 'inputRatio' | 'outputRatio' | 'decodeTokPerSec'>;
  prices?: Record<string, PriceOverride>;
  local?: LocalCallFacts;
  /** config `cache.ttl`: how long explicit (Anthropic) cache writes live and what they cost. */
  cacheTtl?: CacheTtl;
  now?: number;
}

export interface CallEstimate {
  rawInputTokens: number;
  /** All input tokens, family-corrected: uncached + cache read + cache write. */
  inputTokens: number;
  uncachedInputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of cacheWriteTokens written with the 1-hour TTL. */
  cacheWrite1hTokens: number;
  outputTokens: number;
  outputTokensP90: number;
  usdP50: number | null;
  usdP90: number | null;
  seconds: number;
  secondsP90: number;
  energyUsd?: number;
  coldCache: boolean;
  loadSeconds?: number;
}

/** Cached prefixes are not re-processed: reading them costs a fraction of prefill time. */
const CACHED_PREFILL_SPEEDUP = 20;

/** What does not change between turns for a model: looked up once, not per estimate. */
interface ModelFacts {
  id: string;
  family: string;
  policy: CachePolicy;
  prefill: number;
  latency: number;
  decode: number;
}

const factsCache = new Map<string, Map<string, ModelFacts>>();

function modelFacts(
  ref: ModelRef,
  keepAlive: number | undefined,
  cacheTtl: CacheTtl = '5m',
): ModelFacts {
  const key = ref.provider === 'ollama' ? `${ref.model}|${keepAlive}` : `${ref.model}|${cacheTtl}`;
  let byProvider = factsCache.get(ref.provider);
  if (!byProvider) factsCache.set(ref.provider, (byProvider = new Map()));
  let facts = byProvider.get(key);
  if (!facts) {
    facts = {
      id: formatModelRef(ref),
      family: modelFamily(ref),
      policy: cachePolicy(ref, keepAlive, cacheTtl),
      prefill: defaultPrefillTokPerSec(ref),
      latency: defaultLatencySeconds(ref),
      decode: defaultDecodeTokPerSec(ref),
    };
    byProvider.set(key, facts);
  }
  return facts;
}

/**
 * Tokens, USD and seconds of one call on one model. Input is the tokenizer count corrected by
 * the ratio learned for the model's family, split by the model's prompt-cache state (a warm
 * prefix is a cache read; a cold one is a cache write on Anthropic and plain input elsewhere).
 * USD comes from the catalog's prices at the real token counts, so long-context tiers apply.
 * Local calls cost electricity: watts × seconds, seconds including a model load when needed.
 */
export function estimateCall(args: CallEstimateArgs): CallEstimate {
  const { ref, stats, local } = args;
  const facts = modelFacts(ref, local?.keepAliveMs, args.cacheTtl);
  const inRatio = stats.inputRatio[facts.family] ?? 1;
  const outRatio = stats.outputRatio[facts.family] ?? 1;
  const inputTokens = Math.round(args.rawInputTokens * inRatio);
  const warm = Math.min(inputTokens, Math.round(args.rawWarmPrefix * inRatio));
  const split = splitInput(facts.policy, inputTokens, warm);
  const outputTokens = Math.round(args.output.p50 * outRatio);
  const outputTokensP90 = Math.round(args.output.p90 * outRatio);

  const decode = stats.decodeTokPerSec[facts.id] ?? facts.decode;
  const loadSeconds = local && !local.resident ? local.loadSeconds : 0;
  const base =
    facts.latency +
    loadSeconds +
    (split.input + split.cacheWrite) / facts.prefill +
    split.cacheRead / (facts.prefill * CACHED_PREFILL_SPEEDUP);
  const seconds = base + outputTokens / decode;
  const secondsP90 = base + outputTokensP90 / decode;

  const curve = priceCurve(ref, args.prices, args.now);
  const price = (output: number): number | null =>
    costOfTokens(curve, split.input, split.cacheRead, split.cacheWrite, output, split.cacheWrite1h);
  let usdP50 = price(outputTokens);
  let usdP90 = price(outputTokensP90);
  let energyUsd: number | undefined;
  if (local) {
    // watts × seconds = joules; 3.6 MJ = 1 kWh.
    const usdPerJoule = local.usdPerKwh / 3_600_000;
    energyUsd = local.watts * seconds * usdPerJoule;
    if (usdP50 !== null) usdP50 += energyUsd;
    if (usdP90 !== null) usdP90 += local.watts * secondsP90 * usdPerJoule;
  }

  return {
    rawInputTokens: args.rawInputTokens,
    inputTokens,
    uncachedInputTokens: split.input,
    cacheReadTokens: split.cacheRead,
    cacheWriteTokens: split.cacheWrite,
    cacheWrite1hTokens: split.cacheWrite1h,
    outputTokens,
    outputTokensP90,
    usdP50,
    usdP90,
    seconds,
    secondsP90,
    energyUsd,
    coldCache: split.cold,
    loadSeconds: loadSeconds > 0 ? loadSeconds : undefined,
  };
}

/** Parses Ollama's keep_alive ("30m", "1h", seconds as a number) into ms; negative = pinned. */
export function keepAliveMs(value: string | number): number {
  if (typeof value === 'number') return value < 0 ? Number.POSITIVE_INFINITY : value * 1000;
  const text = value.trim();
  if (text.startsWith('-')) return Number.POSITIVE_INFINITY;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(m[1]) * units[m[2]!]!;
  return total || 30 * 60_000;
}
