import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { ollamaClassifierClient } from '../../src/local/classifier-client.js';
import { classifierFormat, modelClassify } from '../../src/router/model-classify.js';
import { classifyRules } from '../../src/router/rules.js';
import { preload } from '../support/all-stubs.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const unsure = classifyRules('hmm, ok, and then the other one');

describe('ollamaClassifierClient against the Ollama stub', () => {
  let stub: OllamaStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  it('sends the schema to /api/chat of a resident model and reads the JSON reply', async () => {
    stub = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
    await new Ollama({ host: stub.url }).chat({
      model: 'qwen3:8b',
      messages: [],
      keep_alive: '5m',
      options: { num_ctx: 4096 },
    });
    stub.chatSteps.push({
      chunks: [JSON.stringify({ taskType: 'docs', complexity: 2, confidence: 0.9 })],
    });
    const v = await modelClassify('hmm, ok, and then the other one', unsure, {
      client: ollamaClassifierClient({ host: stub.url }),
    });
    expect(v.outcome).toBe('answered');
    expect(v.model).toBe('qwen3:8b');
    expect(v.classification.taskType).toBe('docs');
    const chat = stub.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    expect(chat.body.format).toEqual(classifierFormat());
    expect(chat.body.options.num_ctx).toBe(4096);
  });

  it('an empty server (nothing resident) leaves the offline result, with no chat sent', async () => {
    stub = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
    const v = await modelClassify('x', unsure, {
      client: ollamaClassifierClient({ host: stub.url }),
    });
    expect(v).toMatchObject({ outcome: 'unavailable', classification: unsure });
    // Under `auto` that is the usual state of a machine without a small model: nothing to say.
    expect(v.why).toBeUndefined();
    expect(stub.requests.some((r) => r.path === '/api/chat')).toBe(false);
  });

  it('a named model that is not resident is not asked, and says how to fix it', async () => {
    stub = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
    const v = await modelClassify('x', unsure, {
      client: ollamaClassifierClient({ host: stub.url, model: 'qwen3:8b' }),
    });
    expect(v.outcome).toBe('unavailable');
    expect(v.why).toBe('ollama/qwen3:8b not resident, not asked · kirikae models load qwen3:8b');
    expect(stub.requests.some((r) => r.path === '/api/chat')).toBe(false);
  });

  it('a named model without a tag matches the resident `:latest`', async () => {
    // Ollama resolves an untagged name to `:latest`; /api/ps lists the tagged name (docs/api.md's
    // example: "mistral:latest"), as the avoid-list test below also relies on.
    stub = await startOllamaStub({ models: [{ name: 'gemma3:latest', size: 3_300_000_000 }] });
    await preload(stub.url, 'gemma3:latest');
    stub.chatSteps.push({ chunks: ['{"taskType":"docs","complexity":2,"confidence":0.9}'] });
    const v = await modelClassify('x', unsure, {
      client: ollamaClassifierClient({ host: stub.url, model: 'gemma3' }),
    });
    expect(v.outcome).toBe('answered');
  });

  it('skips a model to avoid however its name is written (a default id has no tag)', async () => {
    stub = await startOllamaStub({
      models: [{ name: 'glm-4.7-flash:latest', size: 19_000_000_000 }],
    });
    await new Ollama({ host: stub.url }).chat({
      model: 'glm-4.7-flash:latest',
      messages: [],
      keep_alive: '5m',
    });
    // The conversation ran on `ollama/glm-4.7-flash` (the default tier-3 id, no tag); a server
    // may list it with the tag (docs/api.md's /api/ps example: "mistral:latest") or without
    // (docs.ollama.com/api/ps: "gemma3"), so names compare as Ollama resolves them.
    const avoided = await modelClassify('x', unsure, {
      client: ollamaClassifierClient({ host: stub.url, avoid: ['glm-4.7-flash'] }),
    });
    expect(avoided.outcome).toBe('unavailable');
    expect(stub.requests.some((r) => r.path === '/api/chat' && r.body.format)).toBe(false);
  });
});
