// The one price curve: overrides that inherit, the 1-hour cache write, billed-cost trust, dated
// catalog overrides and the price data version. Every figure is worked out by hand in a comment.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  billedDisagreement,
  PRICE_DATA_VERSION,
  priceCall,
  priceUsage,
} from '../../src/catalog/prices.js';
import { costOf, priceCurve } from '../../src/catalog/price-curve.js';
import { inheritOverride } from '../../src/catalog/price-override.js';
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
const ref = (id: string): ModelRef => {
  const slash = id.indexOf('/');
  return { provider: id.slice(0, slash) as ModelRef['provider'], model: id.slice(slash + 1) };
};

describe('partial price overrides inherit (issue 13.3)', () => {
  // A cache-heavy turn: 2,000 input, 90,000 cache read, 8,000 cache write, 1,000 output.
  const turn = usage({ input: 2_000, cacheRead: 90_000, cacheWrite: 8_000, output: 1_000 });

  it('a model the catalog knows keeps its cache prices when only input/output are set', () => {
    // claude-sonnet-4-6 with inputMtok 3 and outputMtok 15 given (its list prices):
    //   2,000 × $3 + 90,000 × $0.30 + 8,000 × $3.75 + 1,000 × $15 (per MTok)
    //   = $0.006 + $0.027 + $0.030 + $0.015 = $0.078, exactly the catalog's figure.
    // Before, the cache read took the input rate (90,000 × $3 = $0.27) and the write too
    // (8,000 × $3 = $0.024): $0.315, 4.04× too much.
    const overrides = { 'anthropic/claude-sonnet-4-6': { inputMtok: 3, outputMtok: 15 } };
    const priced = priceUsage(ref('anthropic/claude-sonnet-4-6'), turn, { overrides });
    expect(priced).toEqual({ usd: expect.closeTo(0.078, 12), source: 'override' });
    expect(0.006 + 0.027 + 0.03 + 0.015).toBeCloseTo(0.078, 12);
    expect(priceUsage(ref('anthropic/claude-sonnet-4-6'), turn).usd).toBeCloseTo(0.078, 12);
  });

  it("a model the catalog lacks follows the vendor's documented cache ratio", () => {
    // anthropic/claude-new at $2 in / $10 out: read 0.1× = $0.20, write 1.25× = $2.50.
    //   2,000 × $2 + 90,000 × $0.20 + 8,000 × $2.50 + 1,000 × $10 (per MTok)
    //   = $0.004 + $0.018 + $0.020 + $0.010 = $0.052
    const overrides = { 'anthropic/claude-new': { inputMtok: 2, outputMtok: 10 } };
    expect(priceUsage(ref('anthropic/claude-new'), turn, { overrides }).usd).toBeCloseTo(0.052, 12);
    // DeepSeek: a cache hit is 1/50 of input, writes cost nothing extra.
    //   deepseek/deepseek-v9 at $0.50 / $1: 2,000 × 0.5 + 90,000 × 0.01 + 8,000 × 0.5 + 1,000 × 1
    //   = $0.001 + $0.0009 + $0.004 + $0.001 = $0.0069
    expect(
      priceUsage(ref('deepseek/deepseek-v9'), turn, {
        overrides: { 'deepseek/deepseek-v9': { inputMtok: 0.5, outputMtok: 1 } },
      }).usd,
    ).toBeCloseTo(0.0069, 12);
  });

  it('says which fields were derived and from where', () => {
    const known = inheritOverride(
      ref('anthropic/claude-sonnet-4-6'),
      { inputMtok: 3 },
      priceCurve(ref('anthropic/claude-sonnet-4-6')).steps,
    );
    expect(known.fields.filter((f) => f.from === 'catalog').map((f) => f.field)).toEqual([
      'outputMtok',
      'cacheReadMtok',
      'cacheWriteMtok',
      'cacheWrite1hMtok',
    ]);
    const unknown = inheritOverride(
      ref('anthropic/claude-new'),
      { inputMtok: 2, outputMtok: 10 },
      undefined,
    );
    expect(unknown.fields.find((f) => f.field === 'cacheReadMtok')).toEqual({
      field: 'cacheReadMtok',
      from: 'ratio',
      note: '0.1 × input (Anthropic)',
    });
    // Without input and output for an unknown model there is no price at all, never $0.
    expect(
      inheritOverride(ref('openai/gpt-x'), { cacheReadMtok: 1 }, undefined).steps,
    ).toBeUndefined();
    expect(
      priceUsage(ref('openai/gpt-x'), turn, { overrides: { 'openai/gpt-x': { inputMtok: 1 } } })
        .usd,
    ).toBe('unknown');
  });
});

