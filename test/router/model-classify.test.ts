import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../../src/router/classify.js';
import {
  CLASSIFIER_FORMAT,
  modelClassify,
  ollamaClassifierClient,
  type ClassifierClient,
} from '../../src/router/model-classify.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const unsure = classify('hmm, ok, and then the other one');
const GiB = 1024 ** 3;

function fakeClient(
  reply: string | (() => Promise<never>),
  resident = [{ name: 'qwen3:8b', size: 5 * GiB, context_length: 4096 }],
) {
  const calls: Parameters<ClassifierClient['chat']>[0][] = [];
  const client: ClassifierClient = {
    ps: async () => ({ models: resident }),
    chat: async (request) => {
      calls.push(request);
      if (typeof reply === 'function') return reply();
      return { message: { content: reply } };
    },
  };
  return { client, calls };
}

describe('modelClassify', () => {
  it('is not asked when the rules are confident', async () => {
    const sure = classify('Refactor the parser into smaller functions');
    const { client, calls } = fakeClient('{}');
    expect(await modelClassify('x', sure, { client })).toBe(sure);
    expect(calls).toHaveLength(0);
  });

  it('asks the smallest resident model with a JSON-schema format, at its loaded context size', async () => {
    const { client, calls } = fakeClient(
      JSON.stringify({ taskType: 'refactor', complexity: 3, confidence: 0.8 }),
      [
        { name: 'qwen3-coder:30b', size: 18 * GiB, context_length: 32768 },
        { name: 'qwen3:8b', size: 5 * GiB, context_length: 4096 },
      ],
    );
    const c = await modelClassify('hmm, ok, and then the other one', unsure, {
      client,
      keepAlive: '30m',
    });
    expect(c).toMatchObject({
      taskType: 'refactor',
      complexity: 3,
      confidence: 0.72,
      source: 'model',
    });
    expect(c.signals).toContain('model:qwen3:8b');
    expect(calls[0]).toMatchObject({
      model: 'qwen3:8b',
      format: CLASSIFIER_FORMAT,
      keep_alive: '30m',
      options: { num_ctx: 4096, temperature: 0 },
    });
    expect(
      (CLASSIFIER_FORMAT as { properties: Record<string, unknown> }).properties,
    ).toHaveProperty('taskType');
  });

  it('keeps the rule result when no small model is resident (it never loads one)', async () => {
    const { client, calls } = fakeClient('{}', [
      { name: 'big:70b', size: 40 * GiB, context_length: 8192 },
    ]);
    expect(await modelClassify('x', unsure, { client })).toBe(unsure);
    expect(calls).toHaveLength(0);
  });

  it('keeps the rule result on a reply outside the schema', async () => {
    const { client } = fakeClient(
      JSON.stringify({ taskType: 'poetry', complexity: 9, confidence: 2 }),
    );
    expect(await modelClassify('x', unsure, { client })).toBe(unsure);
  });

  it('gives up after the hard timeout (1 s by default) and aborts the request', async () => {
    let aborted = false;
    const client: ClassifierClient = {
      ps: async () => ({ models: [{ name: 'qwen3:8b', size: 5 * GiB }] }),
      chat: (_request, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const t = Date.now();
    expect(await modelClassify('x', unsure, { client })).toBe(unsure);
    const elapsed = Date.now() - t;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1500);
    expect(aborted).toBe(true);
  });
});

describe('ollamaClassifierClient against the Ollama stub', () => {
  let stub: OllamaStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  it('sends the schema to /api/chat of a resident model and reads the JSON reply', async () => {
    stub = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
    // Load it first, as the app would have done for another reason.
    await new Ollama({ host: stub.url }).chat({
      model: 'qwen3:8b',
      messages: [],
      keep_alive: '5m',
      options: { num_ctx: 4096 },
    });
    stub.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'docs', complexity: 2, confidence: 0.9 })],
    });
    const c = await modelClassify('hmm, ok, and then the other one', unsure, {
      client: ollamaClassifierClient(stub.url),
    });
    expect(c.taskType).toBe('docs');
    const chat = stub.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    expect(chat.body.format).toEqual(CLASSIFIER_FORMAT);
    expect(chat.body.options.num_ctx).toBe(4096);
  });

  it('an empty server (nothing resident) leaves the rule result, with no chat sent', async () => {
    stub = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
    const c = await modelClassify('x', unsure, { client: ollamaClassifierClient(stub.url) });
    expect(c).toBe(unsure);
    expect(stub.requests.some((r) => r.path === '/api/chat')).toBe(false);
  });
});
