import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicAPIError,
  APIUserAbortError as AnthropicAbortError,
} from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { isRetryable, KirikaeError } from '../../src/core/index.js';
import {
  describeFailure,
  mapProviderError,
  type ErrorContext,
} from '../../src/providers/errors.js';
import { headerGetter, parseDurationMs, retryAfterMs } from '../../src/providers/retry-after.js';

const anthropic: ErrorContext = {
  provider: 'anthropic',
  keyVar: 'ANTHROPIC_API_KEY',
  baseUrlVar: 'ANTHROPIC_BASE_URL',
  model: 'claude-sonnet-4-6',
};
const openrouter: ErrorContext = { provider: 'openrouter', keyVar: 'OPENROUTER_API_KEY' };

const anthropicBody = (type: string, message: string, details?: object) => ({
  type: 'error',
  error: { type, message, ...(details ? { details } : {}) },
  request_id: 'req_1',
});

describe('mapProviderError: Anthropic SDK errors', () => {
  it('reads type and message from the nested error body', () => {
    const err = AnthropicAPIError.generate(
      429,
      anthropicBody('rate_limit_error', 'slow down'),
      undefined,
      new Headers({ 'retry-after': '12', 'request-id': 'req_1' }),
    );
    const mapped = mapProviderError(err, anthropic);
    expect(mapped).toBeInstanceOf(KirikaeError);
    expect(mapped).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 12_000,
      provider: 'anthropic',
    });
    expect(mapped.message).toBe('Anthropic 429 rate_limit_error: slow down');
    expect(mapped.cause).toBe(err);
    expect(isRetryable(mapped.kind)).toBe(true);
  });

  it('spend-limit 429s are spend_limit and not retryable', () => {
    const err = AnthropicAPIError.generate(
      429,
      anthropicBody('rate_limit_error', 'usage limit', {
        error_code: 'contract_spend_limit_reached',
      }),
      undefined,
      new Headers(),
    );
    const mapped = mapProviderError(err, anthropic);
    expect(mapped.kind).toBe('spend_limit');
    expect(isRetryable(mapped.kind)).toBe(false);
  });

  it('a 400 "credit balance is too low" is spend_limit', () => {
    const err = AnthropicAPIError.generate(
      400,
      anthropicBody(
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API.',
      ),
      undefined,
      new Headers(),
    );
    expect(mapProviderError(err, anthropic).kind).toBe('spend_limit');
  });

  it('a mid-stream `event: error` (status undefined) maps by error type', () => {
    // What the SDK's Stream throws for `event: error`.
    const overloaded = new AnthropicAPIError(
      undefined,
      anthropicBody('overloaded_error', 'Overloaded'),
      undefined,
      new Headers(),
      'overloaded_error',
    );
    expect(mapProviderError(overloaded, anthropic).kind).toBe('overloaded');
    const api = new AnthropicAPIError(
      undefined,
      anthropicBody('api_error', 'Internal'),
      undefined,
      new Headers(),
    );
    expect(mapProviderError(api, anthropic).kind).toBe('server');
  });

  it('connection, timeout and abort errors', () => {
    const refused = new AnthropicConnectionError({
      cause: new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
    });
    const mapped = mapProviderError(refused, anthropic);
    expect(mapped.kind).toBe('network');
    expect(mapped.message).toContain('ECONNREFUSED');
    expect(mapped.hint).toContain('ANTHROPIC_BASE_URL');
    expect(mapProviderError(new AnthropicTimeoutError(), anthropic)).toMatchObject({
      kind: 'network',
      message: 'Anthropic request timed out',
    });
    expect(mapProviderError(new AnthropicAbortError(), anthropic).kind).toBe('aborted');
  });
});

