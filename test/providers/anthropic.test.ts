import { describe, expect, it, vi } from 'vitest';
import type { ProviderRequest, StreamEvent } from '../../src/core/index.js';
import { createProvider } from '../../src/providers/index.js';
import { anthropicStubPerFile } from '../support/anthropic-stub.js';
import { collect, errorOf, shape, textOf, toolCallsOf, usageOf } from '../support/stream-events.js';

const stub = anthropicStubPerFile();

const env = () => ({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: stub().url });
const provider = (maxRetries = 0, onNotice?: (m: string) => void) =>
  createProvider('anthropic', { env: env(), maxRetries, onNotice });
const simple: ProviderRequest = {
  model: 'claude-sonnet-4-6',
  messages: [{ role: 'user', content: 'hi' }],
};

describe('anthropic adapter: streaming', () => {
  it('streams text and converts usage, cache reads and writes included', async () => {
    stub().steps.push({
      text: ['Hel', 'lo ', 'world'],
      usage: { input: 120, output: 7, cacheRead: 3000, cacheWrite: 500 },
    });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('Hello world');
    expect(shape(events)).toEqual(['text', 'usage', 'done']);
    expect(usageOf(events)).toEqual({
      usage: { input: 120, output: 7, cacheRead: 3000, cacheWrite: 500, reasoning: 0 },
      billedUsd: undefined,
    });
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', stopReason: 'end_turn' });
    if (done?.type !== 'done') throw new Error('unreachable');
    expect(done.metrics.durationMs).toBeGreaterThanOrEqual(0);
    expect(done.metrics.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(done.metrics.firstTokenMs).toBeLessThanOrEqual(done.metrics.durationMs);
  });

  it('keeps the latest cumulative output count and measures tok/s from the first token', async () => {
    stub().steps.push({ text: ['a', 'b', 'c'], usage: { output: 40 }, chunkDelayMs: 60 });
    const events = await collect(provider().stream(simple));
    expect(usageOf(events)?.usage.output).toBe(40);
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`expected done, got ${done?.type}`);
    // 40 tokens over the ≥ 300 ms (5 events × 60 ms) between first token and end: < 140 tok/s.
    expect(done.metrics.tokPerSec).toBeGreaterThan(0);
    expect(done.metrics.tokPerSec).toBeLessThan(400);
  });

  it('streams thinking as reasoning events', async () => {
    stub().steps.push({ thinking: ['Let me ', 'think'], text: ['Done'] });
    const events = await collect(provider().stream(simple));
    const reasoning = events.flatMap((e) => (e.type === 'reasoning' ? [e.text] : []));
    expect(reasoning.join('')).toBe('Let me think');
    expect(textOf(events)).toBe('Done');
  });

  it('maps the stop reason', async () => {
    stub().steps.push({ text: ['cut sh'], stopReason: 'max_tokens' });
    const events = await collect(provider().stream(simple));
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'max_tokens' });
  });
});

