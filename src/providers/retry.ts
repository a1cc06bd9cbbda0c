import { KirikaeError } from '../core/index.js';
import type { ErrorKind, ProviderId, StreamEvent } from '../core/index.js';

/**
 * kirikae's own retry policy (the SDKs' retries are off: they ran before kirikae saw the error,
 * invisibly, and retried spend-limit 429s that bill nothing but waste time).
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff without a server hint: base × 2^(attempt−1), ±25 % jitter, capped. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A retry-after longer than this is not waited out: the caller falls back instead. */
  maxRetryAfterMs: number;
  /** Only these kinds are retried (default: every kind worth retrying). */
  kinds?: readonly ErrorKind[];
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Worth the same call again. Never: spend_limit (OpenAI's insufficient_quota 429, Anthropic's
 * spend-limit 429: waiting does not add credit), auth, bad_request, context_length, not_found,
 * config, aborted, and bad_response (the same server would send the same broken answer).
 */
const RETRIED: ReadonlySet<ErrorKind> = new Set([
  'rate_limit',
  'overloaded',
  'server',
  'network',
  'timeout',
]);

/**
 * Ollama is a local server: a refused connection means it is not running, a first-byte timeout
 * already waited minutes, and its 500s (model too large for memory, runner crashed) repeat on a
 * retry; only "busy" answers are worth waiting for. The caller falls back at once otherwise.
 */
const OLLAMA_RETRIED: ReadonlySet<ErrorKind> = new Set(['rate_limit', 'overloaded']);

function retriedKind(provider: ProviderId, kind: ErrorKind): boolean {
  return provider === 'ollama' ? OLLAMA_RETRIED.has(kind) : RETRIED.has(kind);
}

/** How long to wait before attempt `attempt + 1`, or undefined when it must not be retried. */
export function retryDelayMs(
  provider: ProviderId,
  error: KirikaeError,
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts || !retriedKind(provider, error.kind)) return undefined;
  if (policy.kinds && !policy.kinds.includes(error.kind)) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs > policy.maxRetryAfterMs ? undefined : error.retryAfterMs;
  }
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(backoff * (0.75 + random() * 0.5));
}

type WaitEnd = 'elapsed' | 'aborted' | 'skipped';

/** Sleeps, ending at once when the call is aborted or the caller says to stop retrying. */
function wait(ms: number, signal?: AbortSignal, skip?: AbortSignal): Promise<WaitEnd> {
  if (signal?.aborted) return Promise.resolve('aborted');
  if (skip?.aborted) return Promise.resolve('skipped');
  return new Promise((resolve) => {
    const finish = (end: WaitEnd) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      skip?.removeEventListener('abort', onSkip);
      resolve(end);
    };
    const onAbort = () => finish('aborted');
    const onSkip = () => finish('skipped');
    const timer = setTimeout(() => finish('elapsed'), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    skip?.addEventListener('abort', onSkip, { once: true });
  });
}

/** Events after which a retry would repeat what the consumer already has (or was billed). */
const COMMITTING = new Set<StreamEvent['type']>([
  'text',
  'reasoning',
  'tool_call',
  'usage',
  'warning',
]);

export interface RetryOptions {
  provider: ProviderId;
  policy?: RetryPolicy;
  signal?: AbortSignal;
  /** Aborting it stops retrying at once: the last failure becomes the stream's error. */
  skipRetry?: AbortSignal;
}

/**
 * Runs attempts of one call until one succeeds, fails in a way not worth retrying, or the
 * attempts run out. Only a failure before anything was streamed or billed is retried (an
 * HTTP error, a refused connection, a first-byte timeout); a stream that fails midway ends with
 * its error and the caller decides (fallback). Each wait is announced by a `retry` event.
 */
export async function* withRetry(
  attempt: () => AsyncIterable<StreamEvent>,
  options: RetryOptions,
): AsyncGenerator<StreamEvent, void> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let n = 1; ; n++) {
    let committed = false;
    let retryAfter: { error: KirikaeError; delayMs: number; event: StreamEvent } | undefined;
    for await (const event of attempt()) {
      if (event.type === 'error' && !committed && !options.skipRetry?.aborted) {
        const delayMs = retryDelayMs(options.provider, event.error, n, policy);
        if (delayMs !== undefined) {
          retryAfter = { error: event.error, delayMs, event };
          continue;
        }
      }
      if (COMMITTING.has(event.type)) committed = true;
      yield event;
    }
    if (!retryAfter) return;
    const { error, delayMs, event } = retryAfter;
    yield {
      type: 'retry',
      attempt: n,
      maxAttempts: policy.maxAttempts,
      delayMs,
      kind: error.kind,
      provider: options.provider,
      message: error.message,
    };
    const end = await wait(delayMs, options.signal, options.skipRetry);
    if (end === 'skipped') return yield event;
    if (end === 'aborted') {
      const aborted = new KirikaeError(
        'aborted',
        `${error.message} (stopped while waiting to retry)`,
        {
          provider: options.provider,
        },
      );
      const metrics = event.type === 'error' ? event.metrics : { durationMs: 0 };
      return yield { type: 'error', error: aborted, metrics };
    }
  }
}
