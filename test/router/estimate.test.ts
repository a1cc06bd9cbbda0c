import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../src/catalog/prices.js';
import type { CallRecord } from '../../src/core/records.js';
import { estimateCall } from '../../src/router/estimate.js';
import { learnFromHistory } from '../../src/router/learn.js';
import { costOf, priceCurve } from '../../src/router/pricing.js';
import { parseModelRef } from '../../src/core/model-ref.js';

/** No per-family correction, so the hand-computed figures use the raw counts. */
const FLAT = { inputRatio: {}, outputRatio: {}, decodeTokPerSec: {} };
const OUT = { p50: 1000, p90: 3000 };
const sonnet46 = parseModelRef('anthropic/claude-sonnet-4-6');
const sonnet45 = parseModelRef('anthropic/claude-sonnet-4-5');

describe('estimateCall on Anthropic (explicit cache)', () => {
  it('a warm prefix is read at 0.1× input on Sonnet; the new part is written', () => {
    const e = estimateCall({
      ref: sonnet46,
      rawInputTokens: 100_000,
      rawWarmPrefix: 90_000,
      output: OUT,
      stats: FLAT,
    });
    expect(e).toMatchObject({
      inputTokens: 100_000,
      cacheReadTokens: 90_000,
      cacheWriteTokens: 10_000,
      uncachedInputTokens: 0,
      outputTokens: 1000,
      coldCache: false,
    });
    // Sonnet: input $3/M, so a cache read is $0.30/M and a 5-minute write $3.75/M; output $15/M.
    const expected = 90_000 * (0.1 * 3e-6) + 10_000 * (1.25 * 3e-6) + 1000 * 15e-6;
    expect(e.usdP50).toBeCloseTo(expected, 10); // 0.027 + 0.0375 + 0.015 = 0.0795
    expect(e.usdP90).toBeCloseTo(expected + 2000 * 15e-6, 10);
  });

  it('cold after a model switch: the whole prompt is a cache write at 1.25×', () => {
    const e = estimateCall({
      ref: sonnet46,
      rawInputTokens: 100_000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
    });
    expect(e.coldCache).toBe(true);
    expect(e.cacheWriteTokens).toBe(100_000);
    expect(e.cacheReadTokens).toBe(0);
    expect(e.usdP50).toBeCloseTo(100_000 * 1.25 * 3e-6 + 1000 * 15e-6, 10); // 0.39
  });

  it('a prompt below the cacheable minimum is plain input', () => {
    const haiku = parseModelRef('anthropic/claude-haiku-4-5');
    const e = estimateCall({
      ref: haiku,
      rawInputTokens: 3000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
    });
    expect(e).toMatchObject({ uncachedInputTokens: 3000, cacheWriteTokens: 0, cacheReadTokens: 0 });
    expect(e.usdP50).toBeCloseTo(3000 * 1e-6 + 1000 * 5e-6, 10);
  });

  it('claude-sonnet-4-5 above 200K input takes the long-context price tier from the catalog', () => {
    // Above 200K: input $6/M, so write $7.50/M and read $0.60/M; output $22.50/M.
    const cold = estimateCall({
      ref: sonnet45,
      rawInputTokens: 250_000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
    });
    expect(cold.usdP50).toBeCloseTo(250_000 * 7.5e-6 + 1000 * 22.5e-6, 10); // 1.8975
    const warm = estimateCall({
      ref: sonnet45,
      rawInputTokens: 250_000,
      rawWarmPrefix: 240_000,
      output: OUT,
      stats: FLAT,
    });
    expect(warm.usdP50).toBeCloseTo(240_000 * 0.6e-6 + 10_000 * 7.5e-6 + 1000 * 22.5e-6, 10);
    // Just under the threshold the base prices hold.
    const under = estimateCall({
      ref: sonnet45,
      rawInputTokens: 150_000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
    });
    expect(under.usdP50).toBeCloseTo(150_000 * 3.75e-6 + 1000 * 15e-6, 10);
  });
});

describe('estimateCall on automatic caches', () => {
  it('OpenAI reads a warm prefix in 128-token blocks and never charges a write', () => {
    const codex = parseModelRef('openai/gpt-5.3-codex');
    const e = estimateCall({
      ref: codex,
      rawInputTokens: 12_000,
      rawWarmPrefix: 10_000,
      output: OUT,
      stats: FLAT,
    });
    expect(e).toMatchObject({
      cacheReadTokens: 9984,
      uncachedInputTokens: 2016,
      cacheWriteTokens: 0,
    });
    expect(e.usdP50).toBeCloseTo(9984 * 0.175e-6 + 2016 * 1.75e-6 + 1000 * 14e-6, 10);
    const cold = estimateCall({
      ref: codex,
      rawInputTokens: 12_000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
    });
    expect(cold.usdP50).toBeCloseTo(12_000 * 1.75e-6 + 1000 * 14e-6, 10);
  });

  it('an unpriced model is null, never 0', () => {
    const e = estimateCall({
      ref: parseModelRef('openrouter/nobody/unknown-model'),
      rawInputTokens: 1000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
    });
    expect(e.usdP50).toBeNull();
    expect(e.usdP90).toBeNull();
  });
});

