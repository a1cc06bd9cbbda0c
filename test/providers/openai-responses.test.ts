// The Responses API path of the openai adapter (issue 12.1), through the real openai SDK's
// client.responses.stream against a stub speaking the Responses SSE format
// (test/support/fixtures/openai-responses.ts, after the SDK's types and its own tests).
import { describe, expect, it } from 'vitest';
import type { ProviderRequest, StreamEvent } from '../../src/core/index.js';
import { createProvider, requiresResponsesApi } from '../../src/providers/index.js';
import {
  TWO_CALLS,
  TWO_CALLS_PARSED,
  toolConversation,
} from '../support/fixtures/tool-conversation.js';
import { chatEnv, openAIStubPerFile } from '../support/openai-stub.js';
import { collect, errorOf, shape, textOf, toolCallsOf, usageOf } from '../support/stream-events.js';

const stub = openAIStubPerFile();

const provider = () =>
  createProvider('openai', { env: chatEnv('openai', stub().url), maxRetries: 0 });
const codex: ProviderRequest = {
  model: 'gpt-5.3-codex',
  messages: [{ role: 'user', content: 'hi' }],
};

describe('which API a model needs', () => {
  it.each([
    ['gpt-5.3-codex', true],
    ['gpt-5-codex', true],
    ['codex-mini-latest', true],
    ['gpt-5.1-codex-mini', true],
    ['o3-pro-2025-06-10', true],
    ['gpt-4.1', false],
    ['gpt-6-luna', false],
  ])('%s → Responses %s', (model, expected) => {
    expect(requiresResponsesApi(model)).toBe(expected);
  });
});

describe('codex no longer goes to Chat Completions', () => {
  it('the real API refuses codex on Chat Completions with 404 (what kirikae used to hit)', async () => {
    const events = await collect(provider().stream({ ...codex, api: 'chat' }));
    expect(stub().requests[0]?.path).toBe('/v1/chat/completions');
    expect(errorOf(events)).toMatchObject({ kind: 'not_found', status: 404 });
    expect(errorOf(events)?.message).toContain(
      'only supported in v1/responses and not in v1/chat/completions',
    );
  });

  it('a codex model is sent to /v1/responses and answers', async () => {
    stub().steps.push({ text: ['Hello', ', ', 'world'] });
    const events = await collect(provider().stream(codex));
    expect(stub().requests.map((r: { path: string }) => r.path)).toEqual(['/v1/responses']);
    expect(textOf(events)).toBe('Hello, world');
    expect(shape(events)).toEqual(['text', 'usage', 'done']);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'end_turn' });
  });
});

describe('Responses API: request and usage', () => {
  const conversation = toolConversation('gpt-5.3-codex', 'Reading it.');

  it('maps system to instructions, history to input items and tools to function tools', async () => {
    await collect(provider().stream(conversation));
    const body = stub().requests[0]?.body;
    expect(body).toMatchObject({
      model: 'gpt-5.3-codex',
      instructions: 'Be brief.',
      stream: true,
      store: false,
      max_output_tokens: 900,
    });
    expect(body.input).toEqual([
      { role: 'user', content: 'read a' },
      { role: 'assistant', content: 'Reading it.' },
      { type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"a"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'A' },
    ]);
    expect(body.tools).toEqual([
      {
        type: 'function',
        name: 'read_file',
        description: 'Read a file',
        parameters: { type: 'object', properties: { path: { type: 'string' } } },
        strict: false,
      },
    ]);
    expect(body).not.toHaveProperty('messages');
  });

  it('converts usage: cached tokens out of input, reasoning tokens inside output', async () => {
    stub().steps.push({
      reasoning: ['Checking', ' the file.'],
      text: ['done'],
      usage: { prompt: 1000, completion: 300, cached: 800, reasoning: 250 },
    });
    const events = await collect(provider().stream(codex));
    expect(
      events
        .filter((e) => e.type === 'reasoning')
        .map((e) => (e.type === 'reasoning' ? e.text : '')),
    ).toEqual(['Checking', ' the file.']);
    expect(usageOf(events)).toEqual({
      usage: { input: 200, output: 300, cacheRead: 800, cacheWrite: 0, reasoning: 250 },
      billedUsd: undefined,
    });
  });

  it('streams function_call items with their arguments into tool calls keyed by call_id', async () => {
    stub().steps.push({ toolCalls: TWO_CALLS });
    const events = await collect(provider().stream(codex));
    expect(toolCallsOf(events)).toEqual(TWO_CALLS_PARSED);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });

  it('response.incomplete for max_output_tokens → max_tokens', async () => {
    stub().steps.push({ text: ['trunc'], finishReason: 'length' });
    const events = await collect(provider().stream(codex));
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'max_tokens' });
  });
});

describe('Responses API: errors and abort', () => {
  it.each([
    [
      429,
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'spend_limit',
    ],
    [429, 'Rate limit reached for requests', 'rate_limit_exceeded', 'rate_limit'],
    [401, 'Incorrect API key provided', null, 'auth'],
    [500, 'The server had an error while processing your request', null, 'server'],
    [400, "This model's maximum context length is 400000 tokens.", null, 'context_length'],
  ] as const)('HTTP %i (%s) → %s', async (status, message, code, kind) => {
    stub().steps.push({ httpError: { status, message, code } });
    const events = await collect(provider().stream(codex));
    expect(shape(events)).toEqual(['error']);
    expect(errorOf(events)).toMatchObject({ kind, status });
  });

  it('an error event mid-stream (then response.failed) → error by its code, usage estimated', async () => {
    stub().steps.push({
      text: ['partial', ' answer'],
      responsesError: { code: 'server_error', message: 'The server had an error', afterChunks: 5 },
    });
    const events = await collect(provider().stream(codex));
    expect(textOf(events)).toBe('partial');
    expect(errorOf(events)).toMatchObject({ kind: 'server' });
    expect(usageOf(events)?.usage).toMatchObject({ input: 5, output: 2, estimated: true });
  });

  it('aborted mid-answer: usage known so far, input estimated from the request', async () => {
    stub().steps.push({ text: ['twelve chars', 'more', 'more'], chunkDelayMs: 300 });
    const controller = new AbortController();
    let abortedAt = 0;
    const events = await collect(provider().stream(codex, controller.signal), (e: StreamEvent) => {
      if (e.type === 'text' && abortedAt === 0) {
        abortedAt = performance.now();
        controller.abort();
      }
    });
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(errorOf(events)?.kind).toBe('aborted');
    // "hi": 1 token + 4 per message; 12 chars of output / 4.
    expect(usageOf(events)?.usage).toEqual({
      input: 5,
      output: 3,
      cacheRead: 0,
      cacheWrite: 0,
      reasoning: 0,
      estimated: true,
    });
  });
});
