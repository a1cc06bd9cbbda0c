// Pricing: every expectation is worked out by hand from the vendors' per-million-token prices.
import { describe, expect, it } from 'vitest';
import { PRICE_DATA_VERSION, priceUsage, unitPrices } from '../../src/catalog/index.js';
import type { ModelRef } from '../../src/core/model-ref.js';
import type { Usage } from '../../src/core/usage.js';

const usage = (u: Partial<Usage>): Usage => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
  ...u,
});

const SONNET_46: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-4-6' };
const SONNET_45: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
const QWEN: ModelRef = { provider: 'ollama', model: 'qwen3-coder:30b' };

/** USD for `tokens` at `perMtok` dollars per million tokens. */
const mtok = (tokens: number, perMtok: number): number => (tokens * perMtok) / 1_000_000;

describe('priceUsage', () => {
  it('claude-sonnet-4-6: $3 input, $15 output, $0.30 cache read, $3.75 cache write per MTok', () => {
    // 1,000,000 input × $3 = $3.00 exactly.
    expect(priceUsage(SONNET_46, usage({ input: 1_000_000 })).usd).toBeCloseTo(3, 9);
    // 1,000,000 output × $15 = $15.00.
    expect(priceUsage(SONNET_46, usage({ output: 1_000_000 })).usd).toBeCloseTo(15, 9);
    // A typical turn:
    //   input        12,000 × $3    / 1M = $0.036
    //   cache read   40,000 × $0.30 / 1M = $0.012
    //   cache write   5,000 × $3.75 / 1M = $0.01875
    //   output        2,000 × $15   / 1M = $0.030
    //   total                              $0.09675
    const priced = priceUsage(
      SONNET_46,
      usage({ input: 12_000, cacheRead: 40_000, cacheWrite: 5_000, output: 2_000 }),
    );
    expect(priced.source).toBe('catalog');
    expect(priced.usd).toBeCloseTo(0.09675, 10);
    expect(0.036 + 0.012 + 0.01875 + 0.03).toBeCloseTo(0.09675, 10);
  });

  it('reasoning tokens are part of output and not billed twice', () => {
    // 1,000 output (of which 600 reasoning) × $15 / 1M = $0.015.
    expect(priceUsage(SONNET_46, usage({ output: 1_000, reasoning: 600 })).usd).toBeCloseTo(
      0.015,
      10,
    );
  });

  it('claude-sonnet-4-5 below 200K input tokens: base prices', () => {
    // Total input 150,000 + 10,000 + 20,000 = 180,000 ≤ 200,000 → base tier:
    //   150,000 × $3    = $0.45
    //    10,000 × $0.30 = $0.003
    //    20,000 × $3.75 = $0.075
    //     1,000 × $15   = $0.015
    //   total             $0.543
    const priced = priceUsage(
      SONNET_45,
      usage({ input: 150_000, cacheRead: 10_000, cacheWrite: 20_000, output: 1_000 }),
    );
    expect(priced.usd).toBeCloseTo(0.543, 10);
  });

  it('claude-sonnet-4-5 above 200K input tokens: long-context prices 6 / 22.50 / 0.60 / 7.50', () => {
    // Total input 250,000 + 10,000 + 20,000 = 280,000 > 200,000 → long-context tier for all:
    //   250,000 × $6    = $1.50
    //    10,000 × $0.60 = $0.006
    //    20,000 × $7.50 = $0.15
    //     1,000 × $22.5 = $0.0225
    //   total             $1.6785
    const priced = priceUsage(
      SONNET_45,
      usage({ input: 250_000, cacheRead: 10_000, cacheWrite: 20_000, output: 1_000 }),
    );
    expect(priced.source).toBe('catalog');
    expect(priced.usd).toBeCloseTo(1.6785, 10);
    expect(priced.usd).toBeCloseTo(
      mtok(250_000, 6) + mtok(10_000, 0.6) + mtok(20_000, 7.5) + mtok(1_000, 22.5),
      10,
    );
  });

  it('counts cached input toward the 200K threshold', () => {
    // Uncached input alone is 150,000, but with 60,000 cache reads the prompt is 210,000 → long:
    //   150,000 × $6 = $0.90; 60,000 × $0.60 = $0.036; total $0.936.
    expect(priceUsage(SONNET_45, usage({ input: 150_000, cacheRead: 60_000 })).usd).toBeCloseTo(
      0.936,
      10,
    );
  });

  it('a local (ollama) model costs 0 per token, source local', () => {
    expect(priceUsage(QWEN, usage({ input: 100_000, output: 50_000 }))).toEqual({
      usd: 0,
      source: 'local',
    });
  });

  it('an unknown model is "unknown", never 0', () => {
    for (const ref of [
      { provider: 'anthropic', model: 'claude-imaginary-9' },
      { provider: 'openai', model: 'gpt-does-not-exist' },
      { provider: 'openrouter', model: 'nobody/nothing' },
    ] as ModelRef[]) {
      expect(priceUsage(ref, usage({ input: 1_000, output: 1_000 }))).toEqual({
        usd: 'unknown',
        source: 'unknown',
      });
    }
  });

  it('a price override wins over the catalog', () => {
    // Override: 10,000 × $1 + 2,000 × $2 = $0.01 + $0.004 = $0.014;
    // the cache read is not overridden, so it keeps the catalog's $0.30:
    // 5,000 × $0.30 = $0.0015 → $0.0155 (issue 13.3: it used to take the input rate, $0.019).
    const overrides = { 'anthropic/claude-sonnet-4-6': { inputMtok: 1, outputMtok: 2 } };
    expect(priceUsage(SONNET_46, usage({ input: 10_000, output: 2_000 }), { overrides })).toEqual({
      usd: expect.closeTo(0.014, 10),
      source: 'override',
    });
    expect(
      priceUsage(SONNET_46, usage({ input: 10_000, output: 2_000, cacheRead: 5_000 }), {
        overrides,
      }).usd,
    ).toBeCloseTo(0.0155, 10);
    // With explicit cache rates: 10,000 × $0.1 + 10,000 × $4 = $0.001 + $0.04 = $0.041.
    expect(
      priceUsage(SONNET_46, usage({ cacheRead: 10_000, cacheWrite: 10_000 }), {
        overrides: {
          'anthropic/claude-sonnet-4-6': {
            inputMtok: 1,
            outputMtok: 2,
            cacheReadMtok: 0.1,
            cacheWriteMtok: 4,
          },
        },
      }).usd,
    ).toBeCloseTo(0.041, 10);
  });

  it('an override prices a model the catalog does not know, and a local model', () => {
    const ref: ModelRef = { provider: 'openai', model: 'gpt-does-not-exist' };
    // 1,000,000 × $0.5 = $0.50.
    expect(
      priceUsage(ref, usage({ input: 1_000_000 }), {
        overrides: { 'openai/gpt-does-not-exist': { inputMtok: 0.5, outputMtok: 1 } },
      }),
    ).toEqual({ usd: expect.closeTo(0.5, 10), source: 'override' });
    // 1,000,000 output × $0.2 = $0.20 for a local model someone chose to price.
    expect(
      priceUsage(QWEN, usage({ output: 1_000_000 }), {
        overrides: { 'ollama/qwen3-coder:30b': { inputMtok: 0.1, outputMtok: 0.2 } },
      }).usd,
    ).toBeCloseTo(0.2, 10);
  });

  it("OpenRouter's billed USD wins over the table; elsewhere the table wins (issue 13.2)", () => {
    const billed = { billedUsd: 0.0123 };
    const OR_SONNET: ModelRef = { provider: 'openrouter', model: 'anthropic/claude-sonnet-4.6' };
    expect(priceUsage(OR_SONNET, usage({ input: 1_000_000 }), billed)).toEqual({
      usd: 0.0123,
      source: 'billed',
    });
    expect(
      priceUsage(OR_SONNET, usage({ input: 1_000_000 }), {
        ...billed,
        overrides: { 'openrouter/anthropic/claude-sonnet-4.6': { inputMtok: 1, outputMtok: 1 } },
      }),
    ).toEqual({ usd: 0.0123, source: 'billed' });
    // Anthropic direct and a local model do not document a billed figure: 1M × $3 = $3.00.
    expect(priceUsage(SONNET_46, usage({ input: 1_000_000 }), billed)).toEqual({
      usd: expect.closeTo(3, 10),
      source: 'catalog',
    });
    expect(priceUsage(QWEN, usage({ input: 1 }), billed)).toEqual({ usd: 0, source: 'local' });
    expect(
      priceUsage({ provider: 'openrouter', model: 'nobody/nothing' }, usage({ input: 1 }), billed),
    ).toEqual({ usd: 0.0123, source: 'billed' });
    // A free model billed at 0 is 0, not unknown.
    expect(
      priceUsage({ provider: 'openrouter', model: 'nobody/nothing' }, usage({}), { billedUsd: 0 }),
    ).toEqual({ usd: 0, source: 'billed' });
    // A billed figure that is not a number is ignored.
    expect(
      priceUsage(OR_SONNET, usage({ output: 1_000 }), { billedUsd: Number.NaN }).usd,
    ).toBeCloseTo(mtok(1_000, 15), 12);
  });

  it('names the price data version recorded with every ledger line', () => {
    expect(PRICE_DATA_VERSION).toMatch(/^genai-prices@\d+\.\d+\.\d+$/);
  });
});

