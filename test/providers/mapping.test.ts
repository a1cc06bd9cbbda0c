import { describe, expect, it, vi } from 'vitest';
import type { ProviderRequest } from '../../src/core/index.js';
import {
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  AnthropicAccumulator,
  mapAnthropicStopReason,
  mergeAnthropicUsage,
  toAnthropicParams,
} from '../../src/providers/anthropic-map.js';
import { providerSetup } from '../../src/providers/index.js';
import { toChatParams } from '../../src/providers/openai-map.js';
import { toResponsesParams } from '../../src/providers/openai-responses.js';
import { ollamaFetch, validateNdjson } from '../../src/providers/ollama-fetch.js';
import { normalizeOllamaHost } from '../../src/config/ollama-host.js';
import { numCtxBucket, ollamaMetrics, ollamaNumCtx } from '../../src/providers/ollama-map.js';
import {
  ChatAccumulator,
  convertChatUsage,
  mapFinishReason,
} from '../../src/providers/openai-map.js';
import { captureConsoleWarn, sdkLogger } from '../../src/providers/sdk-logger.js';
import { toolCallFromRaw } from '../../src/providers/tool-args.js';

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };

describe('toAnthropicParams', () => {
  it('omits system and tools when absent and defaults max_tokens', () => {
    const params = toAnthropicParams({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    expect(params).not.toHaveProperty('system');
    expect(params).not.toHaveProperty('tools');
    expect(params.max_tokens).toBe(ANTHROPIC_DEFAULT_MAX_TOKENS);
    expect(params.messages).toEqual([
      {
        role: 'user',
        content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }],
      },
    ]);
  });

  it('puts the newest-user breakpoint on a trailing tool_result and never mutates the request', () => {
    const request: ProviderRequest = {
      model: 'm',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 't1', name: 'ls', arguments: {}, rawArguments: '{}' }],
        },
        { role: 'tool', toolCallId: 't1', toolName: 'ls', content: 'a b' },
      ],
    };
    const snapshot = structuredClone(request);
    const params = toAnthropicParams(request);
    expect(params.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 't1',
          content: 'a b',
          cache_control: { type: 'ephemeral' },
        },
      ],
    });
    // The first user block carries no breakpoint: only the newest one does.
    expect(params.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'go' }] });
    expect(request).toEqual(snapshot);
  });

  it('drops empty assistant turns and merges the neighbours so roles alternate', () => {
    const params = toAnthropicParams({
      model: 'm',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'two' },
      ],
    });
    expect(params.messages).toHaveLength(1);
    expect(params.messages[0]?.content).toHaveLength(2);
  });
});

describe('Anthropic usage and stop reasons', () => {
  it('later reports override field by field, null keeps the earlier value', () => {
    const start = mergeAnthropicUsage(ZERO, {
      input_tokens: 10,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 3000,
      output_tokens: 1,
    });
    const end = mergeAnthropicUsage(start, {
      input_tokens: null,
      output_tokens: 90,
      cache_read_input_tokens: null,
      output_tokens_details: { thinking_tokens: 30 },
    });
    expect(end).toEqual({ input: 10, output: 90, cacheRead: 3000, cacheWrite: 200, reasoning: 30 });
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['stop_sequence', 'end_turn'],
    ['tool_use', 'tool_use'],
    ['max_tokens', 'max_tokens'],
    ['model_context_window_exceeded', 'max_tokens'],
    ['refusal', 'other'],
    [null, 'other'],
  ])('%s → %s', (reason, stop) => {
    expect(mapAnthropicStopReason(reason)).toBe(stop);
  });

  it('the accumulator reports output as estimated until message_delta arrives', () => {
    const acc = new AnthropicAccumulator();
    acc.push({
      type: 'message_start',
      message: { usage: { input_tokens: 5, output_tokens: 1 } },
    } as never);
    expect(acc.usage()).toMatchObject({ outputReported: false, usage: { input: 5, output: 1 } });
    expect(acc.finish()).toMatchObject({ kind: 'network' });
  });
});