describe('anthropic adapter: the 1-hour prompt cache (issue 13.4)', () => {
  const request = {
    model: 'claude-sonnet-4-6',
    system: 'You are kirikae.',
    tools: [{ name: 'ls', description: 'List', parameters: { type: 'object', properties: {} } }],
    messages: [{ role: 'user' as const, content: 'hi' }],
  };
  const breakpoints = (body: {
    system: { cache_control?: unknown }[];
    tools: { cache_control?: unknown }[];
    messages: { content: { cache_control?: unknown }[] }[];
  }) => [body.tools.at(-1), body.system.at(-1), body.messages.at(-1)?.content.at(-1)];

  it("cacheTtl '1h' puts ttl 1h on every breakpoint; the default stays 5 minutes", async () => {
    await collect(provider().stream({ ...request, cacheTtl: '1h' }));
    await collect(provider().stream(request));
    // SDK type CacheControlEphemeral: { type: 'ephemeral', ttl?: '5m' | '1h' }.
    for (const block of breakpoints(stub().requests[0]?.body)) {
      expect(block?.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    }
    for (const block of breakpoints(stub().requests[1]?.body)) {
      expect(block?.cache_control).toEqual({ type: 'ephemeral' });
    }
  });

  it('books the 1-hour part of the cache write from usage.cache_creation', async () => {
    // message_start usage: cache_creation_input_tokens 5000, of which
    // cache_creation.ephemeral_1h_input_tokens 3000 (priced 2x input) and 5m 2000 (1.25x).
    stub().steps.push({ text: ['ok'], usage: { input: 40, cacheWrite: 5000, cacheWrite1h: 3000 } });
    const events = await collect(provider().stream({ ...request, cacheTtl: '1h' }));
    expect(usageOf(events)?.usage).toMatchObject({
      input: 40,
      cacheWrite: 5000,
      cacheWrite1h: 3000,
    });
  });
});

describe('anthropic adapter: tool calls', () => {
  it('assembles input_json_delta pieces into one tool_call per block', async () => {
    stub().steps.push({
      text: ['Reading both.'],
      toolUses: [
        { id: 'toolu_1', name: 'read_file', input: { path: 'src/a.ts', lines: [1, 20] } },
        { id: 'toolu_2', name: 'list_dir', input: {} },
      ],
    });
    const events = await collect(provider().stream(simple));
    expect(toolCallsOf(events)).toEqual([
      {
        id: 'toolu_1',
        name: 'read_file',
        arguments: { path: 'src/a.ts', lines: [1, 20] },
        rawArguments: '{"path":"src/a.ts","lines":[1,20]}',
      },
      { id: 'toolu_2', name: 'list_dir', arguments: {}, rawArguments: '{}' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });

  it('reports broken tool JSON on the call instead of failing', async () => {
    stub().steps.push({
      toolUses: [{ id: 'toolu_x', name: 'edit', partialJson: ['{"path": "a.ts', '", "old": '] }],
    });
    const events = await collect(provider().stream(simple));
    const [call] = toolCallsOf(events);
    expect(call).toMatchObject({
      id: 'toolu_x',
      name: 'edit',
      arguments: undefined,
      rawArguments: '{"path": "a.ts", "old": ',
    });
    expect(call?.argumentsError).toBeTruthy();
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });
});

describe('anthropic adapter: request shape', () => {
  it('sends cache breakpoints on the last tool, the system prompt and the newest user block', async () => {
    await collect(
      provider().stream({
        model: 'claude-sonnet-4-6',
        system: 'You are kirikae.',
        maxTokens: 1000,
        temperature: 0.2,
        tools: [
          {
            name: 'read_file',
            description: 'Read',
            parameters: { type: 'object', properties: {} },
          },
          { name: 'bash', description: 'Run', parameters: { type: 'object', properties: {} } },
        ],
        messages: [
          { role: 'user', content: 'fix the test' },
          {
            role: 'assistant',
            content: 'Looking.',
            toolCalls: [
              {
                id: 'toolu_a',
                name: 'read_file',
                arguments: { path: 'x' },
                rawArguments: '{"path":"x"}',
              },
              {
                id: 'toolu_b',
                name: 'bash',
                arguments: undefined,
                rawArguments: '{',
                argumentsError: 'bad',
              },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_a', toolName: 'read_file', content: 'file text' },
          {
            role: 'tool',
            toolCallId: 'toolu_b',
            toolName: 'bash',
            content: 'bad args',
            isError: true,
          },
          { role: 'user', content: 'and hurry' },
        ],
      }),
    );
    const [request] = stub().requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization ?? request?.headers['x-api-key']).toContain(
      'sk-ant-test',
    );
    const body = request?.body;
    expect(body).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 1000,
      temperature: 0.2,
      stream: true,
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'You are kirikae.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tools[0].cache_control).toBeUndefined();
    expect(body.tools[1]).toMatchObject({ name: 'bash', cache_control: { type: 'ephemeral' } });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'fix the test' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool_use', id: 'toolu_a', name: 'read_file', input: { path: 'x' } },
          { type: 'tool_use', id: 'toolu_b', name: 'bash', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'file text' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'bad args', is_error: true },
          { type: 'text', text: 'and hurry', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
    const breakpoints = JSON.stringify(body).match(/"cache_control"/g) ?? [];
    expect(breakpoints.length).toBeLessThanOrEqual(4);
  });

  it('routes the SDK deprecation console.warn into a notice event, not the console', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const events = await collect(provider().stream({ ...simple, model: 'claude-sonnet-4-5' }));
      expect(warn).not.toHaveBeenCalled();
      const notice = events.find((e) => e.type === 'notice');
      expect(notice).toMatchObject({
        type: 'notice',
        message: expect.stringContaining('deprecated'),
      });
      expect(events.at(-1)?.type).toBe('done');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('anthropic adapter: errors', () => {
  it('429 with retry-after → rate_limit with retryAfterMs', async () => {
    stub().steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '7', 'anthropic-ratelimit-tokens-remaining': '0' },
      },
    });
    const events = await collect(provider().stream(simple));
    expect(shape(events)).toEqual(['error']);
    const error = errorOf(events);
    expect(error).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 7000,
      provider: 'anthropic',
    });
    expect(stub().requests).toHaveLength(1);
  });

  it('429 without retry-after waits for the exhausted limit reset', async () => {
    const reset = new Date(Date.now() + 30_000).toISOString();
    stub().steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'rate limited',
        headers: {
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': reset,
          'anthropic-ratelimit-tokens-remaining': '5000',
          'anthropic-ratelimit-tokens-reset': new Date(Date.now() + 1000).toISOString(),
        },
      },
    });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error?.kind).toBe('rate_limit');
    expect(error?.retryAfterMs).toBeGreaterThan(25_000);
    expect(error?.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('429 at the spend limit → spend_limit, not retryable', async () => {
    stub().steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'You have reached your specified API usage limits.',
        details: { error_code: 'enforced_spend_limit_reached' },
      },
    });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error?.kind).toBe('spend_limit');
    expect(error?.hint).toMatch(/spend limit|credit/i);
  });

  it.each([
    [529, 'overloaded_error', 'Overloaded', 'overloaded'],
    [500, 'api_error', 'Internal server error', 'server'],
    [401, 'authentication_error', 'invalid x-api-key', 'auth'],
    [403, 'permission_error', 'Your API key does not have permission', 'auth'],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
      'context_length',
    ],
    [400, 'invalid_request_error', 'messages: roles must alternate', 'bad_request'],
    [404, 'not_found_error', 'model: claude-nope', 'not_found'],
  ])('%i %s → %s', async (status, type, message, kind) => {
    stub().steps.push({ httpError: { status, type, message } });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error).toMatchObject({ kind, status });
    expect(error?.message).toContain(message);
    if (kind === 'auth') expect(error?.hint).toContain('ANTHROPIC_API_KEY');
  });

  it('the SDK retries a 529 by itself when maxRetries allows it', async () => {
    stub().steps.push(
      { httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' } },
      { text: ['second time lucky'] },
    );
    const events = await collect(provider(1).stream(simple));
    expect(stub().requests).toHaveLength(2);
    expect(textOf(events)).toBe('second time lucky');
    expect(events.at(-1)?.type).toBe('done');
  });

  it('mid-stream overloaded_error → overloaded, with the usage known so far', async () => {
    stub().steps.push({
      text: ['partial ', 'answer'],
      usage: { input: 50 },
      midStreamError: { type: 'overloaded_error', message: 'Overloaded', afterEvents: 4 },
    });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('partial ');
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)?.kind).toBe('overloaded');
    expect(usageOf(events)?.usage).toMatchObject({ input: 50, output: 2 });
  });

  it('a connection cut mid-stream → network, partial usage still reported', async () => {
    stub().steps.push({
      text: ['abcdefgh', 'ijklmnop', 'never'],
      usage: { input: 80, cacheRead: 900 },
      cutAfterEvents: 4,
    });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('abcdefgh');
    expect(errorOf(events)?.kind).toBe('network');
    // Input from message_start (reported, not re-estimated); output estimated from 8 streamed
    // characters, so the usage is marked estimated.
    expect(usageOf(events)?.usage).toEqual({
      input: 80,
      output: 2,
      cacheRead: 900,
      cacheWrite: 0,
      reasoning: 0,
      estimated: true,
    });
  });

  it('a stream closed cleanly before message_stop → network', async () => {
    stub().steps.push({ text: ['half'], usage: { input: 30 }, endAfterEvents: 4 });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('half');
    expect(errorOf(events)?.kind).toBe('network');
    expect(usageOf(events)?.usage).toMatchObject({ input: 30, output: 1 });
  });

  it('a malformed chunk → bad_response, without console output', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      stub().steps.push({ text: ['fine', 'then broken'], malformedAfterEvents: 4 });
      const events = await collect(provider().stream(simple));
      expect(errorOf(events)?.kind).toBe('bad_response');
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('a missing key → one auth error naming the variable, nothing sent', async () => {
    const p = createProvider('anthropic', {
      env: { ANTHROPIC_BASE_URL: stub().url },
      maxRetries: 0,
    });
    const events = await collect(p.stream(simple));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)).toMatchObject({
      kind: 'auth',
      hint: expect.stringContaining('ANTHROPIC_API_KEY'),
    });
    expect(stub().requests).toHaveLength(0);
  });
});

describe('anthropic adapter: abort', () => {
  it('ends within 200 ms of the abort with usage then an aborted error', async () => {
    stub().steps.push({
      text: ['first chunk ', 'second', 'third'],
      usage: { input: 64 },
      chunkDelayMs: 400,
    });
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
    const elapsed = performance.now() - abortedAt;
    expect(elapsed).toBeLessThan(200);
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)?.kind).toBe('aborted');
    // Input from message_start; output estimated from "first chunk " (12 chars).
    expect(usageOf(events)?.usage).toMatchObject({ input: 64, output: 3 });
  });

  it('an already aborted signal sends nothing', async () => {
    const events = await collect(provider().stream(simple, AbortSignal.abort()));
    expect(shape(events)).toEqual(['usage', 'error']);
    expect(errorOf(events)?.kind).toBe('aborted');
    expect(stub().requests).toHaveLength(0);
  });
});
