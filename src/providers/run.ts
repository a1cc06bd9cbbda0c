import { KirikaeError } from '../core/index.js';
import type {
  ProviderId,
  StopReason,
  StreamEvent,
  StreamMetrics,
  StreamTimeouts,
  Usage,
} from '../core/index.js';
import { PROVIDER_LABELS } from './errors.js';

/** Usage as an accumulator knows it at some point of the stream. */
export interface UsageSnapshot {
  usage: Usage;
  /** True once the provider reported the output count itself; until then it is estimated. */
  outputReported: boolean;
  /** True once the provider reported the input count (Anthropic: message_start; others: the end). */
  inputReported?: boolean;
  /** The provider's own billed figure (OpenRouter), only from a complete final usage report. */
  billedUsd?: number;
  /** A cost an endpoint reported that kirikae does not trust as the bill (kept for comparison). */
  reportedUsd?: number;
}

/**
 * Per-API-family state machine: turns wire chunks into stream events. Pure (no I/O), so each
 * family's conversion is unit-tested with plain chunk objects.
 */
export interface ChunkAccumulator<C> {
  /** Content events for one chunk; throws for a chunk that reports a failure. */
  push(chunk: C): StreamEvent[];
  /** Characters of generated output so far (text, reasoning, tool arguments). */
  readonly outputChars: number;
  usage(): UsageSnapshot;
  /** The chunk stream ended by itself: the stop reason, or the error that explains an early end. */
  finish(): StopReason | KirikaeError;
  /** Server-measured metrics (Ollama) that beat the wall-clock estimate. */
  serverMetrics?(): Pick<StreamMetrics, 'tokPerSec' | 'loadMs'>;
}

export interface OpenedStream<C> {
  chunks: AsyncIterable<C>;
  /** Warnings raised while starting the request (e.g. a deprecated model). */
  notices?: readonly string[];
}

export interface RunOptions<C> {
  provider: ProviderId;
  /** Starts the request. The signal aborts when the caller aborts or stops iterating. */
  open(signal: AbortSignal): Promise<OpenedStream<C>>;
  accumulator: ChunkAccumulator<C>;
  toError(error: unknown): KirikaeError;
  signal?: AbortSignal;
  clock?: () => number;
  /** kirikae's own first-byte and idle limits; none when absent. */
  timeouts?: StreamTimeouts;
  /** Input tokens of the request as sent, for a stream cut before the provider reported them. */
  promptTokens?: () => number;
}

/** Roughly four characters per token for English and code: good enough for an interrupted turn. */
export function estimateTokensFromChars(chars: number): number {
  return Math.ceil(chars / 4);
}

/**
 * Counts the provider did not report are estimated and the usage is marked so: output from
 * the streamed characters, input from the request (when the request was sent at all).
 */
export function settleUsage(
  snapshot: UsageSnapshot,
  outputChars: number,
  promptTokens?: () => number,
): Usage {
  let usage = snapshot.usage;
  if (!snapshot.outputReported) {
    const estimate = estimateTokensFromChars(outputChars);
    if (estimate > usage.output) usage = { ...usage, output: estimate, estimated: true };
  }
  if (!snapshot.inputReported && promptTokens) {
    usage = { ...usage, input: Math.max(usage.input, promptTokens()), estimated: true };
  }
  return usage;
}

/** Fewer tokens or less time than this give a rate dominated by network jitter and buffering. */
export const MIN_RATE_TOKENS = 20;
export const MIN_RATE_SECONDS = 0.25;

/** Tokens per second, or undefined when the sample is too small to mean anything. */
export function generationRate(tokens: number, seconds: number): number | undefined {
  if (tokens < MIN_RATE_TOKENS || seconds < MIN_RATE_SECONDS) return undefined;
  return tokens / seconds;
}

const ABORTED: unique symbol = Symbol('aborted');
type Aborted = typeof ABORTED;

function whenAborted(signal: AbortSignal): Promise<Aborted> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
  });
}

/**
 * Races an SDK promise against the abort signal: SDKs clean up on abort in their own time (and
 * ollama-js cannot abort a request before its headers arrive), but the caller must get control
 * back at once. The losing promise's rejection is swallowed so it cannot surface as unhandled.
 */
function raceAbort<T>(promise: Promise<T>, aborted: Promise<Aborted>): Promise<T | Aborted> {
  promise.catch(() => {});
  return Promise.race([promise, aborted]);
}

type Silence = 'first_byte' | 'idle';

/**
 * Aborts the request when the server stays silent too long: first until the first chunk, then
 * between chunks. One timer, re-armed lazily, so a fast stream costs no timer per chunk.
 */
