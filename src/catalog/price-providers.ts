import type { ProviderId } from '../core/model-ref.js';
import { CATALOG_OVERRIDES } from './overrides.js';

/** genai-prices' id for each provider kirikae calls that it prices (ollama is local). */
export const PRICE_PROVIDER: Readonly<Partial<Record<ProviderId, string>>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  openrouter: 'openrouter',
  deepseek: 'deepseek',
};

/**
 * Every genai-prices provider a lookup starts from: the ones above and those a catalog override
 * prices through. The build keeps only these (and their fallbacks) of the package's data
 * (scripts/genai-prices-for-kirikae.mjs), so a lookup must never name a provider that is not here.
 */
export function priceDataProviders(): string[] {
  const ids = new Set<string>(Object.values(PRICE_PROVIDER));
  for (const entry of CATALOG_OVERRIDES) if (entry.priceAs) ids.add(entry.priceAs.providerId);
  return [...ids];
}
