import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message, ProviderRequest, StreamEvent } from '../../src/core/index.js';
import { createProvider, detectTruncation } from '../../src/providers/index.js';
import { sendJson, sleep, startHttpStub, writeRaw } from '../support/http-stub.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { collect, errorOf, shape, textOf, toolCallsOf, usageOf } from '../support/stream-events.js';

const MODEL = 'qwen3-coder:30b';
let stub: OllamaStub;

beforeAll(async () => {
  stub = await startOllamaStub({ models: [{ name: MODEL, size: 18_000_000_000 }] });
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.chatSteps.length = 0;
  stub.requests.length = 0;
});

const provider = (host = stub.url) => createProvider('ollama', { env: { OLLAMA_HOST: host } });
const simple: ProviderRequest = { model: MODEL, messages: [{ role: 'user', content: 'hi' }] };
const chatBodies = () => stub.requests.filter((r) => r.path === '/api/chat').map((r) => r.body);

describe('ollama adapter: streaming', () => {
  it('streams text; usage and tok/s come from the final chunk', async () => {
    stub.chatSteps.push({
      chunks: ['Hel', 'lo'],
      promptEvalCount: 123,
      evalCount: 40,
      evalDurationNs: 2_000_000_000,
      loadDurationNs: 2_500_000_000,
    });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('Hello');
    expect(shape(events)).toEqual(['text', 'usage', 'done']);
    expect(usageOf(events)?.usage).toEqual({
      input: 123,
      output: 40,
      cacheRead: 0,
      cacheWrite: 0,
      reasoning: 0,
    });
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`expected done, got ${done?.type}`);
    expect(done.stopReason).toBe('end_turn');
    expect(done.metrics.tokPerSec).toBeCloseTo(20);
    expect(done.metrics.loadMs).toBe(2500);
    expect(done.metrics.firstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('accepts OLLAMA_HOST without a scheme, as the CLI does', async () => {
    const port = new URL(stub.url).port;
    const events = await collect(provider(`127.0.0.1:${port}`).stream(simple));
    expect(textOf(events)).toBe('ok');
  });

  it('emits tool calls with object arguments as-is', async () => {
    stub.chatSteps.push({
      toolCalls: [
        { name: 'read_file', arguments: { path: 'src/a.ts' } },
        { name: 'bash', arguments: { command: 'npm test' } },
      ],
    });
    const events = await collect(provider().stream(simple));
    const calls = toolCallsOf(events);
    expect(
      calls.map(({ name, arguments: args, rawArguments }) => ({ name, args, rawArguments })),
    ).toEqual([
      { name: 'read_file', args: { path: 'src/a.ts' }, rawArguments: '{"path":"src/a.ts"}' },
      { name: 'bash', args: { command: 'npm test' }, rawArguments: '{"command":"npm test"}' },
    ]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopReason: 'tool_use' });
  });
});

describe('ollama adapter: request shape', () => {
  it('sends num_ctx from the bucketed estimate, keep_alive, tools and tool results', async () => {
    await collect(
      provider().stream({
        model: MODEL,
        system: 'Be terse.',
        keepAlive: '30m',
        maxTokens: 1000,
        tools: [
          {
            name: 'read_file',
            description: 'Read',
            parameters: { type: 'object', properties: {} },
          },
        ],
        messages: [
          { role: 'user', content: 'x'.repeat(14_000) },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              {
                id: 'c1',
                name: 'read_file',
                arguments: { path: 'a' },
                rawArguments: '{"path":"a"}',
              },
            ],
          },
          { role: 'tool', toolCallId: 'c1', toolName: 'read_file', content: 'A' },
        ],
      }),
    );
    const [body] = chatBodies();
    // ≈ 14 100 chars / 3.5 + 1000 output ≈ 5 030 tokens → the 8192 bucket.
    expect(body.options).toMatchObject({ num_ctx: 8192, num_predict: 1000 });
    expect(body.keep_alive).toBe('30m');
    expect(body.stream).toBe(true);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be terse.' });
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ function: { name: 'read_file', arguments: { path: 'a' } } }],
    });
    expect(body.messages[3]).toEqual({ role: 'tool', content: 'A', tool_name: 'read_file' });
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'read_file',
          description: 'Read',
          parameters: { type: 'object', properties: {} },
        },
      },
    ]);
    // The stub loads the model at the num_ctx it was asked for.
    expect(stub.resident().find((r) => r.name === MODEL)?.contextLength).toBe(8192);
  });

  it('an explicit numCtx wins over the estimate', async () => {
    await collect(provider().stream({ ...simple, numCtx: 32768, keepAlive: -1 }));
    const [body] = chatBodies();
    expect(body.options.num_ctx).toBe(32768);
    expect(body.keep_alive).toBe(-1);
  });
});