describe('Chat Completions usage and chunks', () => {
  it('subtracts cache reads and writes from prompt tokens', () => {
    expect(
      convertChatUsage('openrouter', {
        prompt_tokens: 1000,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 300 },
        completion_tokens_details: { reasoning_tokens: 4 },
        cost: '0.0021',
      }),
    ).toEqual({
      usage: { input: 100, output: 10, cacheRead: 600, cacheWrite: 300, reasoning: 4 },
      billedUsd: 0.0021,
    });
  });

  it("reads DeepSeek's prompt_cache_hit_tokens and never goes negative", () => {
    expect(
      convertChatUsage('deepseek', {
        prompt_tokens: 50,
        completion_tokens: 1,
        prompt_cache_hit_tokens: 40,
      }).usage,
    ).toMatchObject({
      input: 10,
      cacheRead: 40,
    });
    expect(
      convertChatUsage('openai', { prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 9 } })
        .usage.input,
    ).toBe(0);
    expect(convertChatUsage('openrouter', { prompt_tokens: 5 })).not.toHaveProperty('billedUsd');
  });

  it.each([
    ['stop', false, 'end_turn'],
    ['stop', true, 'tool_use'],
    ['tool_calls', true, 'tool_use'],
    ['length', false, 'max_tokens'],
    ['content_filter', false, 'other'],
  ] as const)('finish %s (tools: %s) → %s', (reason, tools, stop) => {
    expect(mapFinishReason(reason, tools)).toBe(stop);
  });

  it('assembles a call whose id is missing and whose name is re-sent, never concatenating it', () => {
    const acc = new ChatAccumulator('deepseek');
    const chunk = (delta: object, finish: string | null = null) =>
      ({ choices: [{ index: 0, delta, finish_reason: finish }] }) as never;
    acc.push(
      chunk({ tool_calls: [{ index: 0, function: { name: 'read_file', arguments: '{"p":' } }] }),
    );
    acc.push(
      chunk({ tool_calls: [{ index: 0, function: { name: 'read_file', arguments: '1}' } }] }),
    );
    const events = acc.push(chunk({}, 'tool_calls'));
    expect(events).toEqual([
      {
        type: 'tool_call',
        call: { id: 'call_0', name: 'read_file', arguments: { p: 1 }, rawArguments: '{"p":1}' },
      },
    ]);
    expect(acc.finish()).toBe('tool_use');
    expect(acc.usage().outputReported).toBe(false);
  });
});

describe('toolCallFromRaw', () => {
  it('empty arguments mean no arguments', () => {
    expect(toolCallFromRaw('i', 'n', '')).toEqual({
      id: 'i',
      name: 'n',
      arguments: {},
      rawArguments: '',
    });
  });

  it('valid JSON that is not an object is an argumentsError', () => {
    expect(toolCallFromRaw('i', 'n', '[1,2]')).toMatchObject({
      arguments: undefined,
      argumentsError: expect.any(String),
    });
  });
});

describe('Ollama num_ctx buckets', () => {
  it.each([
    [0, 4096],
    [4096, 4096],
    [4097, 8192],
    [100_000, 131072],
    [131072, 131072],
    [500_000, 131072],
  ])('%i tokens → %i', (tokens, bucket) => {
    expect(numCtxBucket(tokens)).toBe(bucket);
  });

  it('estimates chars / 3.5 plus the output reserve', () => {
    const request = (chars: number, maxTokens?: number): ProviderRequest => ({
      model: 'm',
      maxTokens,
      messages: [{ role: 'user', content: 'x'.repeat(chars) }],
    });
    expect(ollamaNumCtx(request(7000))).toBe(4096); // 2000 + 2048 default reserve
    expect(ollamaNumCtx(request(7000, 3000))).toBe(8192); // 2000 + 3000
    expect(ollamaNumCtx({ ...request(7000), numCtx: 12345 })).toBe(12345);
  });

  it('server metrics from the final chunk', () => {
    expect(ollamaMetrics({ eval_count: 100, eval_duration: 4e9, load_duration: 1.5e9 })).toEqual({
      tokPerSec: 25,
      loadMs: 1500,
    });
    expect(ollamaMetrics({ eval_count: 0, eval_duration: 0 })).toEqual({});
  });
});

describe('normalizeOllamaHost', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['0.0.0.0:11434', 'http://0.0.0.0:11434'],
    ['localhost', 'http://localhost:11434'],
    [':9999', 'http://127.0.0.1:9999'],
    ['http://studio.local', 'http://studio.local:80'],
    ['https://ollama.example.com', 'https://ollama.example.com:443'],
    ['http://10.0.0.5:11434/', 'http://10.0.0.5:11434'],
    ['http://h:1/prefix/', 'http://h:1/prefix'],
    ['[::1]:11434', 'http://[::1]:11434'],
    ['::1', 'http://[::1]:11434'],
    ['host:99999', 'http://host:11434'],
    ['"localhost:8080"', 'http://localhost:8080'],
  ])('%j → %s', (value, url) => {
    expect(normalizeOllamaHost(value)).toBe(url);
  });
});