describe('unitPrices', () => {
  it('claude-sonnet-4-6 per MTok', () => {
    const p = unitPrices(SONNET_46)!;
    expect(p.inputMtok).toBeCloseTo(3, 9);
    expect(p.outputMtok).toBeCloseTo(15, 9);
    expect(p.cacheReadMtok).toBeCloseTo(0.3, 9);
    expect(p.cacheWriteMtok).toBeCloseTo(3.75, 9);
  });

  it('does not cross the long-context tier: claude-sonnet-4-5 shows its base prices', () => {
    // Pricing a full million input tokens at once would land in the >200K tier ($6);
    // the unit price must stay the base $3 / $15 / $0.30 / $3.75.
    const p = unitPrices(SONNET_45)!;
    expect(p.inputMtok).toBeCloseTo(3, 9);
    expect(p.outputMtok).toBeCloseTo(15, 9);
    expect(p.cacheReadMtok).toBeCloseTo(0.3, 9);
    expect(p.cacheWriteMtok).toBeCloseTo(3.75, 9);
  });

  it('local models are 0, overrides win, unknown models have none', () => {
    expect(unitPrices(QWEN)).toEqual({
      inputMtok: 0,
      outputMtok: 0,
      cacheReadMtok: 0,
      cacheWriteMtok: 0,
      cacheWrite1hMtok: 0,
    });
    // Fields not overridden keep the catalog's: $0.30 read, $3.75 (5 m) and $6 (1 h) writes.
    const p = unitPrices(SONNET_46, {
      'anthropic/claude-sonnet-4-6': { inputMtok: 1, outputMtok: 2 },
    })!;
    expect(p.inputMtok).toBeCloseTo(1, 9);
    expect(p.outputMtok).toBeCloseTo(2, 9);
    expect(p.cacheReadMtok).toBeCloseTo(0.3, 9);
    expect(p.cacheWriteMtok).toBeCloseTo(3.75, 9);
    expect(p.cacheWrite1hMtok).toBeCloseTo(6, 9);
    expect(unitPrices({ provider: 'openai', model: 'gpt-does-not-exist' })).toBeUndefined();
  });
});
