// Model facts: context windows, retirement dates, "did you mean" suggestions.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCAL_CONTEXT,
  catalogModels,
  closestModelIds,
  contextWindow,
  deprecation,
  isKnownModel,
} from '../../src/catalog/index.js';
import { parseModelRef } from '../../src/core/model-ref.js';

describe('contextWindow', () => {
  it('knows the windows of the default cloud models', () => {
    expect(contextWindow(parseModelRef('anthropic/claude-sonnet-4-5'))).toBe(200_000);
    expect(contextWindow(parseModelRef('anthropic/claude-haiku-4-5'))).toBe(200_000);
    expect(contextWindow(parseModelRef('openai/gpt-5.3-codex'))).toBe(400_000);
    const sonnet46 = contextWindow(parseModelRef('anthropic/claude-sonnet-4-6'));
    expect(sonnet46).toBeGreaterThanOrEqual(200_000);
  });

  it('uses its own table where the price data has none or is out of date', () => {
    expect(contextWindow(parseModelRef('openrouter/deepseek/deepseek-chat'))).toBe(163_840);
    expect(contextWindow(parseModelRef('openrouter/openai/gpt-oss-120b:free'))).toBe(131_072);
    expect(contextWindow(parseModelRef('deepseek/deepseek-chat'))).toBe(128_000);
  });

  it('assumes a conservative window for local models until Ollama is asked', () => {
    expect(DEFAULT_LOCAL_CONTEXT).toBe(32_768);
    expect(contextWindow(parseModelRef('ollama/qwen3-coder:30b'))).toBe(32_768);
  });

  it('is undefined for an unknown model', () => {
    expect(contextWindow(parseModelRef('anthropic/claude-imaginary-9'))).toBeUndefined();
  });
});

describe('deprecation', () => {
  const sonnet45 = parseModelRef('anthropic/claude-sonnet-4-5');

  it('anthropic/claude-sonnet-4-5 retires on 2026-11-30', () => {
    expect(deprecation(sonnet45, new Date('2026-06-01T12:00:00Z'))).toEqual({
      retiresOn: '2026-11-30',
      retired: false,
    });
    expect(deprecation(sonnet45, new Date('2026-11-29T23:59:59Z'))).toEqual({
      retiresOn: '2026-11-30',
      retired: false,
    });
    expect(deprecation(sonnet45, new Date('2026-11-30T00:00:00Z'))?.retired).toBe(true);
    expect(deprecation(sonnet45, new Date('2027-01-15T00:00:00Z'))).toEqual({
      retiresOn: '2026-11-30',
      retired: true,
    });
  });

  it('the default tier-1 model is not deprecated', () => {
    expect(deprecation(parseModelRef('anthropic/claude-sonnet-4-6'), new Date())).toBeUndefined();
    expect(deprecation(parseModelRef('ollama/qwen3-coder:30b'))).toBeUndefined();
  });
});

describe('isKnownModel and catalogModels', () => {
  it('knows the default cloud models and every local model', () => {
    for (const id of [
      'anthropic/claude-opus-4-6',
      'anthropic/claude-sonnet-4-6',
      'anthropic/claude-haiku-4-5',
      'openai/gpt-5.3-codex',
      'openrouter/deepseek/deepseek-chat',
      'deepseek/deepseek-chat',
      'ollama/anything:7b',
    ]) {
      expect(isKnownModel(parseModelRef(id)), id).toBe(true);
    }
    expect(isKnownModel(parseModelRef('anthropic/claude-sonet-4-6'))).toBe(false);
  });

  it('has no catalog list for ollama (the server knows its models)', () => {
    expect(catalogModels('ollama')).toEqual([]);
    expect(catalogModels('anthropic').length).toBeGreaterThan(5);
  });
});

describe('closestModelIds', () => {
  it('suggests the right id for a typo, first', () => {
    const near = closestModelIds('anthropic/claude-sonet-4-6');
    expect(near).toContain('anthropic/claude-sonnet-4-6');
    expect(near[0]).toBe('anthropic/claude-sonnet-4-6');
    expect(near.length).toBeLessThanOrEqual(3);
  });

  it('never repeats an id, even when the extra ids repeat catalog ones', () => {
    const extra = [
      'anthropic/claude-sonnet-4-6',
      'anthropic/claude-sonnet-4-6',
      'ollama/qwen3-coder:30b',
    ];
    const near = closestModelIds('anthropic/claude-sonet-4-6', 3, extra);
    expect(new Set(near).size).toBe(near.length);
    expect(near).toHaveLength(3);
    expect(near[0]).toBe('anthropic/claude-sonnet-4-6');
  });

  it('includes configured ids the catalog does not list', () => {
    expect(closestModelIds('ollama/qwen3-coder:3b', 1, ['ollama/qwen3-coder:30b'])).toEqual([
      'ollama/qwen3-coder:30b',
    ]);
  });
});
