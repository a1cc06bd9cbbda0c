import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderRequest, StreamEvent } from '../../src/core/index.js';
import { createProvider } from '../../src/providers/index.js';
import { toolConversation } from '../support/fixtures/tool-conversation.js';
import { chatEnv, startOpenAIStub, type ChatId, type OpenAIStub } from '../support/openai-stub.js';
import { collect, errorOf, shape, textOf, toolCallsOf, usageOf } from '../support/stream-events.js';

let stub: OpenAIStub;

beforeAll(async () => {
  stub = await startOpenAIStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.steps.length = 0;
  stub.requests.length = 0;
});

const provider = (id: ChatId = 'openai', maxRetries = 0) =>
  createProvider(id, { env: chatEnv(id, stub.url), maxRetries });
const simple: ProviderRequest = {
  model: 'gpt-4.1',
  messages: [{ role: 'user', content: 'hi' }],
};

describe('chat completions adapter: streaming', () => {
  it.each([
    ['openai', '/v1/chat/completions', 'Bearer sk-openai'],
    ['openrouter', '/api/v1/chat/completions', 'Bearer sk-or'],
    ['deepseek', '/chat/completions', 'Bearer sk-ds'],
  ] as const)('%s: streams text to %s with its key', async (id, path, auth) => {
    stub.steps.push({ text: ['Hello', ', ', 'world'] });
    const events = await collect(provider(id).stream(simple));
    expect(textOf(events)).toBe('Hello, world');
    expect(shape(events)).toEqual(['text', 'usage', 'done']);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'end_turn' });
    expect(stub.requests[0]?.path).toBe(path);
    expect(stub.requests[0]?.headers.authorization).toBe(auth);
  });

  it('asks for usage and subtracts cached tokens from input', async () => {
    stub.steps.push({
      text: ['ok'],
      usage: { prompt: 1000, completion: 50, cached: 800, reasoning: 20 },
    });
    const events = await collect(provider().stream(simple));
    expect(stub.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    expect(stub.requests[0]?.body.stream).toBe(true);
    expect(usageOf(events)).toEqual({
      usage: { input: 200, output: 50, cacheRead: 800, cacheWrite: 0, reasoning: 20 },
      billedUsd: undefined,
    });
  });

  it('OpenRouter: cache writes are subtracted too and cost becomes billedUsd', async () => {
    stub.steps.push({
      text: ['ok'],
      usage: { prompt: 5000, completion: 100, cached: 1000, cacheWrite: 3000, cost: 0.01234 },
    });
    const events = await collect(
      provider('openrouter').stream({ ...simple, model: 'deepseek/deepseek-chat' }),
    );
    expect(usageOf(events)).toEqual({
      usage: { input: 1000, output: 100, cacheRead: 1000, cacheWrite: 3000, reasoning: 0 },
      billedUsd: 0.01234,
    });
    expect(stub.requests[0]?.body.model).toBe('deepseek/deepseek-chat');
  });

  it('DeepSeek: reasoning_content streams as reasoning events', async () => {
    stub.steps.push({ reasoning: ['hmm, ', 'yes'], text: ['42'] });
    const events = await collect(provider('deepseek').stream(simple));
    expect(
      events
        .filter((e) => e.type === 'reasoning')
        .map((e) => (e.type === 'reasoning' ? e.text : '')),
    ).toEqual(['hmm, ', 'yes']);
    expect(textOf(events)).toBe('42');
  });

  it('maps finish_reason length to max_tokens', async () => {
    stub.steps.push({ text: ['trunc'], finishReason: 'length' });
    const events = await collect(provider().stream(simple));
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'max_tokens' });
  });
});

