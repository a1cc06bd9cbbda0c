// kirikae's own time-to-first-byte and idle timeouts (issue 11.12): a server that never sends
// headers, and one that stalls mid-stream, end with a `timeout` error within the limit instead of
// the SDKs' 10 minutes (× their retries). Short limits are set per request, as a caller can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../src/core/index.js';
import { createProvider, DEFAULT_TIMEOUTS } from '../../src/providers/index.js';
import { anthropicStubPerFile } from '../support/anthropic-stub.js';
import { startHttpStub, untilClosed, type HttpStub } from '../support/http-stub.js';
import { chatEnv, openAIStubPerFile } from '../support/openai-stub.js';
import { collect, errorOf, shape, textOf, usageOf } from '../support/stream-events.js';

const anthropic = anthropicStubPerFile();
let hungOllama: HttpStub;
const openai = openAIStubPerFile();
beforeAll(async () => {
  // An Ollama that accepts the connection and never answers: a cold load that never finishes.
  hungOllama = await startHttpStub((_request, res) => untilClosed(res));
  // Load the SDK once, so the timings below measure the server, not the module import.
  await collect(claude().stream({ model: 'claude-sonnet-4-6', messages: [] }));
});
afterAll(() => hungOllama.close());

const fast = { firstByteMs: 200, idleMs: 200 };
const request = (model: string): ProviderRequest => ({
  model,
  messages: [{ role: 'user', content: 'hi' }],
  timeouts: fast,
});
const claude = (maxRetries = 0) =>
  createProvider('anthropic', {
    env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: anthropic().url },
    maxRetries,
    retry: { baseDelayMs: 5 },
  });
const gpt = () => createProvider('openai', { env: chatEnv('openai', openai().url), maxRetries: 0 });

describe('first byte', () => {
  it('a server that never sends headers → timeout after the limit, nothing booked', async () => {
    anthropic().steps.push({ hang: true });
    const started = performance.now();
    const events = await collect(claude().stream(request('claude-sonnet-4-6')));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)).toMatchObject({ kind: 'timeout', provider: 'anthropic' });
    expect(errorOf(events)?.message).toBe('Anthropic sent no answer within 0.2 s');
  });

  it('is retryable: kirikae retries it, and the next attempt answers', async () => {
    anthropic().steps.push({ hang: true }, { text: ['second try'] });
    const events = await collect(claude(1).stream(request('claude-sonnet-4-6')));
    expect(shape(events)).toEqual(['retry', 'text', 'usage', 'done']);
    expect(events[0]).toMatchObject({ type: 'retry', kind: 'timeout' });
    expect(textOf(events)).toBe('second try');
  });

  it('Ollama: the default allows a cold load (300 s); a set limit ends a hung one, not retried', async () => {
    expect(DEFAULT_TIMEOUTS.ollama.firstByteMs).toBe(300_000);
    expect(DEFAULT_TIMEOUTS.anthropic.firstByteMs).toBe(60_000);
    const ollama = createProvider('ollama', { env: { OLLAMA_HOST: hungOllama.url } });
    const events = await collect(ollama.stream(request('qwen3-coder:30b')));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)).toMatchObject({ kind: 'timeout', provider: 'ollama' });
  });
});

describe('idle mid-stream', () => {
  it('Anthropic: a stream that stalls after its first text → timeout, usage known so far', async () => {
    // message_start, ping, content_block_start, one text delta — then silence.
    anthropic().steps.push({
      text: ['Hello', ' never'],
      usage: { input: 30 },
      stallAfterEvents: 4,
    });
    const started = performance.now();
    const events = await collect(claude().stream(request('claude-sonnet-4-6')));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(textOf(events)).toBe('Hello');
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)).toMatchObject({ kind: 'timeout' });
    expect(errorOf(events)?.message).toBe('Anthropic stream stalled: no data for 0.2 s');
    expect(usageOf(events)?.usage).toMatchObject({ input: 30, output: 2, estimated: true });
  });

  it('OpenAI: a stalled stream is not retried (text already reached the screen)', async () => {
    openai().steps.push({ text: ['Hel', 'lo'], stallAfterChunks: 2 });
    const p = createProvider('openai', {
      env: chatEnv('openai', openai().url),
      maxRetries: 2,
      retry: { baseDelayMs: 5 },
    });
    const events = await collect(p.stream(request('gpt-4.1')));
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)?.kind).toBe('timeout');
    expect(openai().requests).toHaveLength(1);
  });

  it('a slow but steady stream is not cut: the limit is per silence, not per call', async () => {
    openai().steps.push({ text: ['a', 'b', 'c', 'd', 'e', 'f'], chunkDelayMs: 80 });
    const events = await collect(gpt().stream(request('gpt-4.1')));
    expect(textOf(events)).toBe('abcdef');
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });
});
