import { KirikaeError } from '../core/errors.js';
import { parseModelRef } from '../core/model-ref.js';
import { toOllamaError } from './errors.js';

/*
 * Embeddings from Ollama's `POST /api/embed` (docs/api.md, "Generate Embeddings"): request
 * `{model, input}`, reply `{"model", "embeddings": [[...floats]], "total_duration",
 * "load_duration", "prompt_eval_count"}`, one vector per input; Ollama returns them L2-normalised.
 * An unknown model is a 404 `{"error": "model \"…\" not found, try pulling it first"}`.
 * Plain fetch rather than the ollama client: one small JSON request, a timeout of our own,
 * and nothing printed to the console.
 */

export interface EmbedOptions {
  /** Ollama base URL (OLLAMA_HOST, normalised). */
  host: string;
  /** `ollama/<name>` (cache.semantic.model) or a bare Ollama model name. */
  model: string;
  /** Whole request, ms. The first call may load the model (a cold load of ~270 MB). */
  timeoutMs?: number;
  /** How long Ollama keeps the embedding model loaded afterwards. */
  keepAlive?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface Embedding {
  vector: number[];
  /** Wall-clock time of the call, ms: shown beside the cache's own lookup time. */
  durationMs: number;
  /** Ollama's total_duration in ms, when reported. */
  serverMs?: number;
}

export const DEFAULT_EMBED_TIMEOUT_MS = 10_000;

/** The Ollama model name in an `ollama/<name>` id. */
export function embedModelName(model: string): string {
  if (!model.includes('/')) return model;
  const ref = parseModelRef(model);
  if (ref.provider !== 'ollama') {
    throw new KirikaeError(
      'config',
      `The embedding model must be an Ollama model, got "${model}"`,
      {
        hint: 'Set cache.semantic.model to ollama/nomic-embed-text',
      },
    );
  }
  return ref.model;
}

function vectorOf(body: unknown): number[] | undefined {
  const embeddings = (body as { embeddings?: unknown } | null)?.embeddings;
  if (!Array.isArray(embeddings) || !Array.isArray(embeddings[0])) return undefined;
  const vector = embeddings[0] as unknown[];
  if (vector.length === 0) return undefined;
  for (const x of vector) if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
  return vector as number[];
}

/** Embeds one text. Throws a KirikaeError (network, not_found, timeout, bad_response…). */
export async function embedText(text: string, options: EmbedOptions): Promise<Embedding> {
  const model = embedModelName(options.model);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EMBED_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const started = performance.now();
  let response: Response;
  let body: unknown;
  try {
    response = await doFetch(new URL('/api/embed', options.host), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        input: text,
        ...(options.keepAlive ? { keep_alive: options.keepAlive } : {}),
      }),
      signal,
    });
    const raw = await response.text();
    try {
      body = JSON.parse(raw);
    } catch {
      body = { error: raw.trim() || `HTTP ${response.status}` };
    }
  } catch (error) {
    if (timeout.aborted && !options.signal?.aborted) {
      throw new KirikaeError('timeout', `Ollama did not embed within ${timeoutMs / 1000} s`, {
        provider: 'ollama',
        cause: error,
      });
    }
    throw toOllamaError(error, options.host, model);
  }
  if (!response.ok) {
    const message = String(
      (body as { error?: unknown } | null)?.error ?? `HTTP ${response.status}`,
    );
    throw toOllamaError(
      Object.assign(new Error(message), { status_code: response.status }),
      options.host,
      model,
    );
  }
  const vector = vectorOf(body);
  if (!vector) {
    throw new KirikaeError('bad_response', 'Ollama /api/embed returned no embedding', {
      provider: 'ollama',
    });
  }
  const total = (body as { total_duration?: unknown }).total_duration;
  return {
    vector,
    durationMs: performance.now() - started,
    ...(typeof total === 'number' ? { serverMs: total / 1e6 } : {}),
  };
}
