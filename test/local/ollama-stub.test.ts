import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
// An 8B llama: 32 layers, 8 KV heads, head_dim 128 → 128 KiB of f16 KV cache per token.
const llama8b = {
  name: 'llama3.1:8b',
  size: 4_920_000_000,
  blockCount: 32,
  headCountKv: 8,
  headCount: 32,
  embeddingLength: 4096,
  contextLength: 131072,
};

let stub: OllamaStub;
let client: Ollama;
beforeEach(async () => {
  stub = await startOllamaStub({ models: [llama8b, { name: 'qwen3:8b', size: 5_200_000_000 }] });
  client = new Ollama({ host: stub.url });
});
afterEach(() => stub.close());

describe('ollama stub residency', () => {
  it('a chat loads the model with weights + KV at num_ctx; load_duration in seconds only when cold', async () => {
    const first = await client.chat({
      model: 'llama3.1:8b',
      messages: [{ role: 'user', content: 'hi' }],
      options: { num_ctx: 8192 },
    });
    expect(first.message.content).toBe('ok');
    expect(first.load_duration).toBeGreaterThan(0);
    const ps = (await client.ps()).models as unknown as Record<string, unknown>[];
    expect(ps).toHaveLength(1);
    expect(ps[0]!.size).toBe(llama8b.size + 1 * GiB);
    expect(ps[0]!.context_length).toBe(8192);

    const again = await client.chat({
      model: 'llama3.1:8b',
      messages: [{ role: 'user', content: 'hi' }],
      options: { num_ctx: 8192 },
    });
    // Warm: a few ms, never 0, as in docs/api.md's examples.
    expect(again.load_duration).toBeGreaterThan(1_000_000);
    expect(again.load_duration).toBeLessThan(42_000_000);

    const reload = await client.chat({
      model: 'llama3.1:8b',
      messages: [{ role: 'user', content: 'hi' }],
      options: { num_ctx: 131072 },
    });
    expect(reload.load_duration).toBeGreaterThan(0);
    expect(stub.resident()[0]!.size).toBe(llama8b.size + 16 * GiB);
  });

  it('keep_alive 0 unloads, positive preloads with done_reason load, negative pins', async () => {
    const load = await client.chat({ model: 'qwen3:8b', messages: [], keep_alive: '30m' });
    expect(load.done_reason).toBe('load');
    await client.generate({ model: 'llama3.1:8b', prompt: '', keep_alive: -1 });
    const names = stub.resident().map((r) => r.name);
    // Sorted by expires_at, latest first: the pinned model comes first.
    expect(names).toEqual(['llama3.1:8b', 'qwen3:8b']);
    expect(stub.resident()[0]!.expiresAt.getFullYear()).toBeGreaterThan(2200);
    const unload = await client.chat({ model: 'qwen3:8b', messages: [], keep_alive: 0 });
    expect(unload.done_reason).toBe('unload');
    expect(stub.resident().map((r) => r.name)).toEqual(['llama3.1:8b']);
  });

  it('streams scripted chunks, tool calls and a mid-stream error line', async () => {
    stub.chatSteps.push(
      { chunks: ['a', 'b'], toolCalls: [{ name: 'read', arguments: { path: 'x' } }], evalCount: 7 },
      { chunks: ['partial'], errorLine: 'llama runner process has terminated' },
    );
    const parts: string[] = [];
    let final: Record<string, unknown> | undefined;
    const stream = await client.chat({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const c of stream) {
      parts.push(c.message.content);
      if (c.message.tool_calls)
        expect(c.message.tool_calls[0]!.function.arguments).toEqual({ path: 'x' });
      if (c.done) final = c as unknown as Record<string, unknown>;
    }
    expect(parts.join('')).toBe('ab');
    expect(final).toMatchObject({ done_reason: 'stop', eval_count: 7 });
    const failing = await client.chat({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await expect(async () => {
      for await (const _ of failing) void _;
    }).rejects.toThrow('llama runner process has terminated');
  });

  it('cuts the connection after N chunks and replies scripted HTTP errors', async () => {
    stub.chatSteps.push(
      { chunks: ['a', 'b', 'c'], cutAfterChunks: 1 },
      { httpStatus: 503, httpError: 'server busy' },
    );
    const seen: string[] = [];
    const stream = await client.chat({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await expect(async () => {
      for await (const c of stream) seen.push(c.message.content);
    }).rejects.toThrow();
    expect(seen).toEqual(['a']);
    await expect(
      client.chat({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status_code: 503, error: 'server busy' });
    expect(stub.chatSteps).toHaveLength(0);
  });

  it('unknown models: chat 404, delete 404, pull error line', async () => {
    await expect(
      client.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status_code: 404, error: "model 'nope' not found" });
    await expect(client.delete({ model: 'nope' })).rejects.toMatchObject({ status_code: 404 });
    const pull = await client.pull({ model: 'nope', stream: true });
    await expect(async () => {
      for await (const _ of pull) void _;
    }).rejects.toThrow('pull model manifest: file does not exist');
  });

  it('pull streams per-layer progress, early lines without totals, then lists the model', async () => {
    stub.pullScripts.set('qwen3-coder:30b', {
      layers: [
        { digest: 'sha256:' + 'a'.repeat(64), size: 1000 },
        { digest: 'sha256:' + 'b'.repeat(64), size: 10 },
      ],
      chunksPerLayer: 2,
    });
    const lines = [];
    for await (const l of await client.pull({ model: 'qwen3-coder:30b', stream: true }))
      lines.push(l);
    expect(lines[0]).toEqual({ status: 'pulling manifest' });
    expect(lines[1]).toEqual({
      status: 'pulling aaaaaaaaaaaa',
      digest: 'sha256:' + 'a'.repeat(64),
    });
    expect(lines[2]).toMatchObject({ total: 1000, completed: 500 });
    expect(lines.slice(-3).map((l) => l.status)).toEqual([
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    const tags = await client.list();
    expect(tags.models.find((m) => m.name === 'qwen3-coder:30b')?.size).toBe(1010);
  });

  it('an aborted pull resumes from the bytes already downloaded', async () => {
    stub.pullScripts.set('big:1', {
      layers: [{ digest: 'sha256:' + 'c'.repeat(64), size: 1000 }],
      chunksPerLayer: 10,
      chunkDelayMs: 15,
    });
    const first = await client.pull({ model: 'big:1', stream: true });
    let seen = 0;
    await expect(async () => {
      for await (const l of first) {
        if (l.completed) seen = l.completed;
        if (seen >= 300) first.abort();
      }
    }).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    const resumed = [];
    for await (const l of await client.pull({ model: 'big:1', stream: true })) resumed.push(l);
    const firstProgress = resumed.find((l) => l.completed !== undefined)!;
    expect(firstProgress.completed).toBeGreaterThan(300);
  });
});
