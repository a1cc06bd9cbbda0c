// kirikae's own retry policy (issue 11.11), through the real SDKs (their retries off) against the
// stubs: what is retried, how long it waits, that each wait is announced, and that spend limits,
// auth and bad requests are never retried.
import { describe, expect, it } from 'vitest';
import { KirikaeError, type ProviderRequest, type StreamEvent } from '../../src/core/index.js';
import { createProvider, retryDelayMs } from '../../src/providers/index.js';
import { anthropicStubPerFile } from '../support/anthropic-stub.js';
import { startHttpStub } from '../support/http-stub.js';
import { chatEnv, openAIStubPerFile } from '../support/openai-stub.js';
import { collect, errorOf, shape, textOf } from '../support/stream-events.js';

const anthropic = anthropicStubPerFile();
const openai = openAIStubPerFile();

const simple: ProviderRequest = {
  model: 'claude-sonnet-4-6',
  messages: [{ role: 'user', content: 'hi' }],
};
/** Short backoff so tests do not sleep; retry-after from the server is honoured as sent. */
const claude = (maxRetries = 2, baseUrl = anthropic().url) =>
  createProvider('anthropic', {
    env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: baseUrl },
    maxRetries,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
const gpt = (maxRetries = 2) =>
  createProvider('openai', {
    env: chatEnv('openai', openai().url),
    maxRetries,
    retry: { baseDelayMs: 5 },
  });
const retries = (events: StreamEvent[]) => events.filter((e) => e.type === 'retry');

describe('what is retried', () => {
  it('a 429 with retry-after is waited out as the server asked, and the wait is announced', async () => {
    // Anthropic's rate-limit body and retry-after header (docs: errors, rate limits).
    anthropic().steps.push(
      {
        httpError: {
          status: 429,
          type: 'rate_limit_error',
          message: 'Number of request tokens has exceeded your per-minute rate limit',
          headers: { 'retry-after': '1' },
        },
      },
      { text: ['after the wait'] },
    );
    const started = performance.now();
    const events = await collect(claude().stream(simple));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(shape(events)).toEqual(['retry', 'text', 'usage', 'done']);
    expect(events[0]).toEqual({
      type: 'retry',
      attempt: 1,
      maxAttempts: 3,
      delayMs: 1000,
      kind: 'rate_limit',
      provider: 'anthropic',
      message: expect.stringContaining('Anthropic 429 rate_limit_error'),
    });
    expect(textOf(events)).toBe('after the wait');
    expect(anthropic().requests).toHaveLength(2);
  });

  it.each([
    [529, 'overloaded_error', 'Overloaded', 'overloaded'],
    [500, 'api_error', 'Internal server error', 'server'],
  ])('%i %s is retried with backoff', async (status, type, message, kind) => {
    anthropic().steps.push({ httpError: { status, type, message } }, { text: ['ok'] });
    const events = await collect(claude().stream(simple));
    expect(retries(events)).toMatchObject([{ kind, attempt: 1 }]);
    expect(textOf(events)).toBe('ok');
  });

  it('gives up after maxAttempts and yields the last error', async () => {
    for (let i = 0; i < 3; i++) {
      anthropic().steps.push({
        httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
      });
    }
    const events = await collect(claude(2).stream(simple));
    expect(shape(events)).toEqual(['retry', 'retry', 'error']);
    expect(retries(events).map((e) => e.type === 'retry' && e.attempt)).toEqual([1, 2]);
    expect(errorOf(events)?.kind).toBe('overloaded');
    expect(anthropic().requests).toHaveLength(3);
  });

  it('a refused connection is retried, then fails as network', async () => {
    const closed = await startHttpStub(() => {});
    await closed.close();
    const events = await collect(claude(1, closed.url).stream(simple));
    expect(shape(events)).toEqual(['retry', 'error']);
    expect(errorOf(events)?.kind).toBe('network');
  });

  it('a failure after text has streamed is not retried (the caller falls back)', async () => {
    anthropic().steps.push({
      text: ['partial', 'more'],
      midStreamError: { type: 'overloaded_error', message: 'Overloaded', afterEvents: 4 },
    });
    const events = await collect(claude().stream(simple));
    expect(retries(events)).toHaveLength(0);
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(anthropic().requests).toHaveLength(1);
  });
});

describe('what is never retried', () => {
  it('Anthropic spend-limit 429', async () => {
    anthropic().steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'You have reached your specified API usage limits.',
        details: { error_code: 'enforced_spend_limit_reached' },
      },
    });
    const events = await collect(claude().stream(simple));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)?.kind).toBe('spend_limit');
    expect(anthropic().requests).toHaveLength(1);
  });

  it('OpenAI 429 insufficient_quota', async () => {
    // The body OpenAI sends when the account is out of credit (OpenAI error-codes guide).
    openai().steps.push({
      httpError: {
        status: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    });
    const events = await collect(gpt().stream({ ...simple, model: 'gpt-4.1' }));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)?.kind).toBe('spend_limit');
    expect(openai().requests).toHaveLength(1);
  });

  it.each([
    [401, 'authentication_error', 'invalid x-api-key', 'auth'],
    [400, 'invalid_request_error', 'messages: roles must alternate', 'bad_request'],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
      'context_length',
    ],
  ])('%i %s', async (status, type, message, kind) => {
    anthropic().steps.push({ httpError: { status, type, message } });
    const events = await collect(claude().stream(simple));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)?.kind).toBe(kind);
    expect(anthropic().requests).toHaveLength(1);
  });

  it('a retry-after longer than the cap: no wait, the error carries it for the caller', async () => {
    anthropic().steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'rate limited',
        headers: { 'retry-after': '600' },
      },
    });
    const events = await collect(claude().stream(simple));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)).toMatchObject({ kind: 'rate_limit', retryAfterMs: 600_000 });
  });
});