describe('estimateCall on a local model', () => {
  const qwen = parseModelRef('ollama/qwen3-coder:30b');
  const local = { resident: true, loadSeconds: 12, watts: 60, usdPerKwh: 0.3 };

  it('costs electricity: watts × seconds × USD/kWh', () => {
    const e = estimateCall({
      ref: qwen,
      rawInputTokens: 5000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
      local,
    });
    // 0.2 s latency + 5000 / 500 tok/s prefill + 1000 / 35 tok/s decode
    const seconds = 0.2 + 10 + 1000 / 35;
    expect(e.seconds).toBeCloseTo(seconds, 6);
    expect(e.energyUsd).toBeCloseTo((60 * seconds * 0.3) / 3_600_000, 12);
    expect(e.usdP50).toBeCloseTo(e.energyUsd!, 12);
  });

  it('adds the load time when the model is not resident, and measured tok/s wins over defaults', () => {
    const stats = { ...FLAT, decodeTokPerSec: { 'ollama/qwen3-coder:30b': 100 } };
    const e = estimateCall({
      ref: qwen,
      rawInputTokens: 5000,
      rawWarmPrefix: 0,
      output: OUT,
      stats,
      local: { ...local, resident: false },
    });
    expect(e.loadSeconds).toBe(12);
    expect(e.seconds).toBeCloseTo(0.2 + 12 + 10 + 1000 / 100, 6);
  });

  it('a warm KV cache skips most of the prefill', () => {
    const cold = estimateCall({
      ref: qwen,
      rawInputTokens: 20_000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: FLAT,
      local,
    });
    const warm = estimateCall({
      ref: qwen,
      rawInputTokens: 20_000,
      rawWarmPrefix: 19_000,
      output: OUT,
      stats: FLAT,
      local,
    });
    expect(cold.seconds - warm.seconds).toBeGreaterThan(30);
  });
});

describe('per-family correction', () => {
  it('multiplies the tokenizer count by the learned ratio of the family', () => {
    const e = estimateCall({
      ref: sonnet46,
      rawInputTokens: 10_000,
      rawWarmPrefix: 0,
      output: OUT,
      stats: { ...FLAT, inputRatio: { claude: 1.2 } },
    });
    expect(e.rawInputTokens).toBe(10_000);
    expect(e.inputTokens).toBe(12_000);
  });
});

describe('learnFromHistory', () => {
  const call = (over: Partial<CallRecord>): CallRecord => ({
    v: 1,
    type: 'call',
    ts: '2026-03-01T10:00:00Z',
    session: 's',
    task: 't',
    turn: 1,
    tier: 1,
    model: 'anthropic/claude-sonnet-4-6',
    decision: 'accepted',
    fallbackHops: [],
    usage: { input: 100, output: 500, cacheRead: 11_000, cacheWrite: 1900, reasoning: 0 },
    costUsd: 0.01,
    priceSource: 'catalog',
    priceVersion: 'test',
    durationMs: 1000,
    outcome: 'ok',
    ...over,
  });

  it('learns actual/estimated input per family from estimate.inputTokens vs usage', () => {
    // 13,000 real tokens for 10,000 estimated, 50 times: the ratio approaches 1.3.
    const records = Array.from({ length: 50 }, () =>
      call({ estimate: { inputTokens: 10_000, outputTokens: 500 } }),
    );
    const stats = learnFromHistory(records);
    expect(stats.inputRatio.claude).toBeGreaterThan(1.28);
    expect(stats.inputRatio.claude).toBeLessThan(1.3);
    expect(stats.inputRatio.qwen).toBe(1.05);
  });

  it('ignores failed calls and calls without an estimate', () => {
    const stats = learnFromHistory([
      call({ outcome: 'error', estimate: { inputTokens: 1, outputTokens: 1 } }),
      call({}),
    ]);
    expect(stats.inputRatio.claude).toBe(1.15);
  });

  it('learns output p50/p90 per task type, blended with the prior', () => {
    const records = Array.from({ length: 200 }, (_, i) =>
      call({
        taskType: 'docs',
        usage: { input: 0, output: 100 + i, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      }),
    );
    const { outputTokens } = learnFromHistory(records);
    expect(outputTokens.docs.p50).toBeGreaterThan(190);
    expect(outputTokens.docs.p50).toBeLessThan(260);
    expect(outputTokens.docs.p90).toBeLessThan(outputTokens.docs.p50 * 2);
    expect(outputTokens.architecture.p50).toBe(2500);
  });

  it('learns the median tok/s per model', () => {
    const records = [30, 40, 50].map((tokPerSec) =>
      call({ model: 'ollama/qwen3-coder:30b', tokPerSec }),
    );
    expect(learnFromHistory(records).decodeTokPerSec['ollama/qwen3-coder:30b']).toBe(40);
  });
});

describe('price curve', () => {
  it('matches priceUsage exactly on both sides of a tier start', () => {
    const curve = priceCurve(sonnet45);
    for (const usage of [
      { input: 199_000, output: 800, cacheRead: 1000, cacheWrite: 0, reasoning: 0 },
      { input: 1, output: 800, cacheRead: 150_000, cacheWrite: 50_000, reasoning: 0 },
      { input: 2, output: 800, cacheRead: 150_000, cacheWrite: 50_000, reasoning: 0 },
      { input: 500_000, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    ]) {
      expect(costOf(curve, usage)).toBeCloseTo(priceUsage(sonnet45, usage).usd as number, 10);
    }
  });

  it('honours config price overrides', () => {
    const ref = parseModelRef('openrouter/acme/new-model');
    const curve = priceCurve(ref, { 'openrouter/acme/new-model': { inputMtok: 1, outputMtok: 2 } });
    expect(
      costOf(curve, {
        input: 1_000_000,
        output: 1_000_000,
        cacheRead: 0,
        cacheWrite: 0,
        reasoning: 0,
      }),
    ).toBeCloseTo(3, 10);
  });
});
