import { describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/index.js';
import type { StopReason, StreamEvent, Usage } from '../../src/core/index.js';
import { runStream, settleUsage, type ChunkAccumulator } from '../../src/providers/run.js';
import { collect, errorOf, shape, usageOf } from '../support/stream-events.js';

/** A minimal accumulator over plain strings: each chunk is text. */
class TextAccumulator implements ChunkAccumulator<string> {
  outputChars = 0;
  constructor(private readonly reported?: Usage) {}
  push(chunk: string): StreamEvent[] {
    this.outputChars += chunk.length;
    return [{ type: 'text', text: chunk }];
  }
  usage() {
    return this.reported
      ? { usage: this.reported, outputReported: true, billedUsd: 0.5 }
      : {
          usage: { input: 7, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
          outputReported: false,
        };
  }
  finish(): StopReason | KirikaeError {
    return 'end_turn';
  }
}

async function* chunks(...parts: string[]) {
  for (const part of parts) yield part;
}

const toError = (error: unknown) =>
  error instanceof KirikaeError ? error : new KirikaeError('bad_response', String(error));

describe('runStream', () => {
  it('yields content, then usage, then done; billedUsd only with reported usage', async () => {
    const reported = { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    const events = await collect(
      runStream({
        provider: 'openrouter',
        accumulator: new TextAccumulator(reported),
        toError,
        open: async () => ({ chunks: chunks('a', 'b'), notices: ['heads up'] }),
      }),
    );
    expect(shape(events)).toEqual(['notice', 'text', 'usage', 'done']);
    expect(usageOf(events)).toEqual({ usage: reported, billedUsd: 0.5 });
  });

  it('a failure before the response yields only the error', async () => {
    const events = await collect(
      runStream({
        provider: 'anthropic',
        accumulator: new TextAccumulator(),
        toError,
        open: () => Promise.reject(new KirikaeError('rate_limit', 'slow')),
      }),
    );
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)?.kind).toBe('rate_limit');
  });

  it('a failure mid-stream yields the estimated usage first', async () => {
    async function* failing() {
      yield 'x'.repeat(40);
      throw new Error('boom');
    }
    const events = await collect(
      runStream({
        provider: 'anthropic',
        accumulator: new TextAccumulator(),
        toError,
        open: async () => ({ chunks: failing() }),
      }),
    );
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(usageOf(events)?.usage).toMatchObject({ input: 7, output: 10 });
  });

  it('an abort while the request hangs ends at once, whatever the SDK does', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    const events = await collect(
      runStream({
        provider: 'ollama',
        accumulator: new TextAccumulator(),
        toError,
        signal: controller.signal,
        // Never settles and ignores its signal: the worst case an SDK can present.
        open: () => new Promise<never>(() => {}),
      }),
    );
    expect(performance.now() - started).toBeLessThan(200);
    expect(shape(events)).toEqual(['usage', 'error']);
    expect(errorOf(events)?.kind).toBe('aborted');
  });

  it('stopping iteration early aborts the request signal', async () => {
    let requestSignal: AbortSignal | undefined;
    async function* endless() {
      for (;;) yield 'tick';
    }
    for await (const event of runStream({
      provider: 'openai',
      accumulator: new TextAccumulator(),
      toError,
      open: async (signal) => {
        requestSignal = signal;
        return { chunks: endless() };
      },
    })) {
      if (event.type === 'text') break;
    }
    expect(requestSignal?.aborted).toBe(true);
  });
});

describe('tok/s (issue 13.8)', () => {
  /** A clock that returns the given readings in order (ms), then repeats the last. */
  const readings = (...ms: number[]) => {
    let i = 0;
    return () => ms[Math.min(i++, ms.length - 1)]!;
  };
  const run = (output: number, clock: () => number) =>
    collect(
      runStream({
        provider: 'openai',
        accumulator: new TextAccumulator({
          input: 1,
          output,
          cacheRead: 0,
          cacheWrite: 0,
          reasoning: 0,
        }),
        toError,
        clock,
        open: async () => ({ chunks: chunks('x'.repeat(40)) }),
      }),
    );
  const doneMetrics = (events: StreamEvent[]) => {
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('expected done');
    return done.metrics;
  };

  it('an instant reply has no rate: 2,000 tokens in 17 ms is buffering, not 117,647 tok/s', async () => {
    // Clock: start 0, first token at 1 ms, end at 18 ms.
    const metrics = doneMetrics(await run(2000, readings(0, 1, 18)));
    expect(metrics.tokPerSec).toBeUndefined();
    expect(metrics.durationMs).toBe(18);
  });

  it('too few tokens give no rate either (12 tokens over 2 s)', async () => {
    expect(doneMetrics(await run(12, readings(0, 100, 2100))).tokPerSec).toBeUndefined();
  });

  it('a real sample counts from the first token: 300 tokens over 1.5 s = 200 tok/s', async () => {
    // Start 0, first token at 500 ms (not counted), end at 2,000 ms.
    expect(doneMetrics(await run(300, readings(0, 500, 2000))).tokPerSec).toBe(200);
  });
});

describe('settleUsage', () => {
  it('estimates output from characters only when the provider did not report it', () => {
    const usage = { input: 3, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    expect(settleUsage({ usage, outputReported: false }, 41).output).toBe(11);
    expect(settleUsage({ usage, outputReported: true }, 41).output).toBe(1);
  });
});