class Watchdog {
  phase: Silence = 'first_byte';
  fired: Silence | undefined;
  private last = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly limits: StreamTimeouts,
    private readonly onFire: () => void,
  ) {
    this.arm();
  }

  /** A chunk arrived: the silence starts again, now measured against the idle limit. */
  activity(): void {
    this.last = performance.now();
    if (this.phase === 'first_byte') {
      this.phase = 'idle';
      this.arm();
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private limit(): number | undefined {
    return this.phase === 'first_byte' ? this.limits.firstByteMs : this.limits.idleMs;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const limit = this.limit();
    if (limit === undefined || !Number.isFinite(limit)) return;
    const wait = Math.max(0, limit - (performance.now() - this.last));
    this.timer = setTimeout(() => this.check(), wait);
  }

  private check(): void {
    const limit = this.limit();
    if (limit === undefined) return;
    if (performance.now() - this.last >= limit) {
      this.fired = this.phase;
      this.onFire();
    } else this.arm();
  }
}

function timeoutError(
  provider: ProviderId,
  silence: Silence,
  limits: StreamTimeouts,
): KirikaeError {
  const label = PROVIDER_LABELS[provider];
  const ms = (silence === 'first_byte' ? limits.firstByteMs : limits.idleMs) ?? 0;
  const seconds = Math.round(ms / 100) / 10;
  return silence === 'first_byte'
    ? new KirikaeError('timeout', `${label} sent no answer within ${seconds} s`, {
        provider,
        hint: 'The server may be overloaded or still loading the model: retry or route elsewhere',
      })
    : new KirikaeError('timeout', `${label} stream stalled: no data for ${seconds} s`, {
        provider,
        hint: 'The connection went quiet mid-answer: retry the turn or route elsewhere',
      });
}

/**
 * Drives one provider call: timing, abort, timeouts, error mapping and the closing usage +
 * done/error events, so each adapter only maps requests and chunks. Never throws.
 */
export async function* runStream<C>(options: RunOptions<C>): AsyncGenerator<StreamEvent, void> {
  const { accumulator: acc, provider } = options;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  let firstTokenAt: number | undefined;
  let opened = false;
  let sent = false;

  const inner = new AbortController();
  const forwardAbort = (): void => inner.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  if (options.signal?.aborted) inner.abort();
  const aborted = whenAborted(inner.signal);
  const watchdog = options.timeouts ? new Watchdog(options.timeouts, forwardAbort) : undefined;

  const metrics = (usage: Usage): StreamMetrics => {
    const ended = clock();
    const server = acc.serverMetrics?.() ?? {};
    const generating = firstTokenAt === undefined ? 0 : (ended - firstTokenAt) / 1000;
    const tokPerSec = server.tokPerSec ?? generationRate(usage.output, generating);
    return {
      durationMs: Math.round(ended - started),
      ...(firstTokenAt === undefined ? {} : { firstTokenMs: Math.round(firstTokenAt - started) }),
      ...(tokPerSec === undefined ? {} : { tokPerSec }),
      ...(server.loadMs === undefined ? {} : { loadMs: server.loadMs }),
    };
  };

  function* closing(
    outcome: StopReason | KirikaeError,
    withUsage: boolean,
  ): Generator<StreamEvent, void> {
    const snapshot = acc.usage();
    // Nothing is booked for a call refused before its response opened, so nothing is counted;
    // a request that never left has no input to estimate.
    const usage = withUsage
      ? settleUsage(snapshot, acc.outputChars, sent ? options.promptTokens : undefined)
      : snapshot.usage;
    if (withUsage) {
      const complete = snapshot.outputReported;
      yield {
        type: 'usage',
        usage,
        ...(complete && snapshot.billedUsd !== undefined ? { billedUsd: snapshot.billedUsd } : {}),
        ...(complete && snapshot.reportedUsd !== undefined
          ? { reportedUsd: snapshot.reportedUsd }
          : {}),
      };
    }
    yield outcome instanceof KirikaeError
      ? { type: 'error', error: outcome, metrics: metrics(usage) }
      : { type: 'done', stopReason: outcome, metrics: metrics(usage) };
  }

  /** Why the request was stopped from our side: a timeout, or the caller's abort. */
  const stopped = (): Generator<StreamEvent, void> => {
    const silence = watchdog?.fired;
    if (silence && options.timeouts && !options.signal?.aborted) {
      // A server that never answered has billed nothing; one that opened the response may have.
      return closing(timeoutError(provider, silence, options.timeouts), opened);
    }
    const error = new KirikaeError('aborted', `${PROVIDER_LABELS[provider]} request aborted`, {
      provider,
    });
    return closing(error, true);
  };

  try {
    if (inner.signal.aborted) return yield* stopped();
    sent = true;
    const start = await raceAbort(options.open(inner.signal), aborted);
    if (start === ABORTED) return yield* stopped();
    opened = true;
    for (const message of start.notices ?? []) yield { type: 'notice', message };

    const iterator = start.chunks[Symbol.asyncIterator]();
    for (;;) {
      const step = inner.signal.aborted ? ABORTED : await raceAbort(iterator.next(), aborted);
      if (step === ABORTED) {
        void iterator.return?.()?.catch(() => {});
        return yield* stopped();
      }
      if (step.done) break;
      watchdog?.activity();
      const events = acc.push(step.value);
      if (firstTokenAt === undefined && acc.outputChars > 0) firstTokenAt = clock();
      yield* events;
    }
    // SDK streams end quietly when their request is aborted: look before trusting the end.
    if (inner.signal.aborted) return yield* stopped();
    yield* closing(acc.finish(), true);
  } catch (error) {
    if (inner.signal.aborted) return yield* stopped();
    yield* closing(options.toError(error), opened);
  } finally {
    watchdog?.stop();
    options.signal?.removeEventListener('abort', forwardAbort);
    // Also releases the HTTP request when the consumer stops iterating early.
    inner.abort();
  }
}
