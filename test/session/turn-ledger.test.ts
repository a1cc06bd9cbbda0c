import { describe, expect, it } from 'vitest';
import { buildCallRecord } from '../../src/session/turn-ledger.js';
import { configSchema } from '../../src/config/schema.js';

const usage = { input: 1_000, output: 500, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
const base = {
  session: 's',
  task: 't',
  turn: 1,
  tier: 3 as const,
  decision: 'accepted' as const,
  usage,
  outcome: 'ok' as const,
};

describe('buildCallRecord', () => {
  it('prices a local call at 0 per token and its electricity from measured watts', () => {
    const config = configSchema.parse({ local: { energyUsdPerKwh: 0.3, defaultWatts: 60 } });
    const ref = { provider: 'ollama' as const, model: 'qwen3-coder:30b' };
    // 90 W for 40 s = 3,600 J = 1 Wh; 1 Wh at $0.30/kWh = $0.0003.
    const measured = buildCallRecord({ ...base, ref, durationMs: 40_000, watts: 90 }, config);
    expect(measured).toMatchObject({ costUsd: 0, priceSource: 'local' });
    expect(measured.energyWh).toBeCloseTo(1, 10);
    expect(measured.energyUsd).toBeCloseTo(0.0003, 10);
    // Without a macmon reading the configured 60 W is used: 40 s → 2/3 Wh.
    const assumed = buildCallRecord({ ...base, ref, durationMs: 40_000 }, config);
    expect(assumed.energyWh).toBeCloseTo(2 / 3, 10);
  });

  it('records no energy for a cloud call, and null (never 0) for an unpriced model', () => {
    const config = configSchema.parse({});
    const cloud = buildCallRecord(
      { ...base, ref: { provider: 'anthropic', model: 'claude-sonnet-4-6' }, durationMs: 1_000 },
      config,
    );
    // 1,000 × $3/M + 500 × $15/M = $0.003 + $0.0075.
    expect(cloud.costUsd).toBeCloseTo(0.0105, 10);
    expect(cloud.energyWh).toBeUndefined();
    const unknown = buildCallRecord(
      { ...base, ref: { provider: 'openai', model: 'no-such-model' }, durationMs: 1_000 },
      config,
    );
    expect(unknown).toMatchObject({ costUsd: null, priceSource: 'unknown' });
  });
});