describe('the 1-hour cache write (issue 13.4)', () => {
  it('is priced at 2× input on Anthropic', () => {
    // claude-sonnet-4-6: 100,000 written, 60,000 of them with the 1 h TTL:
    //   40,000 × $3.75 + 60,000 × $6 (per MTok) = $0.15 + $0.36 = $0.51
    const u = usage({ cacheWrite: 100_000, cacheWrite1h: 60_000 });
    expect(priceUsage(ref('anthropic/claude-sonnet-4-6'), u).usd).toBeCloseTo(0.51, 12);
    // Through OpenRouter the data has no 1 h price: Anthropic's documented 2× input applies.
    //   anthropic/claude-sonnet-4.6 at $3 input: 40,000 × $3.75 + 60,000 × $6 = $0.51
    expect(priceUsage(ref('openrouter/anthropic/claude-sonnet-4.6'), u).usd).toBeCloseTo(0.51, 12);
  });
});

describe('billed and reported costs (issue 13.2)', () => {
  it('keeps a reported figure more than 5 % away from the table', () => {
    // gpt-5.3-codex: 50,000 input × $1.75 + 1,000 output × $14 (per MTok)
    //   = $0.0875 + $0.014 = $0.1015. A proxy reports cost 0: the table wins, 0 is kept.
    const u = usage({ input: 50_000, output: 1_000 });
    const priced = priceCall(ref('openai/gpt-5.3-codex'), u, { reportedUsd: 0 });
    expect(priced.usd).toBeCloseTo(0.1015, 12);
    expect(priced.source).toBe('catalog');
    expect(priced.billedDisagreement).toEqual({
      reportedUsd: 0,
      tableUsd: expect.closeTo(0.1015, 12),
    });
    // 4 % off is within tolerance: $0.1015 × 0.96 = $0.09744.
    expect(
      priceCall(ref('openai/gpt-5.3-codex'), u, { reportedUsd: 0.09744 }).billedDisagreement,
    ).toBeUndefined();
    // A billedUsd passed for a provider that does not document it is only compared.
    expect(priceCall(ref('openai/gpt-5.3-codex'), u, { billedUsd: 0 }).usd).toBeCloseTo(0.1015, 12);
  });

  it('billedDisagreement is relative to the larger figure and ignores unknown tables', () => {
    // |1.00 − 1.06| = 0.06 > 5 % of 1.06 (0.053) → kept; |1.00 − 1.05| = 0.05 ≤ 0.0525 → not.
    expect(billedDisagreement(1.06, 1)).toEqual({ reportedUsd: 1.06, tableUsd: 1 });
    expect(billedDisagreement(1.05, 1)).toBeUndefined();
    expect(billedDisagreement(1, 'unknown')).toBeUndefined();
    expect(billedDisagreement(undefined, 1)).toBeUndefined();
  });
});

describe('dated catalog overrides and the data version (issues 13.6, 13.7)', () => {
  it('prices Haiku 5.5 by prompt length from its dated override', () => {
    // ≤ 100,000 total input: 100,000 × $0.10 + 1,000 × $0.50 (per MTok) = $0.01 + $0.0005 = $0.0105
    const curve = priceCurve(ref('anthropic/claude-haiku-5-5'));
    expect(costOf(curve, usage({ input: 100_000, output: 1_000 }))).toBeCloseTo(0.0105, 12);
    // 100,001 total input: the whole call at 5×: 100,001 × $0.50 + 1,000 × $2.50
    //   = $0.0500005 + $0.0025 = $0.0525005
    expect(costOf(curve, usage({ input: 100_001, output: 1_000 }))).toBeCloseTo(0.0525005, 12);
    expect(curve.origin).toMatchObject({ kind: 'catalog-override', checked: '2026-11-30' });
  });

  it('prices the OpenRouter Gemini 3.8 Flash id with Google’s dated prices', () => {
    // Through 2026-12-31: 1,000,000 × $0.75 + 1,000,000 × $3.75 = $4.50; from 2027-01-01 $9.00.
    const gemini = ref('openrouter/google/gemini-3.8-flash');
    const u = usage({ input: 1_000_000, output: 1_000_000 });
    expect(priceCall(gemini, u, { now: Date.parse('2026-11-30T12:00:00Z') }).usd).toBeCloseTo(
      4.5,
      9,
    );
    expect(priceCall(gemini, u, { now: Date.parse('2027-01-02T12:00:00Z') }).usd).toBeCloseTo(9, 9);
  });

  it('reads the version from the installed @pydantic/genai-prices', () => {
    const pkg = JSON.parse(
      readFileSync('node_modules/@pydantic/genai-prices/package.json', 'utf8'),
    ) as { version: string };
    expect(PRICE_DATA_VERSION).toBe(`genai-prices@${pkg.version}`);
  });
});