describe('ollama fetch repair', () => {
  const read = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
  const streamOf = (...parts: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
        controller.close();
      },
    });

  it('keeps valid lines split across chunks and replaces broken ones', async () => {
    const out = await read(validateNdjson(streamOf('{"a":', '1}\n{"b', '\n{"c":3}')));
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ a: 1 });
    expect(lines[1].error).toMatch(/^Malformed line from Ollama: \{"b/);
    expect(lines[2]).toEqual({ c: 3 });
  });

  it('binds the call signal to the request', async () => {
    const base = vi.fn(async (_input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      expect(init?.signal?.aborted).toBe(true);
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    });
    await ollamaFetch(AbortSignal.abort(), base as typeof fetch)('http://x/api/chat', {
      method: 'POST',
    });
    expect(base).toHaveBeenCalledOnce();
  });
});

describe('providerSetup', () => {
  it('reports the key variable and whether it is set, never the key', () => {
    const setup = providerSetup('anthropic', { ANTHROPIC_API_KEY: 'sk-ant-secret' });
    expect(setup).toEqual({
      keyVar: 'ANTHROPIC_API_KEY',
      keySet: true,
      baseUrl: 'https://api.anthropic.com',
    });
    expect(JSON.stringify(setup)).not.toContain('secret');
    expect(providerSetup('anthropic', { ANTHROPIC_API_KEY: '  ' }).keySet).toBe(false);
  });

  it.each([
    ['openai', {}, 'https://api.openai.com/v1'],
    ['openrouter', {}, 'https://openrouter.ai/api/v1'],
    ['deepseek', {}, 'https://api.deepseek.com'],
    ['deepseek', { DEEPSEEK_BASE_URL: 'http://127.0.0.1:9/' }, 'http://127.0.0.1:9'],
    ['ollama', { OLLAMA_HOST: '0.0.0.0' }, 'http://0.0.0.0:11434'],
  ] as const)('%s base URL with %j → %s', (id, env, url) => {
    expect(providerSetup(id, env).baseUrl).toBe(url);
  });

  it('Ollama needs no key', () => {
    expect(providerSetup('ollama', {})).toEqual({
      keySet: true,
      baseUrl: 'http://127.0.0.1:11434',
    });
  });
});

describe('SDK logging', () => {
  it('routes warnings to onNotice and drops the rest', () => {
    const notices: string[] = [];
    const logger = sdkLogger((m) => notices.push(m));
    logger.warn('careful', { a: 1 });
    logger.error('boom');
    logger.info('info');
    logger.debug('debug');
    expect(notices).toEqual(['careful {"a":1}']);
  });

  it('captureConsoleWarn redirects only for the duration of the call', () => {
    const seen: string[] = [];
    const original = console.warn;
    const result = captureConsoleWarn(
      (m) => seen.push(m),
      () => {
        console.warn('deprecated', 'model');
        return 7;
      },
    );
    expect(result).toBe(7);
    expect(seen).toEqual(['deprecated model']);
    expect(console.warn).toBe(original);
  });
});

describe('a forced tool call (toolChoice: the model classifier)', () => {
  const request: ProviderRequest = {
    model: 'm',
    messages: [{ role: 'user', content: 'classify this' }],
    tools: [{ name: 'classify', description: 'd', parameters: { type: 'object' } }],
    toolChoice: 'classify',
  };
  // Each as the vendor documents a named tool choice: Anthropic "Tool use" tool_choice
  // {type: "tool", name}; OpenAI Chat Completions {type: "function", function: {name}};
  // Responses {type: "function", name}.
  it('maps to each API’s own shape', () => {
    expect(toAnthropicParams(request).tool_choice).toEqual({ type: 'tool', name: 'classify' });
    expect(toChatParams('openai', request).tool_choice).toEqual({
      type: 'function',
      function: { name: 'classify' },
    });
    expect(toResponsesParams(request).tool_choice).toEqual({ type: 'function', name: 'classify' });
  });

  it('is absent unless asked for', () => {
    const { toolChoice: _none, ...free } = request;
    expect(toAnthropicParams(free).tool_choice).toBeUndefined();
    expect(toChatParams('openai', free).tool_choice).toBeUndefined();
    expect(toResponsesParams(free).tool_choice).toBeUndefined();
  });
});