describe('ollama adapter: errors', () => {
  it('a model that is not installed → not_found with an `ollama pull` hint', async () => {
    const error = errorOf(await collect(provider().stream({ ...simple, model: 'llama9:70b' })));
    expect(error).toMatchObject({ kind: 'not_found', status: 404 });
    expect(error?.hint).toContain('ollama pull llama9:70b');
  });

  it('an error line in a 200 stream → error event, partial usage reported', async () => {
    stub.chatSteps.push({
      chunks: ['twelve chars'],
      errorLine: 'llama runner process has terminated: signal: killed',
    });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('twelve chars');
    expect(shape(events)).toEqual(['text', 'usage', 'error']);
    expect(['server', 'bad_response']).toContain(errorOf(events)?.kind);
    expect(errorOf(events)?.message).toContain('llama runner process has terminated');
    expect(usageOf(events)?.usage.output).toBe(3);
  });

  it('HTTP 500 → server', async () => {
    stub.chatSteps.push({
      httpStatus: 500,
      httpError: 'model requires more system memory (64 GiB) than is available (32 GiB)',
    });
    const error = errorOf(await collect(provider().stream(simple)));
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect(error?.message).toContain('more system memory');
    // The message is Ollama's own (llm/server.go on Linux and Windows); the hint says what to do.
    expect(error?.hint).toMatch(/^Not enough free memory for .*: unload a model \(Ctrl-O/);
  });

  it('a cut connection → network', async () => {
    stub.chatSteps.push({ chunks: ['a', 'b', 'c'], cutAfterChunks: 2 });
    const events = await collect(provider().stream(simple));
    expect(textOf(events)).toBe('ab');
    expect(errorOf(events)?.kind).toBe('network');
    expect(usageOf(events)?.usage.output).toBe(1);
  });

  it('connection refused → network, hint names OLLAMA_HOST and `ollama serve`', async () => {
    const closed = await startHttpStub(() => {});
    await closed.close();
    const events = await collect(provider(closed.url).stream(simple));
    const error = errorOf(events);
    expect(error?.kind).toBe('network');
    expect(error?.hint).toContain('OLLAMA_HOST');
    expect(error?.hint).toContain('ollama serve');
  });
});

// The shared Ollama stub has no malformed-line or plain-text-error mode, so these two run
// against a tiny server of their own.
describe('ollama adapter: responses ollama-js would print to the console', () => {
  const line = (content: string, done = false) =>
    JSON.stringify({
      model: MODEL,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content },
      done,
    }) + '\n';

  it('a malformed NDJSON line → bad_response, no console output', async () => {
    const server = await startHttpStub(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      await writeRaw(res, line('fine'));
      await writeRaw(res, '{"model": "qwen3-coder:30b", "message": {"content": "tru\n');
      await sleep(5);
      await writeRaw(res, line('', true));
      res.end();
    });
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    try {
      const events = await collect(provider(server.url).stream(simple));
      expect(textOf(events)).toBe('fine');
      expect(errorOf(events)?.kind).toBe('bad_response');
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      log.mockRestore();
      await server.close();
    }
  });

  it('a plain-text error body → mapped error, no console output', async () => {
    const server = await startHttpStub((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway');
    });
    const log = vi.spyOn(console, 'log');
    try {
      const error = errorOf(await collect(provider(server.url).stream(simple)));
      expect(error).toMatchObject({ kind: 'server', status: 502 });
      expect(error?.message).toContain('Bad Gateway');
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      await server.close();
    }
  });

  it('a JSON 404 body keeps its message', async () => {
    const server = await startHttpStub((_req, res) =>
      sendJson(res, 404, { error: "model 'm' not found" }),
    );
    try {
      const error = errorOf(await collect(provider(server.url).stream({ ...simple, model: 'm' })));
      expect(error?.kind).toBe('not_found');
      expect(error?.message).toContain("model 'm' not found");
    } finally {
      await server.close();
    }
  });
});

