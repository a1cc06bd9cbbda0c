import type { MemorySnapshot } from './memory-snapshot.js';
import { readMemory } from './memory.js';

export interface Sampler<T> {
  /** The most recent successful sample, if any. */
  latest(): T | undefined;
  stop(): void;
}

export interface SamplerOptions<T> {
  read: () => Promise<T>;
  onSample?: (sample: T) => void;
  onError?: (error: unknown) => void;
  intervalMs?: number;
}

/**
 * Samples on a self-rescheduling timer: the next read is scheduled only after the previous one
 * settled, so a slow read (a busy Mac spawning vm_stat) never overlaps the next. The timer is
 * unref'd so an idle sampler never keeps the process alive, and reads run off the caller's stack.
 */
export function startSampler<T>(options: SamplerOptions<T>): Sampler<T> {
  const intervalMs = options.intervalMs ?? 1000;
  let latest: T | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  const tick = () => {
    const started = Date.now();
    options
      .read()
      .then(
        (sample) => {
          if (stopped) return;
          latest = sample;
          try {
            options.onSample?.(sample);
          } catch (error) {
            // A throwing listener must not end the sampling loop or surface as unhandled.
            options.onError?.(error);
          }
        },
        (error: unknown) => {
          if (!stopped) options.onError?.(error);
        },
      )
      .finally(() => schedule(Math.max(0, intervalMs - (Date.now() - started))));
  };
  schedule(0);
  return {
    latest: () => latest,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export interface MemorySamplerOptions {
  intervalMs?: number;
  onSample?: (snapshot: MemorySnapshot) => void;
  onError?: (error: unknown) => void;
  /** Injected reader (tests, recorded replays); default reads this machine. */
  read?: () => Promise<MemorySnapshot>;
}

export function startMemorySampler(options: MemorySamplerOptions = {}): Sampler<MemorySnapshot> {
  return startSampler({
    read: options.read ?? (() => readMemory()),
    intervalMs: options.intervalMs ?? 1000,
    onSample: options.onSample,
    onError: options.onError,
  });
}