describe('chat completions adapter: tool calls', () => {
  it('assembles tool_calls pieces by index', async () => {
    stub.steps.push({
      toolCalls: [
        { id: 'call_a', name: 'read_file', arguments: { path: 'src/index.ts' } },
        { id: 'call_b', name: 'grep', arguments: { pattern: 'TODO', glob: '**/*.ts' } },
      ],
    });
    const events = await collect(provider().stream(simple));
    expect(toolCallsOf(events)).toEqual([
      {
        id: 'call_a',
        name: 'read_file',
        arguments: { path: 'src/index.ts' },
        rawArguments: '{"path":"src/index.ts"}',
      },
      {
        id: 'call_b',
        name: 'grep',
        arguments: { pattern: 'TODO', glob: '**/*.ts' },
        rawArguments: '{"pattern":"TODO","glob":"**/*.ts"}',
      },
    ]);
    expect(shape(events)).toEqual(['tool_call', 'tool_call', 'usage', 'done']);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });

  it('broken JSON arguments → tool_call with argumentsError', async () => {
    stub.steps.push({
      toolCalls: [{ id: 'call_x', name: 'edit', argumentPieces: ['{"path":', ' "a.ts", "new":'] }],
    });
    const [call] = toolCallsOf(await collect(provider().stream(simple)));
    expect(call).toMatchObject({
      id: 'call_x',
      name: 'edit',
      arguments: undefined,
      rawArguments: '{"path": "a.ts", "new":',
    });
    expect(call?.argumentsError).toBeTruthy();
  });

  it('a tool call that finishes with "stop" (Gemini via OpenRouter) still stops for tool_use', async () => {
    stub.steps.push({ toolCalls: [{ name: 'ls', arguments: {} }], finishReason: 'stop' });
    const events = await collect(provider('openrouter').stream(simple));
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });
});

describe('chat completions adapter: request shape', () => {
  const conversation: ProviderRequest = { ...toolConversation('gpt-4.1'), temperature: 0 };

  it('maps system, tools, assistant tool calls and tool results', async () => {
    await collect(provider().stream(conversation));
    const body = stub.requests[0]?.body;
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'read a' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"a"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'A' },
    ]);
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'read_file',
          description: 'Read a file',
          parameters: { type: 'object', properties: { path: { type: 'string' } } },
        },
      },
    ]);
    expect(body.max_completion_tokens).toBe(900);
    expect(body.max_tokens).toBeUndefined();
    expect(body.temperature).toBe(0);
  });

  it('compatible servers get max_tokens', async () => {
    await collect(provider('deepseek').stream(conversation));
    expect(stub.requests[0]?.body.max_tokens).toBe(900);
    expect(stub.requests[0]?.body.max_completion_tokens).toBeUndefined();
  });
});

