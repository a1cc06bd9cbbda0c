// The gateway against the recorded-sequence stubs, driven by the official SDKs as clients:
// the same core as the screen (buildCore), so every request is routed, run through the one
// pipeline, and booked in the ledger.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { setConfigValue } from '../../src/config/index.js';
import { watchConfig } from '../../src/wiring/config-watch.js';
import { gatewayHarness } from './harness.js';

const harness = gatewayHarness();
const makeGateway = harness.makeGateway;

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the current weather in a given location',
  input_schema: {
    type: 'object' as const,
    properties: { location: { type: 'string' } },
    required: ['location'],
  },
};

describe('kirikae serve', () => {
  it('answers an Anthropic streaming request from an OpenAI-compatible target', async () => {
    const { anthropic, calls } = await makeGateway({
      pinned: { model: 'openrouter/deepseek/deepseek-v4-flash' },
    });
    harness.stubs().openai.steps.push({
      text: ['Hello ', 'from ', 'DeepSeek'],
      usage: { prompt: 1200, completion: 9, cached: 1000, cost: 0.0001 },
    });
    const stream = anthropic.messages.stream({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'implement a hello function in src/hello.ts' }],
    });
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();

    expect(message.content).toEqual(
      [{ type: 'text', text: 'Hello from DeepSeek', citations: null }].map(({ type, text }) =>
        expect.objectContaining({ type, text }),
      ),
    );
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({
      input_tokens: 200,
      cache_read_input_tokens: 1000,
      output_tokens: 9,
    });
    expect(response.headers.get('x-kirikae-route')).toBe('openrouter/deepseek/deepseek-v4-flash');
    expect(Number(response.headers.get('x-kirikae-estimate-usd'))).toBeGreaterThan(0);

    const sent = harness.stubs().openai.requests.at(-1)!;
    expect(sent.path).toBe('/api/v1/chat/completions');
    expect(sent.body.model).toBe('deepseek/deepseek-v4-flash');
    expect(sent.body.messages[0]).toMatchObject({ role: 'system', content: 'You are terse.' });
    expect(sent.body.messages.at(-1)).toMatchObject({
      role: 'user',
      content: 'implement a hello function in src/hello.ts',
    });

    const records = calls();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      model: 'openrouter/deepseek/deepseek-v4-flash',
      decision: 'auto',
      outcome: 'ok',
      costUsd: 0.0001,
      priceSource: 'billed',
    });
    expect(records[0]!.task).toMatch(/^gateway:anthropic-sdk:/);
  });

  it('answers an OpenAI streaming request from an Anthropic target, usage chunk included', async () => {
    const { openai, calls } = await makeGateway({
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    harness.stubs().anthropic.steps.push({
      text: ['Bonjour', ' from Claude'],
      usage: { input: 40, output: 6, cacheRead: 300 },
    });
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'gpt-4.1',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'write a docstring for parse()' },
        ],
      })
      .withResponse();
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Bonjour from Claude');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({
      prompt_tokens: 340,
      completion_tokens: 6,
      prompt_tokens_details: { cached_tokens: 300 },
    });
    expect(response.headers.get('x-kirikae-route')).toBe('anthropic/claude-sonnet-5-5');
    const sent = harness.stubs().anthropic.requests.at(-1)!.body;
    expect(sent.model).toBe('claude-sonnet-5-5');
    expect(JSON.stringify(sent.system)).toContain('Answer in French.');
    expect(calls()[0]!.task).toMatch(/^gateway:openai-sdk:/);
  });

  it('carries a tool call round trip: tool_use out, tool_result back as a tool message', async () => {
    const { anthropic, calls } = await makeGateway({
      pinned: { model: 'openrouter/deepseek/deepseek-v4-flash' },
    });
    harness
      .stubs()
      .openai.steps.push(
        { toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: { location: 'Paris' } }] },
        { text: ['It is 14 degrees in Paris.'] },
      );
    const first = await anthropic.messages
      .stream({
        model: 'claude-opus-5-5',
        max_tokens: 1024,
        tools: [WEATHER_TOOL],
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((b) => b.type === 'tool_use');
    expect(toolUse).toMatchObject({
      id: 'call_w1',
      name: 'get_weather',
      input: { location: 'Paris' },
    });
    expect(harness.stubs().openai.requests.at(-1)!.body.tools[0].function.name).toBe('get_weather');

    const second = await anthropic.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'call_w1', content: '14 degrees' }],
        },
      ],
    });
    expect(second.content).toMatchObject([{ type: 'text', text: 'It is 14 degrees in Paris.' }]);
    const sent = harness.stubs().openai.requests.at(-1)!.body.messages;
    expect(sent.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_w1', function: { name: 'get_weather' } }],
    });
    expect(sent.at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_w1',
      content: '14 degrees',
    });
    expect(calls()).toHaveLength(2);
  });

  it('falls back on a 529 before anything streamed, visible only in the headers and the ledger', async () => {
    const { anthropic, calls, views } = await makeGateway({
      config: { fallback: ['anthropic/claude-sonnet-5-5', 'openai/gpt-6.2-sol'] },
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    harness.stubs().anthropic.steps.push({
      httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
    });
    harness.stubs().openai.steps.push({ text: ['answered by ', 'gpt'] });
    const stream = anthropic.messages.stream({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'add a test for parse()' }],
    });
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([{ type: 'text', text: 'answered by gpt' }]);
    expect(response.headers.get('x-kirikae-route')).toBe('openai/gpt-6.2-sol');
    expect(response.headers.get('x-kirikae-fallback-from')).toBe('anthropic/claude-sonnet-5-5');
    const records = calls();
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      model: 'anthropic/claude-sonnet-5-5',
      outcome: 'error',
      errorKind: 'overloaded',
    });
    expect(records[1]).toMatchObject({
      model: 'openai/gpt-6.2-sol',
      outcome: 'ok',
      decision: 'fallback',
      fallbackHops: ['anthropic/claude-sonnet-5-5'],
    });
    expect(views.at(-1)).toMatchObject({
      route: 'openai/gpt-6.2-sol',
      fallbackFrom: ['anthropic/claude-sonnet-5-5'],
    });
  });

  it('never falls back once the answer has started: the client sees the error event', async () => {
    const { anthropic, calls } = await makeGateway({
      config: { fallback: ['anthropic/claude-sonnet-5-5', 'openai/gpt-6.2-sol'] },
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    // message_start, ping, content_block_start, one text_delta, then the API's event: error.
    harness.stubs().anthropic.steps.push({
      text: ['half an ', 'answer'],
      midStreamError: { type: 'overloaded_error', message: 'Overloaded', afterEvents: 4 },
    });
    const stream = anthropic.messages.stream({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'add a test for parse()' }],
    });
    let text = '';
    stream.on('text', (t) => (text += t));
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(text).toBe('half an ');
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toMatch(/overloaded/i);
    expect(harness.stubs().openai.requests).toHaveLength(0);
    expect(calls()).toMatchObject([{ model: 'anthropic/claude-sonnet-5-5', outcome: 'error' }]);
  });

  it('places a routed local model in memory and books it at no cost', async () => {
    const { anthropic, calls } = await makeGateway({
      config: { local: { memoryBudgetGb: 64, reserveGb: 0 } },
      pinned: { model: 'ollama/qwen3-coder:30b' },
    });
    harness.stubs().ollama.chatSteps.push({
      chunks: ['local ', 'answer'],
      evalCount: 40,
      evalDurationNs: 5e8,
    });
    const message = await anthropic.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'fix the typo in README.md' }],
    });
    expect(message.content).toMatchObject([{ type: 'text', text: 'local answer' }]);
    expect(
      harness
        .stubs()
        .ollama.resident()
        .map((r) => r.name),
    ).toContain('qwen3-coder:30b');
    expect(calls()).toMatchObject([{ model: 'ollama/qwen3-coder:30b', costUsd: 0, outcome: 'ok' }]);
  });

  it('passes the upstream error through in the client format when the chain is exhausted', async () => {
    const { openai, calls } = await makeGateway({
      config: { fallback: ['anthropic/claude-sonnet-5-5'] },
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    harness.stubs().anthropic.steps.push({
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'Rate limited',
        headers: { 'retry-after': '7' },
      },
    });
    const error = await openai.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'rename x to y' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(
      '7',
    );
    expect(calls()).toHaveLength(1);
  });

  it('refuses a route that needs budget confirmation with a 403 the client shows', async () => {
    const { anthropic, calls } = await makeGateway({
      config: { budget: { monthlyUsd: 0.000001, action: 'ask' } },
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    const error = await anthropic.messages
      .create({
        model: 'claude-opus-5-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'implement the parser' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((error as Error).message).toMatch(
      /kirikae: .*budget.*kirikae config set budget\.monthlyUsd/,
    );
    expect(harness.stubs().anthropic.requests).toHaveLength(0);
    expect(() => calls()).toThrow();
  });

  it('a block budget refuses paid routes with the fix for a budget, not doctor', async () => {
    const { anthropic } = await makeGateway({
      config: { budget: { monthlyUsd: 0.000001, action: 'block' } },
    });
    const error = await anthropic.messages
      .create({
        model: 'claude-opus-5-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'implement the parser for the config format' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((error as Error).message).toContain('kirikae config set budget.monthlyUsd');
    expect((error as Error).message).toContain('PUT /kirikae/pin');
    expect((error as Error).message).not.toContain('doctor');
  });

  it('a think floor that a spent budget would refuse is not taken: the free local route answers', async () => {
    const { anthropic } = await makeGateway({
      config: {
        local: { memoryBudgetGb: 64, reserveGb: 0 },
        budget: { monthlyUsd: 0.000001, action: 'block' },
      },
    });
    harness.stubs().ollama.chatSteps.push({ chunks: ['fixed'], evalCount: 2, evalDurationNs: 1e8 });
    const { response } = await anthropic.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 16000,
        messages: [{ role: 'user', content: 'fix the typo in README.md' }],
        thinking: { type: 'enabled', budget_tokens: 10000 },
      })
      .withResponse();
    expect(response.headers.get('x-kirikae-scenario')).toBe('think');
    expect(response.headers.get('x-kirikae-route')).toBe('ollama/qwen3-coder:30b');
  });

  it('takes a config change made while it runs: the budget its 403 names is raised, the next request goes', async () => {
    const { anthropic, core, root } = await makeGateway({
      config: { budget: { monthlyUsd: 0.000001, action: 'ask' } },
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    const env = { KIRIKAE_CONFIG_DIR: join(root, 'config') };
    const lines: string[] = [];
    const unwatch = watchConfig(core.config, env, (line) => lines.push(line), { everyMs: 20 });
    try {
      const request = () =>
        anthropic.messages.create({
          model: 'claude-opus-5-5',
          max_tokens: 1024,
          messages: [{ role: 'user', content: 'implement the parser' }],
        });
      expect(await request().catch((e: unknown) => e)).toBeInstanceOf(
        Anthropic.PermissionDeniedError,
      );
      // What the 403 tells the user to do, from another shell.
      setConfigValue('budget.monthlyUsd', 500, env);
      await vi.waitFor(() => expect(lines).toHaveLength(1));
      expect(lines[0]).toBe(`config reloaded from ${join(root, 'config', 'config.json')}`);
      harness.stubs().anthropic.steps.push({ text: ['parsed'] });
      expect((await request()).content).toMatchObject([{ type: 'text', text: 'parsed' }]);
      // A field that does not validate takes its default, and the line says so.
      writeFileSync(
        join(root, 'config', 'config.json'),
        JSON.stringify({ budget: { monthlyUsd: 'lots' } }),
      );
      await vi.waitFor(() => expect(lines).toHaveLength(2));
      expect(lines[1]).toMatch(/what does not validate uses its default: .*budget\.monthlyUsd/);
      expect(core.config.get().budget.monthlyUsd).toBe(200);
      // A file that does not parse (a typo, an editor mid-write) or is gone keeps what runs.
      setConfigValue('budget.monthlyUsd', 20, env);
      await vi.waitFor(() => expect(core.config.get().budget.monthlyUsd).toBe(20));
      writeFileSync(join(root, 'config', 'config.json'), '{"budget": {"monthlyUsd": 20,}');
      await vi.waitFor(() => expect(lines).toHaveLength(4));
      expect(lines[3]).toMatch(
        /is not valid JSON .*; the config in use is kept until the file is fixed$/,
      );
      expect(core.config.get().budget.monthlyUsd).toBe(20);
      rmSync(join(root, 'config', 'config.json'));
      await vi.waitFor(() => expect(lines).toHaveLength(5));
      expect(lines[4]).toMatch(/is gone; the config in use is kept/);
      expect(core.config.get().budget.monthlyUsd).toBe(20);
    } finally {
      unwatch();
    }
  });

  it('routes background (haiku-class) requests to the efficient tier, passthrough runs the named model', async () => {
    const routed = await makeGateway();
    harness.stubs().anthropic.steps.push({ text: ['a title'] });
    const { response } = await routed.anthropic.messages
      .create({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 512,
        messages: [{ role: 'user', content: 'Summarise this conversation in a title' }],
      })
      .withResponse();
    expect(response.headers.get('x-kirikae-scenario')).toBe('background');
    expect(response.headers.get('x-kirikae-route')).toBe('anthropic/claude-haiku-5-5');

    const passthrough = await makeGateway({ passthrough: true });
    harness.stubs().openai.steps.push({ text: ['ok'] });
    const { response: r2 } = await passthrough.openai.chat.completions
      .create({ model: 'gpt-6.2-sol', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(r2.headers.get('x-kirikae-route')).toBe('openai/gpt-6.2-sol');
    expect(harness.stubs().openai.requests.at(-1)!.body.model).toBe('gpt-6.2-sol');
  });

  it('routes Claude Code by the classifier; an explicit thinking budget raises a local route to tier 1, never lowers one', async () => {
    const { anthropic } = await makeGateway({
      config: { local: { memoryBudgetGb: 64, reserveGb: 0 } },
    });
    const ask = async (content: string, thinking: Anthropic.ThinkingConfigParam) => {
      harness.stubs().ollama.chatSteps.push({ chunks: ['ok'], evalCount: 2, evalDurationNs: 1e8 });
      harness.stubs().anthropic.steps.push({ text: ['ok'] });
      harness.stubs().openai.steps.push({ text: ['ok'] });
      const { response } = await anthropic.messages
        .create({
          model: 'claude-sonnet-4-6',
          max_tokens: 16000,
          messages: [{ role: 'user', content }],
          thinking,
        })
        .withResponse();
      return [response.headers.get('x-kirikae-scenario'), response.headers.get('x-kirikae-route')];
    };
    // Claude Code's every request carries adaptive thinking: the classifier routes it.
    expect(await ask('fix the typo in README.md', { type: 'adaptive' })).toEqual([
      'default',
      'ollama/qwen3-coder:30b',
    ]);
    // A fixed budget asks for reasoning: the local route is raised to the standard tier…
    expect(
      await ask('fix the typo in README.md', { type: 'enabled', budget_tokens: 10000 }),
    ).toEqual(['think', 'anthropic/claude-sonnet-5-5']);
    // …and a frontier route stays where the classifier put it (it was pinned to tier 1).
    const design =
      'design the architecture for splitting our monolith into services: data ownership, migration plan, failure modes';
    const [scenario, route] = await ask(design, { type: 'enabled', budget_tokens: 10000 });
    expect(scenario).toBe('think');
    expect(route).toBe('openai/gpt-6.2-sol');
  });

  it('counts tokens, lists models, and checks the token when one is set', async () => {
    const { gateway, anthropic } = await makeGateway({ token: 'secret-1' });
    const counted = await anthropic.messages.countTokens({
      model: 'claude-opus-5-5',
      messages: [{ role: 'user', content: 'hello world, count me' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(4);
    const models = await anthropic.models.list();
    expect(models.data.map((m) => m.id)).toContain('anthropic/claude-sonnet-5-5');
    const denied = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': 'wrong' } });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it('books a Claude Code request under its client and session (beta query, metadata.user_id)', async () => {
    const { gateway, calls } = await makeGateway({
      pinned: { model: 'anthropic/claude-sonnet-5-5' },
    });
    harness.stubs().anthropic.steps.push({ text: ['done'] });
    // Claude Code posts to /v1/messages?beta=true with its own User-Agent and metadata.user_id.
    const res = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'claude-cli/2.1.332 (external, cli)',
        'x-api-key': 'dummy',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-opus-5-5',
        max_tokens: 32000,
        metadata: { user_id: 'user_ab12_account_cd34_session_5e6f-7a8b' },
        messages: [{ role: 'user', content: [{ type: 'text', text: 'fix the failing test' }] }],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: 'message', content: [{ text: 'done' }] });
    expect(calls()[0]!.task).toBe('gateway:claude-code:5e6f-7a8b');
  });

  it('says in a header which parts of the request it could not carry (an image)', async () => {
    const { anthropic } = await makeGateway({ pinned: { model: 'anthropic/claude-sonnet-5-5' } });
    harness.stubs().anthropic.steps.push({ text: ['I cannot see images here'] });
    const { response } = await anthropic.messages
      .create({
        model: 'claude-opus-5-5',
        max_tokens: 100,
        messages: [
          {
            role: 'user',
            content: [
              // The vision guide's base64 image block.
              {
                type: 'image',
                source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' },
              },
              { type: 'text', text: 'what is in this picture?' },
            ],
          },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-kirikae-dropped')).toBe('image');
  });

  it('lets a screen pin the route for the next requests and read the live view', async () => {
    const { gateway, openai } = await makeGateway();
    const pin = await fetch(`${gateway.url}/kirikae/pin`, {
      method: 'PUT',
      body: JSON.stringify({ model: 'openrouter/deepseek/deepseek-v4-flash' }),
    });
    expect(await pin.json()).toEqual({ pin: { model: 'openrouter/deepseek/deepseek-v4-flash' } });
    harness.stubs().openai.steps.push({ text: ['pinned answer'], usage: { cost: 0.0002 } });
    const { response } = await openai.chat.completions
      .create({
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'explain this stack trace' }],
      })
      .withResponse();
    expect(response.headers.get('x-kirikae-route')).toBe('openrouter/deepseek/deepseek-v4-flash');

    const status = (await (await fetch(`${gateway.url}/kirikae/status`)).json()) as {
      requests: { client: string; route: string; costUsd: number }[];
      clients: Record<string, { requests: number; usd: number }>;
    };
    expect(status.requests.at(-1)).toMatchObject({
      client: 'openai-sdk',
      route: 'openrouter/deepseek/deepseek-v4-flash',
      costUsd: 0.0002,
    });
    expect(status.clients['openai-sdk']).toEqual({ requests: 1, usd: 0.0002, unpriced: 0 });

    const cleared = await fetch(`${gateway.url}/kirikae/pin`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ pin: null });
    const bad = await fetch(`${gateway.url}/kirikae/pin`, {
      method: 'PUT',
      body: JSON.stringify({ tier: 7 }),
    });
    expect(bad.status).toBe(400);
    // A model that cannot run is refused at once, and nothing is pinned.
    for (const model of ['nope/model', 'ollama/glm-4.7-flash']) {
      const refused = await fetch(`${gateway.url}/kirikae/pin`, {
        method: 'PUT',
        body: JSON.stringify({ model }),
      });
      expect(refused.status, model).toBeGreaterThanOrEqual(400);
      const body = (await refused.json()) as { error: { message: string } };
      expect(body.error.message).toContain(`${model} cannot run: `);
    }
    const after = (await (await fetch(`${gateway.url}/kirikae/status`)).json()) as { pin: unknown };
    expect(after.pin).toBeNull();
  });

  it('a pinned model that stops being able to run fails the request, naming why and the way out', async () => {
    const { openai } = await makeGateway({ pinned: { model: 'ollama/glm-4.7-flash' } });
    const error = await openai.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/ollama\/glm-4\.7-flash cannot run: /);
    expect(harness.stubs().openai.requests).toHaveLength(0);
  });

  it('stops the upstream call when the client goes away and books it as aborted', async () => {
    const { openai, calls, views } = await makeGateway({
      pinned: { model: 'openrouter/deepseek/deepseek-v4-flash' },
    });
    harness.stubs().openai.steps.push({
      text: Array.from({ length: 200 }, (_, i) => `w${i} `),
      chunkDelayMs: 20,
    });
    const abort = new AbortController();
    const stream = await openai.chat.completions.create(
      {
        model: 'gpt-4.1',
        stream: true,
        messages: [{ role: 'user', content: 'write a long essay' }],
      },
      { signal: abort.signal },
    );
    let seen = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) seen++;
        if (seen === 3) abort.abort();
      }
    })().catch(() => {});
    const deadline = Date.now() + 5_000;
    while (views.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(views[0]).toMatchObject({ outcome: 'aborted' });
    expect(calls()).toMatchObject([{ outcome: 'aborted', errorKind: 'aborted' }]);
  });

  it('keeps 20 parallel streams apart, each booked once', async () => {
    const { openai, calls } = await makeGateway({
      pinned: { model: 'openrouter/deepseek/deepseek-v4-flash' },
    });
    for (let i = 0; i < 20; i++)
      harness
        .stubs()
        .openai.steps.push({ text: [`answer-${i}-a `, `answer-${i}-b`], chunkDelayMs: 2 });
    const texts = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const stream = await openai.chat.completions.create({
          model: 'gpt-4.1',
          stream: true,
          messages: [{ role: 'user', content: `question ${i}` }],
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      }),
    );
    const ids = texts.map((t) => /^answer-(\d+)-a answer-\1-b$/.exec(t)?.[1]);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(20);
    expect(calls()).toHaveLength(20);
  });
});
