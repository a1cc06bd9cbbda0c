import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { classify } from '../../src/router/classify.js';
import { tierFor } from '../../src/router/tier-table.js';
import {
  ASK_MODEL_BELOW,
  classificationOf,
  mergeModelVerdict,
  shouldAskModel,
} from '../../src/router/model-policy.js';
import { route } from '../../src/router/route.js';
import type { RouteDecision } from '../../src/router/types.js';
import { ctx } from './helpers.js';
import { unsureClassification } from '../fixtures/classifier.js';

const offline = unsureClassification;

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
    expect(shouldAskModel(offline({ confidence: 0.6 }), { modelReady: true }).ask).toBe(true);
    expect(
      shouldAskModel(offline({ confidence: 0.6 }), { modelReady: true, threshold: 0.5 }).ask,
    ).toBe(false);
  });

  it('asks by default below the confidence of a prompt that says nothing, as the config does', () => {
    expect(configSchema.parse({}).routing.askModelBelow).toBe(ASK_MODEL_BELOW);
    // The trained classifier never scores below 0.5; a contentless prompt scores about the
    // share of the corpus its likeliest tier suits, and the default asks a model about it.
    const vague = classify('hmm, what should we do about the sync layer');
    expect(vague.source).toBe('trained');
    expect(shouldAskModel(vague, { modelReady: true }).ask).toBe(true);
    // A prompt the corpus knows well is not worth a model's time.
    const clear = classify('remove the unused variables eslint is warning about');
    expect(shouldAskModel(clear, { modelReady: true }).reason).toBe('confident');
  });

  it('never asks about a follow-up, which only the conversation explains', () => {
    for (const signal of ['continues-previous', 'follow-up-of-failure']) {
      expect(shouldAskModel(offline({ signals: [signal] }), { modelReady: true }).reason).toBe(
        'follow-up',
      );
    }
    // Whatever its confidence (a contentless prompt scores about the threshold).
    const ok = classify('ok do it', { previousTaskType: 'implement' });
    expect(shouldAskModel(ok, { modelReady: true, threshold: 1 }).reason).toBe('follow-up');
    const retry = classify('try again', { previousTaskType: 'bugfix', followUpOfFailure: true });
    expect(shouldAskModel(retry, { modelReady: true }).reason).toBe('follow-up');
  });

  it('never asks for a route the user chose, or twice', () => {
    const decision = (source: RouteDecision['source']) => ({
      confidence: 0.1,
      classifier: 'trained' as const,
      source,
      signals: [] as string[],
    });
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
  it('keeps a risky review on the tiers the rules allow, as the offline decision does', () => {
    const review = { taskType: 'review', complexity: 1, confidence: 0.9 } as const;
    const risky = mergeModelVerdict(offline({ signals: ['review', 'risk'] }), review);
    expect(risky.classification.complexity).toBe(3);
    expect(tierFor('review', risky.classification.complexity)).toBe(1);
    // "Quick review of this small PR": the user's own word for its size wins, as offline.
    const small = mergeModelVerdict(offline({ signals: ['review', 'risk', 'small'] }), review);
    expect(small.classification.complexity).toBe(1);
    // Only reviews are restricted: a risky word in a bug fix leaves the model's answer alone.
    const fix = mergeModelVerdict(offline({ signals: ['risk'] }), {
      ...review,
      taskType: 'bugfix',
    });
    expect(fix.classification.complexity).toBe(1);
  });

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
