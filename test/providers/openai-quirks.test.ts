// Real-world quirks of OpenAI-compatible servers, replayed through the openai SDK against the
// stub (each sequence cites where it was observed).
import { describe, expect, it } from 'vitest';
import type { ProviderRequest, StreamEvent } from '../../src/core/index.js';
import { createProvider } from '../../src/providers/index.js';
import { chatEnv, openAIStubPerFile, type ChatId } from '../support/openai-stub.js';
import { collect, errorOf, shape, toolCallsOf, usageOf } from '../support/stream-events.js';

const stub = openAIStubPerFile();

const provider = (id: ChatId = 'openai') =>
  createProvider(id, { env: chatEnv(id, stub().url), maxRetries: 0 });
const simple: ProviderRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('tool calls are assembled by id (issue 12.2)', () => {
  it('a name re-sent in every delta is not concatenated', async () => {
    // GPT-5/5.1 re-send the function name in follow-up deltas of the same call
    // (open-webui/open-webui #22177, fixed by #22235): `name +=` gave a doubled name.
    stub().steps.push({
      rawToolCallDeltas: [
        {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'read_file', arguments: '' },
        },
        { index: 0, function: { name: 'read_file', arguments: '{"path":' } },
        { index: 0, function: { name: 'read_file', arguments: '"a.ts"}' } },
      ],
    });
    const calls = toolCallsOf(await collect(provider().stream(simple)));
    expect(calls).toEqual([
      {
        id: 'call_1',
        name: 'read_file',
        arguments: { path: 'a.ts' },
        rawArguments: '{"path":"a.ts"}',
      },
    ]);
  });

  it('parallel calls all at index 0 with distinct ids stay separate calls', async () => {
    // Responses→Chat bridges and some servers stream every parallel call at index 0, each with
    // its own id (mcowger/plexus #691, codex-lb #542; real-world.md): `arguments +=` merged them
    // into `{"path":"a.ts"}{"path":"b.ts"}`.
    stub().steps.push({
      rawToolCallDeltas: [
        {
          index: 0,
          id: 'call_a',
          type: 'function',
          function: { name: 'read_file', arguments: '' },
        },
        { index: 0, function: { arguments: '{"path":"a.ts"}' } },
        {
          index: 0,
          id: 'call_b',
          type: 'function',
          function: { name: 'read_file', arguments: '' },
        },
        { index: 0, function: { arguments: '{"path":"b.ts"}' } },
      ],
    });
    const events = await collect(provider('openrouter').stream(simple));
    expect(toolCallsOf(events).map((c) => [c.id, c.name, c.arguments])).toEqual([
      ['call_a', 'read_file', { path: 'a.ts' }],
      ['call_b', 'read_file', { path: 'b.ts' }],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });

  it('complete argument objects sent again under one index without ids become separate calls', async () => {
    // GPT-5.4 sent several complete JSON argument objects under the same index
    // (open-webui #22235): {"query":"A","count":5}{"query":"B","count":5}.
    stub().steps.push({
      rawToolCallDeltas: [
        { index: 0, id: 'call_q', type: 'function', function: { name: 'search', arguments: '' } },
        { index: 0, function: { arguments: '{"query":"A","count":5}' } },
        { index: 0, function: { arguments: '{"query":"B","count":5}' } },
      ],
    });
    const calls = toolCallsOf(await collect(provider().stream(simple)));
    expect(calls.map((c) => [c.name, c.arguments, c.argumentsError])).toEqual([
      ['search', { query: 'A', count: 5 }, undefined],
      ['search', { query: 'B', count: 5 }, undefined],
    ]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
  });
});

describe('DeepSeek thinking models (issue 12.6)', () => {
  it('sends reasoning_content back on assistant tool-call messages, only to DeepSeek', async () => {
    // api-docs.deepseek.com/guides/thinking_mode ("Tool Calls"): the reasoning_content of a
    // reply that made tool calls must be passed back in every later request, or the API is 400
    // (anomalyco/opencode #24722).
    const request: ProviderRequest = {
      model: 'deepseek-v4-flash',
      messages: [
        { role: 'user', content: 'what is in a.ts?' },
        {
          role: 'assistant',
          content: '',
          reasoning: 'I should read a.ts first.',
          toolCalls: [
            {
              id: 'call_1',
              name: 'read_file',
              arguments: { path: 'a.ts' },
              rawArguments: '{"path":"a.ts"}',
            },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', toolName: 'read_file', content: 'export {}' },
        { role: 'assistant', content: 'It is empty.', reasoning: 'No tool call here.' },
        { role: 'user', content: 'thanks' },
      ],
    };
    await collect(provider('deepseek').stream(request));
    const sent = stub().requests[0]?.body.messages;
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      reasoning_content: 'I should read a.ts first.',
      tool_calls: [{ id: 'call_1' }],
    });
    // Without tool calls the API ignores it; it is not sent.
    expect(sent[3]).toEqual({ role: 'assistant', content: 'It is empty.' });

    await collect(provider('openai').stream(request));
    expect(stub().requests[1]?.body.messages[1]).not.toHaveProperty('reasoning_content');
  });
});

describe('billed cost is trusted only from OpenRouter (issues 12.14, 13.2)', () => {
  it('OpenRouter BYOK books the upstream charge plus the OpenRouter fee', async () => {
    // openrouter.ai/docs/use-cases/usage-accounting: `cost` is what OpenRouter charged (with
    // BYOK its fee), cost_details.upstream_inference_cost what the provider billed the user's key.
    // 0.0012 fee + 0.0231 upstream = 0.0243 charged in all (issue 12.14's example).
    stub().steps.push({
      text: ['ok'],
      usage: { prompt: 900, completion: 40, cost: 0.0012, byok: true, upstreamCost: 0.0231 },
    });
    const events = await collect(
      provider('openrouter').stream({ ...simple, model: 'anthropic/claude-sonnet-4.6' }),
    );
    expect(usageOf(events)?.billedUsd).toBeCloseTo(0.0243, 10);
  });

  it('OpenRouter without BYOK books cost once (upstream_inference_cost is the same money)', async () => {
    // Non-BYOK calls also carry upstream_inference_cost, equal to cost, with is_byok false
    // (ORO-AI/oro v3.0.4 release note, from live OpenRouter responses).
    stub().steps.push({
      text: ['ok'],
      usage: { prompt: 900, completion: 40, cost: 0.0243, byok: false, upstreamCost: 0.0243 },
    });
    const events = await collect(provider('openrouter').stream(simple));
    expect(usageOf(events)?.billedUsd).toBe(0.0243);
  });

  it.each(['openai', 'deepseek'] as const)(
    '%s direct (or a proxy at its base URL) reporting cost 0 is not billed: reportedUsd only',
    async (id) => {
      stub().steps.push({ text: ['ok'], usage: { prompt: 50_000, completion: 100, cost: 0 } });
      const events = await collect(provider(id).stream(simple));
      expect(usageOf(events)).toEqual({
        usage: { input: 50_000, output: 100, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        billedUsd: undefined,
        reportedUsd: 0,
      });
    },
  );
});

describe('an interrupted stream books the prompt it sent (issue 13.1)', () => {
  // "the" + " the" × 1999 is 2,000 o200k tokens; +4 per message = 2,004 (router/tokens.ts).
  const long: ProviderRequest = {
    model: 'gpt-4.1',
    messages: [{ role: 'user', content: 'the' + ' the'.repeat(1999) }],
  };

  it.each(['openai', 'openrouter', 'deepseek'] as const)(
    '%s: aborted after the first text, input is estimated from the request, never 0',
    async (id) => {
      stub().steps.push({ text: ['twelve chars', 'more', 'more'], chunkDelayMs: 300 });
      const controller = new AbortController();
      const events = await collect(
        provider(id).stream(long, controller.signal),
        (e: StreamEvent) => {
          if (e.type === 'text') controller.abort();
        },
      );
      expect(errorOf(events)?.kind).toBe('aborted');
      // Before: { input: 0, output: 3 }. Output: 12 chars / 4 = 3.
      expect(usageOf(events)?.usage).toEqual({
        input: 2004,
        output: 3,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
        estimated: true,
      });
    },
  );

  it('a complete stream is not marked estimated', async () => {
    stub().steps.push({ text: ['ok'], usage: { prompt: 2010, completion: 1 } });
    const events = await collect(provider().stream(long));
    expect(shape(events)).toEqual(['text', 'usage', 'done']);
    expect(usageOf(events)?.usage).not.toHaveProperty('estimated');
    expect(usageOf(events)?.usage.input).toBe(2010);
  });
});
