// How long a provider asked us to wait, from the headers of a 429/529 response.

/** Reads one response header by (case-insensitive) name. */
export type HeaderGetter = (name: string) => string | undefined;

export const NO_HEADERS: HeaderGetter = () => undefined;

export function headerGetter(headers: unknown): HeaderGetter {
  if (headers === null || typeof headers !== 'object') return NO_HEADERS;
  const record = headers as Record<string, unknown>;
  if (typeof record.get === 'function') {
    const get = record.get as (name: string) => string | null;
    return (name) => get.call(headers, name) ?? undefined;
  }
  const lower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => {
    const value = lower.get(name.toLowerCase());
    if (Array.isArray(value)) return value.join(', ');
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
}

/** Go-style durations as OpenAI sends them in x-ratelimit-reset-*: "1s", "6m0s", "20ms". */
export function parseDurationMs(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * (unit[p[2] ?? 's'] ?? 0), 0);
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : undefined;
}

const ANTHROPIC_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'];
const OPENAI_LIMITS = ['requests', 'tokens'];

/**
 * How long the provider asked us to wait. retry-after wins; otherwise the reset time of the
 * exhausted limit (remaining 0), or of all limits when none says which one ran out.
 */
export function retryAfterMs(get: HeaderGetter, now: number = Date.now()): number | undefined {
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') && Number.isFinite(ms)) return positive(ms);
  const retryAfter = get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return positive(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return positive(date - now);
  }
  const resets: { ms: number; exhausted: boolean }[] = [];
  for (const limit of ANTHROPIC_LIMITS) {
    const reset = get(`anthropic-ratelimit-${limit}-reset`);
    const at = reset ? Date.parse(reset) : NaN;
    if (Number.isFinite(at)) {
      resets.push({
        ms: at - now,
        exhausted: get(`anthropic-ratelimit-${limit}-remaining`) === '0',
      });
    }
  }
  for (const limit of OPENAI_LIMITS) {
    const reset = get(`x-ratelimit-reset-${limit}`);
    const wait = reset ? parseDurationMs(reset) : undefined;
    if (wait !== undefined) {
      resets.push({ ms: wait, exhausted: get(`x-ratelimit-remaining-${limit}`) === '0' });
    }
  }
  // OpenRouter: X-RateLimit-Reset as epoch milliseconds.
  const epoch = Number(get('x-ratelimit-reset'));
  if (get('x-ratelimit-reset') && Number.isFinite(epoch)) {
    resets.push({ ms: epoch > 1e12 ? epoch - now : epoch * 1000, exhausted: true });
  }
  const exhausted = resets.filter((r) => r.exhausted);
  const pool = exhausted.length > 0 ? exhausted : resets;
  if (pool.length === 0) return undefined;
  return positive(Math.max(...pool.map((r) => r.ms)));
}
