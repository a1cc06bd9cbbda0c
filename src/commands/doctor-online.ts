import { parseModelRef, type ProviderId } from '../core/model-ref.js';
import { resolveEndpoint } from '../providers/endpoints.js';

/*
 * `kirikae doctor --online`: asks each provider's own model list which ids it serves today, and
 * flags configured ids it does not list (a retirement the dated table has not heard of yet, or a
 * typo the catalog happens to know). Opt-in: it needs the network and the keys.
 */

export interface FetchResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<FetchResponse>;

export interface ServedModels {
  provider: ProviderId;
  url: string;
  ids?: string[];
  error?: string;
}

export interface OnlineReport {
  providers: ServedModels[];
  /** Configured ids whose provider answered but does not list them. */
  missing: string[];
}

type Cloud = Exclude<ProviderId, 'ollama'>;

/**
 * Where each provider lists its models (GET, `data[].id`): Anthropic /v1/models (paged with
 * `has_more`/`last_id`), OpenAI, OpenRouter and DeepSeek `<base>/models`.
 */
function listRequest(
  provider: Cloud,
  baseUrl: string,
  apiKey: string,
): { url: string; headers: Record<string, string> } {
  if (provider === 'anthropic')
    return {
      url: `${baseUrl}/v1/models?limit=1000`,
      headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' },
    };
  return { url: `${baseUrl}/models`, headers: { authorization: `Bearer ${apiKey}` } };
}

interface ModelPage {
  data?: { id?: unknown }[];
  has_more?: boolean;
  last_id?: string;
}

const MAX_PAGES = 10;

export async function listServedModels(
  provider: Cloud,
  env: NodeJS.ProcessEnv,
  fetchImpl: FetchLike,
  timeoutMs = 5_000,
): Promise<ServedModels> {
  const endpoint = resolveEndpoint(provider, env);
  const { url, headers } = listRequest(provider, endpoint.baseUrl, endpoint.apiKey ?? '');
  const ids: string[] = [];
  let next = url;
  try {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const response = await fetchImpl(next, { headers, signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) return { provider, url, error: `HTTP ${response.status}` };
      const body = (await response.json()) as ModelPage;
      for (const m of body.data ?? []) if (typeof m.id === 'string') ids.push(m.id);
      if (!body.has_more || !body.last_id) break;
      next = `${url}&after_id=${encodeURIComponent(body.last_id)}`;
    }
  } catch (error) {
    return { provider, url, error: error instanceof Error ? error.message : String(error) };
  }
  return { provider, url, ids };
}

/** Lists served ids for every provider with configured models and a key, then compares. */
export async function checkOnline(
  configured: readonly string[],
  env: NodeJS.ProcessEnv,
  fetchImpl: FetchLike,
): Promise<OnlineReport> {
  const refs = configured.map((id) => ({ id, ref: parseModelRef(id) }));
  const providers = [...new Set(refs.map((r) => r.ref.provider))].filter(
    (p): p is Cloud => p !== 'ollama' && resolveEndpoint(p, env).apiKey !== undefined,
  );
  const served = await Promise.all(providers.map((p) => listServedModels(p, env, fetchImpl)));
  const byProvider = new Map(served.map((s) => [s.provider, s]));
  const missing = refs
    .filter(({ ref }) => {
      const list = byProvider.get(ref.provider as Cloud)?.ids;
      return list !== undefined && !list.includes(ref.model);
    })
    .map((r) => r.id);
  return { providers: served, missing };
}
