import type { ModelPrice } from '@pydantic/genai-prices';

/*
 * Prices kirikae carries itself, where the bundled genai-prices is stale or lacks a default model.
 * Each entry names the vendor page it was read from and the day it was checked; an entry wins over
 * genai-prices for its exact id. Prices are USD per million tokens in genai-prices' own shape
 * (a tier applies once the total input — uncached + cache read + cache write — exceeds `start`).
 * Remove an entry once the bundled data carries the same figures.
 */

export interface CatalogOverride {
  /** `provider/model`, exactly as configured. */
  id: string;
  /** The vendor's page the figures were read from. */
  source: string;
  /** The day the source was read (YYYY-MM-DD). */
  checked: string;
  /** Why genai-prices is not used for this id. */
  why: string;
  /** Tokens of context, from the same vendor page. */
  contextWindow: number;
  /** The prices themselves, or … */
  prices?: ModelPrice;
  /** … the genai-prices entry that prices this id (OpenRouter passes a vendor's prices through). */
  priceAs?: { providerId: string; model: string };
}

export const CATALOG_OVERRIDES: readonly CatalogOverride[] = [
  {
    id: 'anthropic/claude-sonnet-5-5',
    contextWindow: 1_000_000,
    source: 'https://platform.claude.com/docs/en/about-claude/pricing',
    checked: '2026-11-30',
    why: 'genai-prices 0.1.8 has no Sonnet 5.5; its claude-sonnet-5 prefix rule would price it as Sonnet 5 with the cache read Anthropic cut to $0.10 on 2026-10-07',
    prices: {
      input_mtok: 2,
      output_mtok: 10,
      cache_read_mtok: 0.1,
      cache_write_mtok: 2.5,
      cache_write_1h_mtok: 4,
    },
  },
  {
    id: 'anthropic/claude-haiku-5-5',
    contextWindow: 1_000_000,
    source: 'https://platform.claude.com/docs/en/models/haiku-5-5/overview',
    checked: '2026-11-30',
    why: 'not in genai-prices 0.1.8; priced by prompt length (5× above 100,000 tokens)',
    prices: {
      input_mtok: { base: 0.1, tiers: [{ start: 100_000, price: 0.5 }] },
      output_mtok: { base: 0.5, tiers: [{ start: 100_000, price: 2.5 }] },
      cache_read_mtok: { base: 0.01, tiers: [{ start: 100_000, price: 0.05 }] },
      cache_write_mtok: { base: 0.125, tiers: [{ start: 100_000, price: 0.625 }] },
      cache_write_1h_mtok: { base: 0.2, tiers: [{ start: 100_000, price: 1 }] },
    },
  },
  {
    id: 'openai/gpt-6.2-sol',
    contextWindow: 1_050_000,
    source: 'https://developers.openai.com/api/docs/models/gpt-6.2-sol',
    checked: '2026-11-30',
    why: 'not in genai-prices 0.1.8; above 272K input, input and cache rates double and output is 1.5×',
    prices: {
      input_mtok: { base: 2, tiers: [{ start: 272_000, price: 4 }] },
      output_mtok: { base: 10, tiers: [{ start: 272_000, price: 15 }] },
      cache_read_mtok: { base: 0.1, tiers: [{ start: 272_000, price: 0.2 }] },
      cache_write_mtok: { base: 2.5, tiers: [{ start: 272_000, price: 5 }] },
    },
  },
  {
    id: 'openrouter/google/gemini-3.8-flash',
    contextWindow: 1_000_000,
    source: 'https://ai.google.dev/gemini-api/docs/pricing',
    checked: '2026-11-30',
    why: "genai-prices 0.1.8 lists Gemini 3.8 Flash under Google only; OpenRouter passes Google's price through ($0.75/$3.75 through 2026-12-31, then $1.50/$7.50)",
    priceAs: { providerId: 'google', model: 'gemini-3.8-flash' },
  },
];

const byId = new Map(CATALOG_OVERRIDES.map((o) => [o.id, o]));

export function catalogOverride(id: string): CatalogOverride | undefined {
  return byId.get(id);
}
