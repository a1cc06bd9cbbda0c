import { findProvider } from '@pydantic/genai-prices';
import { closest, distance } from 'fastest-levenshtein';
import { PROVIDER_IDS, type ModelRef, type ProviderId } from '../core/model-ref.js';
import { CATALOG_OVERRIDES, catalogOverride } from './overrides.js';
import { PRICE_PROVIDER } from './price-providers.js';
import { retirement } from './retirements.js';

/** Context windows the price data does not carry (vendors' model pages). */
const CONTEXT_FALLBACK: Record<string, number> = {
  'openrouter/deepseek/deepseek-chat': 163_840,
  'openrouter/openai/gpt-oss-120b:free': 131_072,
  'openrouter/openai/gpt-oss-120b': 131_072,
  'deepseek/deepseek-chat': 128_000,
  // DeepSeek V4: 1M context (api-docs.deepseek.com/quick_start/pricing).
  'openrouter/deepseek/deepseek-v4-flash': 1_000_000,
};

/** Local models: Ollama's /api/show knows best; until asked, assume a conservative window. */
export const DEFAULT_LOCAL_CONTEXT = 32_768;

interface CatalogModel {
  id: string;
  contextWindow?: number;
  deprecated?: boolean;
}

const cache = new Map<ProviderId, CatalogModel[]>();

/** Models the price data knows for a provider (empty for ollama: those come from the server). */
export function catalogModels(provider: ProviderId): CatalogModel[] {
  const cached = cache.get(provider);
  if (cached) return cached;
  const priceProvider = PRICE_PROVIDER[provider];
  const found = priceProvider ? findProvider({ providerId: priceProvider }) : undefined;
  const models = (found?.models ?? []).map((m) => ({
    id: m.id,
    contextWindow: m.context_window,
    deprecated: m.deprecated,
  }));
  cache.set(provider, models);
  return models;
}

function findModel(ref: ModelRef): CatalogModel | undefined {
  return catalogModels(ref.provider).find((m) => m.id === ref.model);
}

export function isKnownModel(ref: ModelRef): boolean {
  return (
    ref.provider === 'ollama' ||
    catalogOverride(`${ref.provider}/${ref.model}`) !== undefined ||
    findModel(ref) !== undefined
  );
}

export function contextWindow(ref: ModelRef): number | undefined {
  const id = `${ref.provider}/${ref.model}`;
  if (CONTEXT_FALLBACK[id]) return CONTEXT_FALLBACK[id];
  const pinned = catalogOverride(id)?.contextWindow;
  if (pinned) return pinned;
  if (ref.provider === 'ollama') return DEFAULT_LOCAL_CONTEXT;
  return findModel(ref)?.contextWindow;
}

export interface Deprecation {
  retiresOn: string;
  retired: boolean;
}

/** Retirement of a model (see retirement() for the replacement and source). */
export function deprecation(ref: ModelRef, today = new Date()): Deprecation | undefined {
  const dated = retirement(`${ref.provider}/${ref.model}`, today);
  if (dated) return { retiresOn: dated.retiresOn, retired: dated.retired };
  if (findModel(ref)?.deprecated) return { retiresOn: 'announced', retired: false };
  return undefined;
}

/** Up to `count` known ids near a mistyped one, for "did you mean" errors. */
export function closestModelIds(id: string, count = 3, extra: string[] = []): string[] {
  // A set: the extra ids (the config's tiers and fallback) repeat catalog ids and each other.
  const candidates = [
    ...new Set([
      ...PROVIDER_IDS.flatMap((p) => catalogModels(p).map((m) => `${p}/${m.id}`)),
      ...CATALOG_OVERRIDES.map((o) => o.id),
      ...extra,
    ]),
  ];
  if (!candidates.length) return [];
  const best = closest(id, candidates);
  return [...candidates]
    .map((c) => ({ c, d: distance(id, c) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((x) => x.c)
    .sort((a, b) => (a === best ? -1 : b === best ? 1 : 0));
}

/**
 * OpenAI models to call through the Responses API: codex models are served there only (Chat
 * Completions answers 404), and GPT-6.1 Sol and later take tool calls on Chat Completions only
 * with reasoning effort `none`, which they reject (developers.openai.com/api/docs/models).
 */
export function needsResponsesApi(ref: ModelRef): boolean {
  if (ref.provider !== 'openai') return false;
  return /codex/.test(ref.model) || /^gpt-(6\.[1-9]|[7-9])/.test(ref.model);
}