describe('the wait ends at once', () => {
  const slowLimit = () =>
    anthropic().steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'rate limited',
        headers: { 'retry-after': '30' },
      },
    });

  it('on abort: an aborted error, no second request', async () => {
    slowLimit();
    const controller = new AbortController();
    let announcedAt = 0;
    const events = await collect(claude().stream(simple, controller.signal), (e) => {
      if (e.type === 'retry') {
        announcedAt = performance.now();
        controller.abort();
      }
    });
    expect(performance.now() - announcedAt).toBeLessThan(100);
    expect(shape(events)).toEqual(['retry', 'error']);
    expect(errorOf(events)?.kind).toBe('aborted');
    expect(anthropic().requests).toHaveLength(1);
  });

  it('on skipRetry ("fall back now"): the rate-limit error itself, for the caller to fall back', async () => {
    slowLimit();
    const skip = new AbortController();
    let announcedAt = 0;
    const events = await collect(claude().stream({ ...simple, skipRetry: skip.signal }), (e) => {
      if (e.type === 'retry') {
        announcedAt = performance.now();
        skip.abort();
      }
    });
    expect(performance.now() - announcedAt).toBeLessThan(100);
    expect(shape(events)).toEqual(['retry', 'error']);
    expect(errorOf(events)).toMatchObject({ kind: 'rate_limit', retryAfterMs: 30_000 });
  });
});

describe('retryDelayMs', () => {
  const error = (kind: 'rate_limit' | 'server' | 'network', retryAfterMs?: number) =>
    new KirikaeError(kind, 'x', { retryAfterMs });
  it('backs off exponentially with jitter, capped', () => {
    const mid = () => 0.5; // no jitter
    expect(retryDelayMs('openai', error('server'), 1, undefined, mid)).toBe(1000);
    expect(retryDelayMs('openai', error('server'), 2, undefined, mid)).toBe(2000);
    const policy = {
      maxAttempts: 10,
      baseDelayMs: 1000,
      maxDelayMs: 16_000,
      maxRetryAfterMs: 60_000,
    };
    expect(retryDelayMs('openai', error('server'), 9, policy, mid)).toBe(16_000);
  });
  it('Ollama: a refused connection or a 500 is not retried (a local server will not recover)', () => {
    expect(retryDelayMs('ollama', error('network'), 1)).toBeUndefined();
    expect(retryDelayMs('ollama', error('server'), 1)).toBeUndefined();
    expect(retryDelayMs('ollama', error('rate_limit', 100), 1)).toBe(100);
  });
});
