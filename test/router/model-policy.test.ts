import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runRoute, type RouteKit } from '../../src/commands/route.js';
import { modelClassify, type ClassifierClient } from '../../src/router/model-classify.js';
import {
  classificationOf,
  mergeModelVerdict,
  shouldAskModel,
} from '../../src/router/model-policy.js';
import { route } from '../../src/router/route.js';
import type { Classification, RouteDecision } from '../../src/router/types.js';
import { seedConfig } from '../fixtures/seed-config.js';
import { ctx } from './helpers.js';

const offline = (over: Partial<Classification> = {}): Classification => ({
  taskType: 'implement',
  baseTaskType: 'implement',
  complexity: 3,
  confidence: 0.42,
  signals: ['trained:tier 1 (standard)'],
  source: 'trained',
  ...over,
});

describe('shouldAskModel', () => {
  it('asks only when the offline classifier is unsure and a model is ready', () => {
    expect(shouldAskModel(offline(), { modelReady: true })).toEqual({
      ask: true,
      reason: 'low-confidence',
    });
    expect(shouldAskModel(offline({ confidence: 0.8 }), { modelReady: true }).reason).toBe(
      'confident',
    );
    expect(shouldAskModel(offline(), { modelReady: false }).reason).toBe('no-model');
  });

  it('takes the threshold from the policy', () => {
    expect(shouldAskModel(offline({ confidence: 0.6 }), { modelReady: true }).ask).toBe(false);
    expect(
      shouldAskModel(offline({ confidence: 0.6 }), { modelReady: true, threshold: 0.7 }).ask,
    ).toBe(true);
  });

  it('never asks for a route the user chose, or twice', () => {
    const decision = (source: RouteDecision['source']) =>
      ({ confidence: 0.1, classifier: 'trained', source }) as const;
    expect(shouldAskModel(decision('turn-override'), { modelReady: true }).reason).toBe(
      'user-chose',
    );
    expect(shouldAskModel(decision('rule'), { modelReady: true }).reason).toBe('user-chose');
    expect(shouldAskModel(decision('table'), { modelReady: true }).ask).toBe(true);
    expect(shouldAskModel(offline({ source: 'model' }), { modelReady: true }).reason).toBe(
      'already-model',
    );
  });
});

describe('classificationOf', () => {
  it('gives back the classification a decision was routed on, with its source', () => {
    const c = offline({ confidence: 0.3, signals: ['en:refactor'] });
    const d = route({ prompt: 'x', classification: c }, ctx());
    expect(classificationOf(d)).toEqual(c);
  });
});

describe('mergeModelVerdict', () => {
  it('takes the model’s type and complexity with source model; agreement on the tier lifts the confidence', () => {
    const agree = mergeModelVerdict(offline(), {
      taskType: 'implement',
      complexity: 3,
      confidence: 0.55,
      model: 'qwen3:8b',
    });
    expect(agree.agreement).toEqual({ taskType: true, tier: true });
    expect(agree.classification).toMatchObject({
      taskType: 'implement',
      complexity: 3,
      confidence: 0.7,
      source: 'model',
    });
    expect(agree.classification.signals).toEqual(['trained:tier 1 (standard)', 'model:qwen3:8b']);
    // research c2 → tier 4, implement c3 → tier 1: they disagree, the model's 0.8 becomes 0.72.
    const differ = mergeModelVerdict(offline(), {
      taskType: 'research',
      complexity: 2,
      confidence: 0.8,
    });
    expect(differ.agreement).toEqual({ taskType: false, tier: false });
    expect(differ.classification).toMatchObject({
      taskType: 'research',
      confidence: 0.72,
      source: 'model',
    });
  });

  it('keeps the long-context route of a long conversation', () => {
    const merged = mergeModelVerdict(offline({ taskType: 'long-context' }), {
      taskType: 'docs',
      complexity: 2,
      confidence: 0.9,
    });
    expect(merged.classification).toMatchObject({ taskType: 'long-context', baseTaskType: 'docs' });
  });
});

describe('kirikae route --json: the classifier’s source and confidence', () => {
  const config = seedConfig();
  // Routing with a fixed, unsure offline classification, so the test does not hang on weights.
  const kit = (client?: ClassifierClient): RouteKit => ({
    config: () => config,
    routing: {
      context: () => ctx({}, config),
      decide: (r) =>
        route({ ...r, classification: r.classification ?? offline() }, ctx({}, config)),
    },
    ...(client
      ? {
          classify: async (prompt: string, base: Classification) =>
            (await modelClassify(prompt, base, { client })).classification,
        }
      : {}),
  });
  // As the Ollama client returns it: /api/chat with `format` = the JSON schema answers with
  // message.content holding matching JSON (ollama docs/api.md, "Structured outputs"); the client
  // parses it and adds the model's name.
  const answering: ClassifierClient = {
    classify: async () => ({
      taskType: 'research',
      complexity: 2,
      confidence: 0.8,
      model: 'qwen3:8b',
    }),
  };
  async function json(args: { tier?: number }, k: RouteKit) {
    let text = '';
    const stdout = new PassThrough();
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runRoute({ prompt: 'hmm, and the other thing', json: true, ...args }, k, {
      stdout,
      stderr: new PassThrough(),
      env: {},
    });
    expect(code).toBe(0);
    return JSON.parse(text) as {
      classifier: { source: string; confidence: number };
      taskType: string;
    };
  }

  it('trained when no model is asked', async () => {
    expect((await json({}, kit())).classifier).toEqual({ source: 'trained', confidence: 0.42 });
  });

  it('model when the model classifier answered, with the merged confidence', async () => {
    const out = await json({}, kit(answering));
    expect(out.classifier).toEqual({ source: 'model', confidence: 0.72 });
    expect(out.taskType).toBe('research');
  });

  it('override when the user forced the tier (and the model is not asked)', async () => {
    let asked = 0;
    const counting: ClassifierClient = {
      classify: async (...a) => {
        asked++;
        return answering.classify(...a);
      },
    };
    const out = await json({ tier: 0 }, kit(counting));
    expect(out.classifier.source).toBe('override');
    expect(asked).toBe(0);
  });
});