describe('mapProviderError: OpenAI SDK errors', () => {
  it('reads the flat OpenAI error body', () => {
    const err = OpenAI.APIError.generate(
      400,
      {
        error: {
          message: "This model's maximum context length is 8192 tokens",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      },
      undefined,
      new Headers(),
    );
    expect(mapProviderError(err, { provider: 'openai' })).toMatchObject({
      kind: 'context_length',
      status: 400,
    });
  });

  it('OpenRouter 429 with X-RateLimit-Reset in epoch ms', () => {
    const now = Date.UTC(2026, 0, 1);
    const err = OpenAI.APIError.generate(
      429,
      { error: { code: 429, message: 'Rate limit exceeded: free-models-per-min' } },
      undefined,
      new Headers({ 'x-ratelimit-reset': String(now + 42_000) }),
    );
    expect(mapProviderError(err, { ...openrouter, now })).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 42_000,
    });
  });

  it('OpenRouter metadata.raw joins the message', () => {
    const err = OpenAI.APIError.generate(
      400,
      {
        error: {
          code: 400,
          message: 'Provider returned error',
          metadata: { raw: 'prompt is too long' },
        },
      },
      undefined,
      new Headers(),
    );
    const mapped = mapProviderError(err, openrouter);
    expect(mapped.kind).toBe('context_length');
    expect(mapped.message).toContain('prompt is too long');
  });

  it('a data: {"error"} chunk (status undefined) with a numeric code maps like that status', () => {
    const err = new OpenAI.APIError(
      undefined,
      { code: 429, message: 'upstream rate limited' },
      undefined,
      new Headers(),
    );
    expect(mapProviderError(err, openrouter).kind).toBe('rate_limit');
  });

  it('connection errors and aborts', () => {
    const conn = new OpenAI.APIConnectionError({ cause: new TypeError('fetch failed') });
    expect(mapProviderError(conn, openrouter).kind).toBe('network');
    expect(mapProviderError(new OpenAI.APIConnectionTimeoutError(), openrouter).kind).toBe(
      'network',
    );
    expect(mapProviderError(new OpenAI.APIUserAbortError(), openrouter).kind).toBe('aborted');
  });
});

describe('mapProviderError: other failures', () => {
  it('undici stream cut → network', () => {
    const cut = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(mapProviderError(cut, anthropic).kind).toBe('network');
  });

  it('SyntaxError from a malformed chunk → bad_response', () => {
    let error: unknown;
    try {
      JSON.parse('{"a":');
    } catch (e) {
      error = e;
    }
    expect(mapProviderError(error, anthropic).kind).toBe('bad_response');
  });

  it('DOM AbortError → aborted', () => {
    expect(mapProviderError(new DOMException('aborted', 'AbortError'), anthropic).kind).toBe(
      'aborted',
    );
  });

  it('a KirikaeError passes through unchanged', () => {
    const original = new KirikaeError('config', 'x');
    expect(mapProviderError(original, anthropic)).toBe(original);
  });

  it('ollama-js ResponseError shape → by status_code', () => {
    const err = Object.assign(new Error("model 'x' not found"), {
      name: 'ResponseError',
      error: "model 'x' not found",
      status_code: 404,
    });
    expect(describeFailure(err)).toMatchObject({
      type: 'http',
      status: 404,
      message: "model 'x' not found",
    });
    const mapped = mapProviderError(err, { provider: 'ollama', model: 'x' });
    expect(mapped.kind).toBe('not_found');
    expect(mapped.hint).toBe('Run `ollama pull x`');
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const get = (headers: Record<string, string>) => headerGetter(new Headers(headers));

  it('prefers retry-after-ms, then retry-after seconds or HTTP date', () => {
    expect(retryAfterMs(get({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(get({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(retryAfterMs(get({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }), now)).toBe(30_000);
  });

  it('uses the reset of the exhausted Anthropic limit', () => {
    const headers = get({
      'anthropic-ratelimit-requests-remaining': '40',
      'anthropic-ratelimit-requests-reset': '2026-03-01T12:00:59Z',
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': '2026-03-01T12:00:20Z',
    });
    expect(retryAfterMs(headers, now)).toBe(20_000);
  });

  it('falls back to the latest reset when no limit says it is exhausted', () => {
    const headers = get({
      'anthropic-ratelimit-requests-reset': '2026-03-01T12:00:05Z',
      'anthropic-ratelimit-tokens-reset': '2026-03-01T12:00:15Z',
    });
    expect(retryAfterMs(headers, now)).toBe(15_000);
  });

  it('never negative, undefined when nothing is known', () => {
    expect(retryAfterMs(get({ 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(get({}), now)).toBeUndefined();
  });

  it('reads plain-object headers case-insensitively', () => {
    expect(retryAfterMs(headerGetter({ 'Retry-After': '2' }), now)).toBe(2000);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1.5s', 1500],
    ['1h2m3s', 3_723_000],
    ['7', 7000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('rejects garbage', () => {
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs('5 minutes')).toBeUndefined();
  });
});
