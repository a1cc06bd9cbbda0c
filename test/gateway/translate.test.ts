// The gateway's translation as pure functions, on request/response shapes from the vendors'
// docs and SDK types (each fixture cites its source).
import { describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/errors.js';
import { defaultConfig } from '../../src/config/index.js';
import { Answer } from '../../src/gateway/answer.js';
import { anthropicSessionId, fromAnthropicRequest } from '../../src/gateway/anthropic-in.js';
import { anthropicMessage, AnthropicStreamWriter } from '../../src/gateway/anthropic-out.js';
import { clientName } from '../../src/gateway/client-id.js';
import { errorResponse } from '../../src/gateway/errors.js';
import { fromOpenAIRequest } from '../../src/gateway/openai-in.js';
import { openAICompletion, OpenAIStreamWriter } from '../../src/gateway/openai-out.js';
import { assertForcedModel } from '../../src/gateway/route-request.js';
import type { RouteDecision } from '../../src/router/types.js';
import { detectScenario } from '../../src/gateway/scenario.js';
import type { StreamEvent } from '../../src/core/stream.js';

// A Claude Code-shaped Messages request: system as TextBlockParam[] with cache_control, a
// tool_use / tool_result exchange with the get_weather tool of the Messages API's tool-use
// guide (docs.anthropic.com "Tool use with Claude"), a thinking block with its signature
// (extended-thinking guide), an image block (vision guide, base64 source), the web search
// server tool `web_search_20250305`, and metadata.user_id as Claude Code sends it.
const ANTHROPIC_REQUEST = {
  model: 'claude-sonnet-4-5-20250929',
  max_tokens: 32000,
  stream: true,
  thinking: { type: 'enabled', budget_tokens: 10000 },
  metadata: {
    user_id: 'user_4f1c_account_9a2b-77_session_3d0e8c1a-52b4-4c3e-9d1e-6f2a7b8c9d0e',
  },
  system: [
    { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: 'text', text: 'Working directory: /repo', cache_control: { type: 'ephemeral' } },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Get the current weather in a given location',
      input_schema: {
        type: 'object',
        properties: { location: { type: 'string', description: 'The city and state' } },
        required: ['location'],
      },
    },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
        { type: 'text', text: 'What is the weather like in San Francisco?' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should call get_weather.', signature: 'EqQBCgIYAhIM' },
        { type: 'text', text: 'Let me check.' },
        {
          type: 'tool_use',
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          input: { location: 'San Francisco, CA' },
        },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_01A09q90qw90lq917835lq9',
          content: [{ type: 'text', text: '15 degrees' }],
        },
        { type: 'text', text: 'And in Celsius?', cache_control: { type: 'ephemeral' } },
      ],
    },
  ],
};

// The function-calling guide's Chat Completions request (platform.openai.com "Function
// calling"), with a system message, an image_url part (vision guide), the assistant's
// tool_calls and the tool message answering it, and stream_options.include_usage.
const OPENAI_REQUEST = {
  model: 'gpt-4.1',
  stream: true,
  stream_options: { include_usage: true },
  max_completion_tokens: 1000,
  reasoning_effort: 'low',
  user: 'aider-session-7',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: "What's the weather like in Paris today?" },
        { type: 'image_url', image_url: { url: 'https://example.com/paris.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_12345xyz',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_12345xyz', content: '14' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Get current temperature for a given location.',
        parameters: {
          type: 'object',
          properties: { location: { type: 'string' } },
          required: ['location'],
        },
      },
    },
  ],
};

/** Parses SSE frames into [event, data] pairs (the data JSON, or the raw text). */
function frames(text: string): { event?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const raw = /^data: (.*)$/m.exec(frame)?.[1] ?? '';
      let data: unknown = raw;
      try {
        data = JSON.parse(raw);
      } catch {
        // [DONE]
      }
      return { ...(event ? { event } : {}), data };
    });
}

