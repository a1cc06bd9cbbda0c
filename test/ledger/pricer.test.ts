import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../src/catalog/prices.js';
import { parseModelRef } from '../../src/core/model-ref.js';
import type { Usage } from '../../src/core/usage.js';
import { makePricer } from '../../src/ledger/pricer.js';

// A small deterministic generator: the same "random" usages on every run.
function* usages(count: number): Generator<Usage> {
  let seed = 42;
  const next = (max: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % max;
  };
  for (let i = 0; i < count; i++) {
    // Spread the context size across 0 – 400K so long-context tiers are crossed both ways.
    yield {
      input: next(200_000),
      cacheRead: next(150_000),
      cacheWrite: next(50_000),
      output: next(20_000),
      reasoning: 0,
    };
  }
}

describe('makePricer', () => {
  const models = [
    'anthropic/claude-sonnet-4-5',
    'anthropic/claude-sonnet-4-6',
    'anthropic/claude-opus-4-6',
    'anthropic/claude-haiku-4-5',
    'openrouter/google/gemini-2.5-flash',
    'openrouter/deepseek/deepseek-chat',
    'openai/gpt-5.3-codex',
    'ollama/qwen3-coder:30b',
  ];

  it.each(models)('agrees with priceUsage on %s', (model) => {
    const pricer = makePricer(model);
    const ref = parseModelRef(model);
    for (const u of usages(300)) {
      const exact = priceUsage(ref, u).usd as number;
      expect(pricer.price(u)).toBeCloseTo(exact, 9);
    }
  });

  it('finds the 200K boundary of Sonnet 4.5 exactly', () => {
    const pricer = makePricer('anthropic/claude-sonnet-4-5');
    // 200,000 input tokens: base tier, 200,000 × 3 / 1e6 = 0.6
    expect(
      pricer.price({ input: 200_000, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }),
    ).toBeCloseTo(0.6, 12);
    // 200,001: long tier, 200,001 × 6 / 1e6 = 1.200006
    expect(
      pricer.price({ input: 200_001, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }),
    ).toBeCloseTo(1.200006, 12);
  });

  it('applies price overrides and reports unknown models as unknown', () => {
    const overridden = makePricer('openrouter/acme/house-model', {
      overrides: { 'openrouter/acme/house-model': { inputMtok: 2, outputMtok: 8 } },
    });
    // 1M input × 2 + 0.5M output × 8 = 2 + 4 = 6; cache reads default to the input price.
    expect(
      overridden.price({
        input: 1_000_000,
        output: 500_000,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
      }),
    ).toBeCloseTo(6, 10);
    expect(
      makePricer('openrouter/acme/unpriced').price({
        input: 1,
        output: 1,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
      }),
    ).toBe('unknown');
    expect(
      makePricer('not a model id').price({
        input: 1,
        output: 1,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
      }),
    ).toBe('unknown');
  });
});
