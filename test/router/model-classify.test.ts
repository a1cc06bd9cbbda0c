import { describe, expect, it } from 'vitest';
import { classifyRules } from '../../src/router/rules.js';
import { TASK_TYPES } from '../../src/core/task.js';
import { tierFor } from '../../src/router/tier-table.js';
import {
  classifierFormat,
  classifierPrompt,
  modelClassifier,
  modelClassify,
  type ClassifierClient,
} from '../../src/router/model-classify.js';
import type { Classification } from '../../src/router/types.js';

const unsure: Classification = { ...classifyRules('hmm, ok, and then the other one') };
const sure: Classification = { ...classifyRules('Refactor the parser into smaller functions') };

// Replies as an Ollama-backed client returns them: /api/chat with `format` set to a JSON schema
// answers with message.content holding JSON that matches it (docs/api.md, "Request (Structured
// outputs)", github.com/ollama/ollama); the client parses it and adds the model's name.
function fakeClient(reply: unknown | (() => Promise<unknown>)) {
  const calls: { prompt: string; schema: object }[] = [];
  const client: ClassifierClient = {
    classify: async (prompt, schema) => {
      calls.push({ prompt, schema });
      return typeof reply === 'function' ? (reply as () => Promise<unknown>)() : reply;
    },
  };
  return { client, calls };
}

describe('modelClassify', () => {
  it('is not asked when the offline classifier is confident', async () => {
    expect(sure.confidence).toBeGreaterThanOrEqual(0.5);
    const { client, calls } = fakeClient({});
    const v = await modelClassify('x', sure, { client });
    expect(v).toMatchObject({ outcome: 'skipped', classification: sure });
    expect(calls).toHaveLength(0);
  });

  it('asks with the JSON schema and the definitions, and reports agreement with the offline verdict', async () => {
    const { client, calls } = fakeClient({
      taskType: 'refactor',
      complexity: 3,
      confidence: 0.8,
      model: 'qwen3:8b',
    });
    const v = await modelClassify('hmm, ok, and then the other one', unsure, { client });
    expect(v.outcome).toBe('answered');
    expect(v.model).toBe('qwen3:8b');
    expect(v.classification).toMatchObject({
      taskType: 'refactor',
      complexity: 3,
      source: 'model',
    });
    expect(v.classification.signals).toContain('model:qwen3:8b');
    expect(v.agreement).toEqual({
      taskType: unsure.baseTaskType === 'refactor',
      tier: expect.any(Boolean),
    });
    expect(calls[0]!.schema).toBe(classifierFormat());
    expect(calls[0]!.prompt).toContain('- quick-fix: the request states the whole change');
    expect(calls[0]!.prompt).toContain('hmm, ok, and then the other one');
    expect((classifierFormat() as { properties: object }).properties).toHaveProperty('taskType');
  });

  it('defines every task type with the guide’s complexity bands, before the request', () => {
    const a = classifierPrompt('fix the typo in README');
    for (const type of TASK_TYPES) expect(a).toMatch(new RegExp(`^- ${type}: \\S`, 'm'));
    // The guide's most decisive boundary: a bug fix that names its change at a named place is
    // complexity 1, which the tier table sends to the local tier; a symptom alone is 3.
    expect(a).toMatch(/- bugfix: .*1: the request names the code change itself/);
    expect(tierFor('bugfix', 1)).toBe(3);
    expect(tierFor('bugfix', 3)).toBe(1);
    // Same prefix for every request, so a local server can reuse its cached prompt.
    const b = classifierPrompt('why does the worker pool deadlock under load?');
    const head = a.slice(0, a.indexOf('Request:\n'));
    expect(b.startsWith(head)).toBe(true);
    expect(classifierPrompt('x'.repeat(5000)).length).toBe(
      head.length + 'Request:\n'.length + 2000,
    );
  });

  it('agreeing classifiers raise the confidence, disagreeing ones lower the model’s', async () => {
    const same = await modelClassify('x', unsure, {
      client: fakeClient({
        taskType: unsure.baseTaskType,
        complexity: unsure.complexity,
        confidence: 0.5,
      }).client,
    });
    expect(same.agreement).toEqual({ taskType: true, tier: true });
    expect(same.classification.confidence).toBe(0.7);
    const other = await modelClassify('x', unsure, {
      client: fakeClient({ taskType: 'architecture', complexity: 5, confidence: 0.8 }).client,
    });
    expect(other.agreement?.tier).toBe(false);
    expect(other.classification.confidence).toBe(0.72);
  });

  it('keeps the offline result when no small model is resident (the client answers undefined)', async () => {
    const v = await modelClassify('x', unsure, { client: fakeClient(undefined).client });
    expect(v).toMatchObject({ outcome: 'unavailable', classification: unsure });
  });

  it('keeps the offline result on a reply outside the schema', async () => {
    const v = await modelClassify('x', unsure, {
      client: fakeClient({ taskType: 'poetry', complexity: 9, confidence: 2 }).client,
    });
    expect(v).toMatchObject({ outcome: 'invalid', classification: unsure });
  });

  it('gives up after the budget (800 ms by default) and aborts the request', async () => {
    let aborted = false;
    const client: ClassifierClient = {
      classify: (_p, _s, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const t = Date.now();
    const v = await modelClassify('x', unsure, { client });
    const elapsed = Date.now() - t;
    expect(v).toMatchObject({ outcome: 'timeout', classification: unsure });
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(1500);
    expect(aborted).toBe(true);
  });

  it('an early accept on the card cancels the question at once', async () => {
    const accept = new AbortController();
    const classifier = modelClassifier({
      client: {
        classify: (_p, _s, signal) =>
          new Promise((r) => signal.addEventListener('abort', () => r(undefined))),
      },
      timeoutMs: 5000,
    });
    const pending = classifier.classify('x', unsure, accept.signal);
    setTimeout(() => accept.abort(), 20);
    const v = await pending;
    expect(v.outcome).toBe('cancelled');
    expect(v.ms).toBeLessThan(1000);
  });

  it('a client that throws leaves the offline result', async () => {
    const v = await modelClassify('x', unsure, {
      client: fakeClient(() => Promise.reject(new Error('ECONNREFUSED'))).client,
    });
    expect(v).toMatchObject({ outcome: 'error', classification: unsure });
  });
});
