import { KirikaeError } from '../core/index.js';
import type { ProviderId, StopReason, StreamEvent, StreamMetrics, Usage } from '../core/index.js';
import { PROVIDER_LABELS } from './errors.js';

/** Usage as an accumulator knows it at some point of the stream. */
export interface UsageSnapshot {
  usage: Usage;
  /** True once the provider reported the output count itself; until then it is estimated. */
  outputReported: boolean;
  /** The provider's own billed figure (OpenRouter), only from a complete final usage report. */
  billedUsd?: number;
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
}

/** Roughly four characters per token for English and code: good enough for an interrupted turn. */
export function estimateTokensFromChars(chars: number): number {
  return Math.ceil(chars / 4);
}

export function settleUsage(snapshot: UsageSnapshot, outputChars: number): Usage {
  if (snapshot.outputReported) return snapshot.usage;
  return {
    ...snapshot.usage,
    output: Math.max(snapshot.usage.output, estimateTokensFromChars(outputChars)),
  };
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

/**
 * Drives one provider call: timing, abort, error mapping and the closing usage + done/error
 * events, so each adapter only maps requests and chunks. Never throws.
 */
export async function* runStream<C>(options: RunOptions<C>): AsyncGenerator<StreamEvent, void> {
  const { accumulator: acc, provider } = options;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  let firstTokenAt: number | undefined;
  let opened = false;

  const inner = new AbortController();
  const forwardAbort = (): void => inner.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  if (options.signal?.aborted) inner.abort();
  const aborted = whenAborted(inner.signal);

  const metrics = (usage: Usage): StreamMetrics => {
    const ended = clock();
    const server = acc.serverMetrics?.() ?? {};
    const generating = firstTokenAt === undefined ? 0 : (ended - firstTokenAt) / 1000;
    const tokPerSec =
      server.tokPerSec ??
      (generating > 0 && usage.output > 0 ? usage.output / generating : undefined);
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
    const usage = settleUsage(snapshot, acc.outputChars);
    if (withUsage) {
      yield snapshot.outputReported && snapshot.billedUsd !== undefined
        ? { type: 'usage', usage, billedUsd: snapshot.billedUsd }
        : { type: 'usage', usage };
    }
    yield outcome instanceof KirikaeError
      ? { type: 'error', error: outcome, metrics: metrics(usage) }
      : { type: 'done', stopReason: outcome, metrics: metrics(usage) };
  }

  const abortedError = (): KirikaeError =>
    new KirikaeError('aborted', `${PROVIDER_LABELS[provider]} request aborted`, { provider });

  try {
    if (inner.signal.aborted) return yield* closing(abortedError(), true);
    const start = await raceAbort(options.open(inner.signal), aborted);
    if (start === ABORTED) return yield* closing(abortedError(), true);
    opened = true;
    for (const message of start.notices ?? []) yield { type: 'notice', message };

    const iterator = start.chunks[Symbol.asyncIterator]();
    for (;;) {
      const step = inner.signal.aborted ? ABORTED : await raceAbort(iterator.next(), aborted);
      if (step === ABORTED) {
        void iterator.return?.()?.catch(() => {});
        return yield* closing(abortedError(), true);
      }
      if (step.done) break;
      const events = acc.push(step.value);
      if (firstTokenAt === undefined && acc.outputChars > 0) firstTokenAt = clock();
      yield* events;
    }
    // SDK streams end quietly when their request is aborted: look before trusting the end.
    if (inner.signal.aborted) return yield* closing(abortedError(), true);
    yield* closing(acc.finish(), true);
  } catch (error) {
    if (inner.signal.aborted) return yield* closing(abortedError(), true);
    yield* closing(options.toError(error), opened);
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
    // Also releases the HTTP request when the consumer stops iterating early.
    inner.abort();
  }
}