describe('chat completions adapter: errors', () => {
  it('429 with retry-after → rate_limit with retryAfterMs', async () => {
    stub.steps.push({
      httpError: {
        status: 429,
        message: 'Rate limit reached for requests',
        type: 'requests',
        code: 'rate_limit_exceeded',
        headers: {
          'retry-after': '3',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '20s',
        },
      },
    });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 3000,
      provider: 'openai',
    });
  });

  it('429 with only x-ratelimit-reset-* → retryAfterMs from the exhausted limit', async () => {
    stub.steps.push({
      httpError: {
        status: 429,
        message: 'Rate limit reached for tokens',
        code: 'rate_limit_exceeded',
        headers: {
          'x-ratelimit-remaining-requests': '10',
          'x-ratelimit-reset-requests': '1s',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '6m0s',
        },
      },
    });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 360_000 });
  });

  it('429 insufficient_quota → spend_limit', async () => {
    stub.steps.push({
      httpError: {
        status: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    });
    expect(errorOf(await collect(provider().stream(simple)))?.kind).toBe('spend_limit');
  });

  it('OpenRouter 402 out of credits → spend_limit', async () => {
    stub.steps.push({
      httpError: {
        status: 402,
        code: 402,
        message: 'Insufficient credits. Add more using https://openrouter.ai/credits',
      },
    });
    expect(errorOf(await collect(provider('openrouter').stream(simple)))?.kind).toBe('spend_limit');
  });

  it.each([
    [503, 'The engine is currently overloaded, please try again later', 'overloaded'],
    [529, 'Overloaded', 'overloaded'],
    [500, 'The server had an error while processing your request', 'server'],
    [401, 'Incorrect API key provided', 'auth'],
    [
      400,
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
      'context_length',
    ],
    [404, 'The model `gpt-nope` does not exist', 'not_found'],
  ])('%i → %s', async (status, message, kind) => {
    stub.steps.push({ httpError: { status, message } });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error).toMatchObject({ kind, status });
    if (kind === 'auth') expect(error?.hint).toContain('OPENAI_API_KEY');
  });

  it('kirikae, not the SDK, retries a 529 and says so', async () => {
    stub.steps.push({ httpError: { status: 529, message: 'Overloaded' } }, { text: ['retried'] });
    const p = createProvider('openai', {
      env: chatEnv('openai', stub.url),
      maxRetries: 1,
      retry: { baseDelayMs: 5 },
    });
    const events = await collect(p.stream(simple));
    expect(stub.requests).toHaveLength(2);
    expect(shape(events)).toEqual(['retry', 'text', 'usage', 'done']);
    expect(events[0]).toMatchObject({
      type: 'retry',
      attempt: 1,
      maxAttempts: 2,
      kind: 'overloaded',
    });
    expect(textOf(events)).toBe('retried');
  });

  it('mid-stream error chunk (OpenRouter) → error event with the upstream status kind', async () => {
    stub.steps.push({
      text: ['part', 'ial'],
      midStreamError: { code: 502, message: 'Provider returned error', afterChunks: 2 },
    });
    const events = await collect(provider('openrouter').stream(simple));
    expect(textOf(events)).toBe('part');
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)?.kind).toBe('server');
    expect(usageOf(events)?.usage.output).toBe(1);
    expect(usageOf(events)?.billedUsd).toBeUndefined();
  });

  it('a connection cut → network, input and output estimated, nothing billed', async () => {
    stub.steps.push({
      text: ['0123456789abcdef', 'more', 'never'],
      usage: { cost: 1 },
      cutAfterChunks: 2,
    });
    const events = await collect(provider('openrouter').stream(simple));
    expect(textOf(events)).toBe('0123456789abcdef');
    expect(errorOf(events)?.kind).toBe('network');
    // input: "hi" is 1 o200k token + 4 per-message overhead; output: 16 chars / 4.
    expect(usageOf(events)).toEqual({
      usage: { input: 5, output: 4, cacheRead: 0, cacheWrite: 0, reasoning: 0, estimated: true },
      billedUsd: undefined,
    });
  });

  it('a stream closed cleanly before finish_reason → network', async () => {
    stub.steps.push({ text: ['a', 'b', 'c'], endAfterChunks: 3 });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('ab');
    expect(errorOf(events)?.kind).toBe('network');
  });

  it('a malformed chunk → bad_response, without console output', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      stub.steps.push({ text: ['good', 'bad'], malformedAfterChunks: 2 });
      const events = await collect(provider().stream(simple));
      expect(errorOf(events)?.kind).toBe('bad_response');
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('a missing key → auth error naming the variable, nothing sent', async () => {
    const p = createProvider('openrouter', {
      env: { OPENROUTER_BASE_URL: stub.url },
      maxRetries: 0,
    });
    const events = await collect(p.stream(simple));
    expect(errorOf(events)).toMatchObject({
      kind: 'auth',
      hint: expect.stringContaining('OPENROUTER_API_KEY'),
    });
    expect(stub.requests).toHaveLength(0);
  });
});

describe('chat completions adapter: abort', () => {
  it('ends within 200 ms of the abort with estimated usage then an aborted error', async () => {
    stub.steps.push({ text: ['twelve chars', 'more', 'more'], chunkDelayMs: 400 });
    const controller = new AbortController();
    let abortedAt = 0;
    const events = await collect(
      provider().stream(simple, controller.signal),
      (event: StreamEvent) => {
        if (event.type === 'text' && abortedAt === 0) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    );
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)?.kind).toBe('aborted');
    expect(usageOf(events)?.usage.output).toBe(3);
    expect(events.at(-1)).toMatchObject({ type: 'error' });
  });
});