const TOOL_CALL_EVENTS: StreamEvent[] = [
  {
    type: 'usage',
    usage: { input: 100, output: 0, cacheRead: 2000, cacheWrite: 50, reasoning: 0 },
  },
  { type: 'reasoning', text: 'Need the ' },
  { type: 'reasoning', text: 'weather.' },
  { type: 'text', text: 'Checking ' },
  { type: 'text', text: 'now.' },
  {
    type: 'tool_call',
    call: {
      id: 'toolu_1',
      name: 'get_weather',
      arguments: { location: 'Paris' },
      rawArguments: '{"location":"Paris"}',
    },
  },
  {
    type: 'usage',
    usage: { input: 100, output: 40, cacheRead: 2000, cacheWrite: 50, reasoning: 12 },
  },
  { type: 'done', stopReason: 'tool_use', metrics: { durationMs: 10 } },
];

const META = { id: 'msg_1', model: 'claude-sonnet-4-5', inputEstimate: 2100 };

describe('Anthropic request → kirikae messages', () => {
  const r = fromAnthropicRequest(ANTHROPIC_REQUEST);

  it('joins the system blocks, keeps client tools and notes the server search tool', () => {
    expect(r.system).toBe(
      "You are Claude Code, Anthropic's official CLI for Claude.\nWorking directory: /repo",
    );
    expect(r.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Get the current weather in a given location',
        parameters: ANTHROPIC_REQUEST.tools[0]!.input_schema,
      },
    ]);
    expect(r).toMatchObject({ webSearch: true, thinking: true, stream: true, maxTokens: 32000 });
    expect(r.sessionId).toBe('3d0e8c1a-52b4-4c3e-9d1e-6f2a7b8c9d0e');
  });

  it('turns tool_use into tool calls, tool_result into a tool message before the new text', () => {
    expect(r.messages).toEqual([
      { role: 'user', content: 'What is the weather like in San Francisco?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        reasoning: 'I should call get_weather.',
        toolCalls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            name: 'get_weather',
            arguments: { location: 'San Francisco, CA' },
            rawArguments: '{"location":"San Francisco, CA"}',
          },
        ],
      },
      {
        role: 'tool',
        toolCallId: 'toolu_01A09q90qw90lq917835lq9',
        toolName: 'get_weather',
        content: '15 degrees',
      },
      { role: 'user', content: 'And in Celsius?' },
    ]);
    // kirikae's messages carry text only: the image is named, never silently lost.
    expect(r.dropped).toEqual(['image']);
  });

  it('refuses a body without model or messages', () => {
    expect(() => fromAnthropicRequest({ messages: [] })).toThrow(KirikaeError);
  });

  it('reads the session from both user_id forms Claude Code has sent', () => {
    expect(anthropicSessionId({ user_id: '{"device_id":"d","session_id":"s-1"}' })).toBe('s-1');
    expect(anthropicSessionId({ user_id: 'user_abc' })).toBeUndefined();
  });
});

describe('OpenAI request → kirikae messages', () => {
  const r = fromOpenAIRequest(OPENAI_REQUEST);

  it('keeps system, tool calls and tool messages, with the tool name looked up by id', () => {
    expect(r.system).toBe('You are a helpful assistant.');
    expect(r.messages).toEqual([
      { role: 'user', content: "What's the weather like in Paris today?" },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          {
            id: 'call_12345xyz',
            name: 'get_weather',
            arguments: { location: 'Paris, France' },
            rawArguments: '{"location":"Paris, France"}',
          },
        ],
      },
      { role: 'tool', toolCallId: 'call_12345xyz', toolName: 'get_weather', content: '14' },
    ]);
    expect(r.tools?.[0]?.name).toBe('get_weather');
    expect(r).toMatchObject({
      maxTokens: 1000,
      includeUsage: true,
      // `low` is a client's everyday effort, not an ask for more reasoning.
      thinking: false,
      sessionId: 'aider-session-7',
      dropped: ['image_url'],
    });
  });
});