describe('ollama adapter: abort', () => {
  it('ends within 200 ms of the abort with usage then an aborted error', async () => {
    stub.chatSteps.push({ chunks: ['twelve chars', 'b', 'c'], chunkDelayMs: 400 });
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
  });

  it('an abort before the response headers also ends at once', async () => {
    const server = await startHttpStub(async (_req, res) => {
      await sleep(1000);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end();
    });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      const events = await collect(provider(server.url).stream(simple, controller.signal));
      expect(performance.now() - started).toBeLessThan(250);
      expect(shape(events)).toEqual(['usage', 'error']);
      expect(errorOf(events)?.kind).toBe('aborted');
    } finally {
      await server.close();
    }
  });
});

// Ollama's silent truncation (issue 12.11, detection): when the prompt exceeds num_ctx, the
// server drops the oldest messages and still answers 200 OK (ollama/ollama server/prompt.go
// chatPrompt, truncate defaulting to true; issues #3839, #17427). Its final chunk's
// prompt_eval_count is the whole prompt it evaluated (cached tokens included), so comparing it
// with what kirikae sent exposes the loss.
// "the" + " the" × 3332 is 3,333 o200k tokens, + 4 per message = 3,337 (router/tokens.ts).
const block = 'the' + ' the'.repeat(3332);
const history: Message[] = [
  { role: 'user', content: block },
  { role: 'assistant', content: block },
  { role: 'user', content: block },
];
// 3 × 3,337 = 10,011 tokens sent, into num_ctx 8,192.
const overfull: ProviderRequest = { model: MODEL, messages: history, numCtx: 8192 };

describe('context truncation warning', () => {
  it('warns when Ollama evaluated far fewer tokens than were sent into a full context', async () => {
    // Ollama dropped the first message: 2 × 3,337 = 6,674 evaluated.
    stub.chatSteps.push({ chunks: ['ok'], promptEvalCount: 6674 });
    const events = await collect(provider().stream(overfull));
    expect(stub.requests.find((r) => r.path === '/api/chat')?.body.options.num_ctx).toBe(8192);
    expect(shape(events)).toEqual(['text', 'warning', 'usage', 'done']);
    expect(events.find((e) => e.type === 'warning')).toEqual({
      type: 'warning',
      warning: {
        kind: 'context_truncated',
        sentTokens: 10_011,
        promptTokens: 6674,
        droppedTokens: 3337,
        numCtx: 8192,
        message:
          'Ollama dropped ~3337 tokens of context: num_ctx 8192 is too small for this conversation',
      },
    });
  });

  it('no warning when everything was evaluated (a bigger num_ctx)', async () => {
    // Ollama's own template adds a few tokens of its own: more evaluated than counted is normal.
    stub.chatSteps.push({ chunks: ['ok'], promptEvalCount: 10_040 });
    const events = await collect(provider().stream({ ...overfull, numCtx: 16_384 }));
    expect(events.some((e) => e.type === 'warning')).toBe(false);
  });

  it('no warning for a small prompt far below num_ctx, whatever the count', async () => {
    stub.chatSteps.push({ chunks: ['ok'], promptEvalCount: 12 });
    const events = await collect(
      provider().stream({
        model: MODEL,
        messages: [{ role: 'user', content: block }],
        numCtx: 8192,
      }),
    );
    expect(events.some((e) => e.type === 'warning')).toBe(false);
  });
});

describe('detectTruncation', () => {
  it('tolerates tokenizer differences: 5 % fewer at a full context is not a truncation', () => {
    expect(detectTruncation(8000, 7600, 8192)).toBeUndefined();
    expect(detectTruncation(8000, 5000, 8192)).toMatchObject({ droppedTokens: 3000 });
  });
  it('no count, no verdict', () => {
    expect(detectTruncation(9000, undefined, 8192)).toBeUndefined();
  });
});
