import { calcPrice } from '@pydantic/genai-prices';
import type { ModelRef } from '../core/model-ref.js';
import { totalInput, type Cost, type Usage } from '../core/usage.js';
import type { PriceOverride } from '../config/schema.js';

/** Recorded with every ledger entry so old costs can be told apart from re-priced ones. */
export const PRICE_DATA_VERSION = 'genai-prices@0.1.8';

export type PriceSource = 'catalog' | 'override' | 'local' | 'billed' | 'unknown';

export interface PricedUsage {
  usd: Cost;
  source: PriceSource;
}

/** genai-prices names OpenAI-compatible providers by their own ids. */
const PRICE_PROVIDER: Record<string, string> = {
  anthropic: 'anthropic',
  openai: 'openai',
  openrouter: 'openrouter',
  deepseek: 'deepseek',
};

function overridePrice(override: PriceOverride, usage: Usage): number {
  const cacheRead = override.cacheReadMtok ?? override.inputMtok;
  const cacheWrite = override.cacheWriteMtok ?? override.inputMtok;
  return (
    (usage.input * override.inputMtok +
      usage.cacheRead * cacheRead +
      usage.cacheWrite * cacheWrite +
      usage.output * override.outputMtok) /
    1_000_000
  );
}

export interface PriceOptions {
  overrides?: Record<string, PriceOverride>;
  /** The provider's own billed figure (OpenRouter's `usage.cost`): it wins over any table. */
  billedUsd?: number;
}

/**
 * USD for one call's usage on a model. Local models cost nothing per token (their energy is
 * priced separately); a model with no known price is 'unknown', never 0.
 */
export function priceUsage(ref: ModelRef, usage: Usage, options: PriceOptions = {}): PricedUsage {
  if (options.billedUsd !== undefined && Number.isFinite(options.billedUsd)) {
    return { usd: options.billedUsd, source: 'billed' };
  }
  const override = options.overrides?.[`${ref.provider}/${ref.model}`];
  if (override) return { usd: overridePrice(override, usage), source: 'override' };
  if (ref.provider === 'ollama') return { usd: 0, source: 'local' };
  const providerId = PRICE_PROVIDER[ref.provider];
  if (!providerId) return { usd: 'unknown', source: 'unknown' };
  const result = calcPrice(
    {
      // genai-prices counts all input, cached included, in input_tokens.
      input_tokens: totalInput(usage),
      cache_read_tokens: usage.cacheRead,
      cache_write_tokens: usage.cacheWrite,
      output_tokens: usage.output,
    },
    ref.model,
    { providerId },
  );
  if (!result) return { usd: 'unknown', source: 'unknown' };
  return { usd: result.total_price, source: 'catalog' };
}

export interface UnitPrices {
  inputMtok: number;
  outputMtok: number;
  cacheReadMtok: number;
  cacheWriteMtok: number;
}

/** Per-million-token prices at a given context size, for display and estimates. */
export function unitPrices(
  ref: ModelRef,
  overrides: Record<string, PriceOverride> = {},
): UnitPrices | undefined {
  const override = overrides[`${ref.provider}/${ref.model}`];
  if (override) {
    return {
      inputMtok: override.inputMtok,
      outputMtok: override.outputMtok,
      cacheReadMtok: override.cacheReadMtok ?? override.inputMtok,
      cacheWriteMtok: override.cacheWriteMtok ?? override.inputMtok,
    };
  }
  if (ref.provider === 'ollama')
    return { inputMtok: 0, outputMtok: 0, cacheReadMtok: 0, cacheWriteMtok: 0 };
  const one = (usage: Usage): number | undefined => {
    const priced = priceUsage(ref, usage);
    return priced.usd === 'unknown' ? undefined : priced.usd;
  };
  // Priced at 100K tokens and scaled: a million would cross long-context price tiers.
  const base = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
  const perMillion = (usage: Usage): number | undefined => {
    const usd = one(usage);
    return usd === undefined ? undefined : usd * 10;
  };
  const input = perMillion({ ...base, input: 100_000 });
  const output = perMillion({ ...base, output: 100_000 });
  if (input === undefined || output === undefined) return undefined;
  return {
    inputMtok: input,
    outputMtok: output,
    cacheReadMtok: perMillion({ ...base, cacheRead: 100_000 }) ?? input,
    cacheWriteMtok: perMillion({ ...base, cacheWrite: 100_000 }) ?? input,
  };
}