describe('kirikae stream → Anthropic SSE', () => {
  it('writes message_start, one block per part, message_delta with usage, message_stop', () => {
    let out = '';
    const writer = new AnthropicStreamWriter((f) => (out += f), META);
    writer.start();
    for (const e of TOOL_CALL_EVENTS) writer.event(e);
    writer.finish();
    const f = frames(out);
    expect(f.map((x) => x.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(f[1]!.data).toMatchObject({ index: 0, content_block: { type: 'thinking' } });
    expect(f[5]!.data).toMatchObject({ index: 1, content_block: { type: 'text' } });
    expect(f[9]!.data).toMatchObject({
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    });
    expect(f[10]!.data).toMatchObject({
      delta: { type: 'input_json_delta', partial_json: '{"location":"Paris"}' },
    });
    expect(f[12]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 100,
        cache_creation_input_tokens: 50,
        cache_read_input_tokens: 2000,
        output_tokens: 40,
      },
    });
  });

  it('ends a failed stream with event: error in the API shape', () => {
    let out = '';
    const writer = new AnthropicStreamWriter((f) => (out += f), META);
    writer.start();
    writer.event({ type: 'text', text: 'partial' });
    writer.fail(new KirikaeError('overloaded', 'Anthropic 529 overloaded_error: Overloaded'));
    const last = frames(out).at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('builds the whole Message for a non-streamed request', () => {
    const answer = new Answer();
    for (const e of TOOL_CALL_EVENTS) answer.add(e);
    expect(anthropicMessage(answer, META)).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'tool_use',
      content: [
        { type: 'thinking', thinking: 'Need the weather.' },
        { type: 'text', text: 'Checking now.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
      ],
      usage: { input_tokens: 100, output_tokens: 40, cache_read_input_tokens: 2000 },
    });
  });
});

describe('kirikae stream → Chat Completions', () => {
  it('streams role, deltas, tool_calls by index, finish_reason, a usage chunk and [DONE]', () => {
    let out = '';
    const writer = new OpenAIStreamWriter((f) => (out += f), META, true);
    writer.start();
    for (const e of TOOL_CALL_EVENTS) writer.event(e);
    writer.finish();
    const f = frames(out).map((x) => x.data as Record<string, unknown>);
    const deltas = f.flatMap((c) =>
      Array.isArray(c.choices) && c.choices.length
        ? [(c.choices[0] as { delta: unknown }).delta]
        : [],
    );
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas).toContainEqual({ reasoning_content: 'Need the ' });
    expect(deltas).toContainEqual({ content: 'now.' });
    expect(deltas).toContainEqual({
      tool_calls: [
        {
          index: 0,
          id: 'toolu_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
        },
      ],
    });
    const finish = f.find((c) => (c.choices as { finish_reason?: string }[])?.[0]?.finish_reason);
    expect((finish!.choices as { finish_reason: string }[])[0]!.finish_reason).toBe('tool_calls');
    // cached_tokens are inside prompt_tokens, as OpenAI counts them.
    expect(f.at(-2)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 2150,
        completion_tokens: 40,
        prompt_tokens_details: { cached_tokens: 2000 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
    expect(f.at(-1)).toBe('[DONE]');
  });

  it('builds the whole chat.completion with tool_calls and null content', () => {
    const answer = new Answer();
    for (const e of TOOL_CALL_EVENTS.filter((e) => e.type !== 'text')) answer.add(e);
    const body = openAICompletion(answer, META) as {
      choices: { message: Record<string, unknown>; finish_reason: string }[];
    };
    expect(body.choices[0]!.finish_reason).toBe('tool_calls');
    expect(body.choices[0]!.message).toMatchObject({
      role: 'assistant',
      content: null,
      reasoning_content: 'Need the weather.',
    });
  });
});

describe('scenarios, clients and errors', () => {
  const config = defaultConfig();
  const base = fromOpenAIRequest({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });

  it('detects the scenarios as claude-code-router does', () => {
    expect(detectScenario({ ...base, model: 'claude-haiku-4-5-20251001' }, 100, config)).toBe(
      'background',
    );
    expect(detectScenario({ ...base, maxTokens: 256 }, 100, config)).toBe('background');
    expect(detectScenario({ ...base, webSearch: true, thinking: true }, 100, config)).toBe(
      'webSearch',
    );
    expect(detectScenario({ ...base, thinking: true }, 100, config)).toBe('think');
    expect(detectScenario(base, config.routing.longContextThreshold + 1, config)).toBe(
      'longContext',
    );
    expect(detectScenario(base, 100, config)).toBe('default');
  });

  it('reads a think request from a fixed budget or a raised effort, never from adaptive thinking', () => {
    const anthropic = (extra: Record<string, unknown>) =>
      fromAnthropicRequest({
        model: 'claude-sonnet-4-6',
        max_tokens: 32000,
        messages: [{ role: 'user', content: 'hi' }],
        ...extra,
      }).thinking;
    // Claude Code 2.1.332's every request, captured against a local endpoint (2 Dec 2026):
    // Claude 4.6 models get adaptive thinking at effort high, older ones a budget of all but one
    // of max_tokens. Its default, not an ask.
    expect(
      anthropic({
        thinking: { type: 'adaptive', display: 'omitted' },
        output_config: { effort: 'high' },
      }),
    ).toBe(false);
    expect(
      anthropic({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } }),
    ).toBe(false);
    expect(anthropic({ thinking: { type: 'adaptive' } })).toBe(false);
    expect(anthropic({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } })).toBe(
      false,
    );
    expect(anthropic({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } })).toBe(
      true,
    );
    expect(anthropic({ thinking: { type: 'enabled', budget_tokens: 10000 } })).toBe(true);
    expect(anthropic({ thinking: { type: 'disabled' } })).toBe(false);
    const openai = (effort: string) =>
      fromOpenAIRequest({ ...OPENAI_REQUEST, reasoning_effort: effort }).thinking;
    expect(['none', 'minimal', 'low', 'medium'].map(openai)).toEqual([false, false, false, false]);
    expect(['high', 'xhigh'].map(openai)).toEqual([true, true]);
  });

  it('a model that does not fit the memory budget is a config error; a spent budget is a spend limit', () => {
    const refusal = (reason: string) => {
      const decision = {
        chosen: { model: 'openrouter/x/y' },
        options: [{ model: 'ollama/qwen3-coder:30b', unavailableReason: reason }],
        warnings: [],
      } as unknown as RouteDecision;
      try {
        assertForcedModel(decision, 'ollama/qwen3-coder:30b', 'pinned');
      } catch (e) {
        return e as KirikaeError;
      }
      throw new Error('not refused');
    };
    const memory = refusal('does not fit the memory budget at num_ctx 32768');
    expect(memory.kind).toBe('config');
    expect(refusal('monthly budget $20.00 is spent ($21.00)').kind).toBe('spend_limit');
    expect(refusal('does not support tools (Ollama would answer 400)').kind).toBe('config');
    expect(refusal('Cannot reach Ollama at http://127.0.0.1:1').kind).toBe('network');
    expect(memory.hint).toContain('DELETE /kirikae/pin');
  });

  it('names the client from its User-Agent', () => {
    expect(clientName('claude-cli/2.1.332 (external, cli)')).toBe('claude-code');
    expect(clientName('OpenAI/JS 6.9.1')).toBe('openai-sdk');
    expect(clientName('Aider/0.86 litellm')).toBe('aider');
    expect(clientName(undefined)).toBe('unknown');
  });

  it('answers errors with the status and body each client knows', () => {
    const limited = errorResponse(
      new KirikaeError('rate_limit', 'Anthropic 429', { retryAfterMs: 2500 }),
      'anthropic',
    );
    expect(limited).toMatchObject({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { type: 'error', error: { type: 'rate_limit_error' } },
    });
    expect(errorResponse(new KirikaeError('overloaded', 'x'), 'anthropic').status).toBe(529);
    expect(errorResponse(new KirikaeError('auth', 'x'), 'openai')).toMatchObject({
      status: 401,
      body: { error: { type: 'invalid_api_key' } },
    });
    const budget = errorResponse(
      new KirikaeError('spend_limit', 'monthly budget $200.00 is spent'),
      'openai',
    );
    expect(budget.status).toBe(403);
    expect((budget.body as { error: { message: string } }).error.message).toMatch(
      /^kirikae: monthly budget/,
    );
  });
});
