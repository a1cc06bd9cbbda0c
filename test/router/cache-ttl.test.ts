// The 1-hour prompt cache (issue 13.4): the warm/cold model follows config cache.ttl, the
// estimate prices 1 h writes at 2× input, and recorded pauses say whether 1 h would have paid.
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/records.js';
import type { Usage } from '../../src/core/usage.js';
import { cachePolicy, splitInput } from '../../src/router/cache.js';
import { adviseCacheTtl } from '../../src/router/cache-ttl.js';
import { estimateCall } from '../../src/router/estimate.js';
import { call as ledgerCall, usage } from '../ledger/fixtures.js';

const SONNET = { provider: 'anthropic', model: 'claude-sonnet-4-6' } as const;
const stats = { inputRatio: {}, outputRatio: {}, decodeTokPerSec: {} };

describe('cache.ttl in the router', () => {
  it('a 1 h TTL keeps the prefix warm for an hour and marks writes as 1 h', () => {
    expect(cachePolicy(SONNET).ttlMs).toBe(5 * 60_000);
    const hour = cachePolicy(SONNET, undefined, '1h');
    expect(hour.ttlMs).toBe(60 * 60_000);
    expect(splitInput(hour, 10_000, 6_000)).toEqual({
      input: 0,
      cacheRead: 6_000,
      cacheWrite: 4_000,
      cacheWrite1h: 4_000,
      cold: false,
    });
    // OpenAI's automatic cache has no TTL choice and no 1 h writes.
    const gpt = cachePolicy({ provider: 'openai', model: 'gpt-5.3-codex' }, undefined, '1h');
    expect(splitInput(gpt, 10_000, 6_000).cacheWrite1h).toBe(0);
  });

  it('the estimate prices 1 h writes at 2× input', () => {
    // Cold 10,000-token request, 1,000 output on claude-sonnet-4-6:
    //   5 m: 10,000 × $3.75 + 1,000 × $15 (per MTok) = $0.0375 + $0.015 = $0.0525
    //   1 h: 10,000 × $6    + 1,000 × $15           = $0.06   + $0.015 = $0.075
    const args = {
      ref: SONNET,
      rawInputTokens: 10_000,
      rawWarmPrefix: 0,
      output: { p50: 1_000, p90: 1_000 },
      stats,
    };
    expect(estimateCall(args).usdP50).toBeCloseTo(0.0525, 12);
    const hour = estimateCall({ ...args, cacheTtl: '1h' });
    expect(hour.cacheWrite1hTokens).toBe(10_000);
    expect(hour.usdP50).toBeCloseTo(0.075, 12);
  });
});

const call = (ts: string, durationMs: number, u: Partial<Usage>): CallRecord =>
  ledgerCall({ ts, durationMs, usage: usage(u) });

describe('adviseCacheTtl', () => {
  it('suggests 1 h after a 20-minute pause, with the figure', () => {
    // claude-sonnet-4-6: $0.30 read, $3.75 (5 m) / $6 (1 h) write, $15 output per MTok.
    const calls = [
      call('2026-11-30T10:00:10Z', 10_000, { cacheWrite: 20_000, output: 500 }),
      // starts 10:20:10, 20 minutes after the first ended: the 5 m cache had expired.
      call('2026-11-30T10:20:20Z', 10_000, { cacheWrite: 22_000, output: 500 }),
      // starts 10:22:20, 2 minutes later: warm either way.
      call('2026-11-30T10:22:30Z', 10_000, { cacheRead: 22_000, cacheWrite: 2_000, output: 500 }),
    ];
    // 5 m: c1 20,000 × 3.75 + 500 × 15           = 0.075  + 0.0075          = 0.0825
    //      c2 cold: 22,000 × 3.75 + 500 × 15      = 0.0825 + 0.0075          = 0.09
    //      c3 22,000 × 0.30 + 2,000 × 3.75 + 7.5  = 0.0066 + 0.0075 + 0.0075 = 0.0216
    //      total 0.1941
    // 1 h: c1 20,000 × 6 + 500 × 15               = 0.12   + 0.0075          = 0.1275
    //      c2 warm: 20,000 × 0.30 + 2,000 × 6     = 0.006  + 0.012  + 0.0075 = 0.0255
    //      c3 22,000 × 0.30 + 2,000 × 6           = 0.0066 + 0.012  + 0.0075 = 0.0261
    //      total 0.1791 → saved 0.015
    const advice = adviseCacheTtl(calls);
    expect(advice.usd5m).toBeCloseTo(0.1941, 12);
    expect(advice.usd1h).toBeCloseTo(0.1791, 12);
    expect(advice.savedUsd).toBeCloseTo(0.015, 12);
    expect(advice.gaps).toEqual({ upTo5m: 1, upTo1h: 1, longer: 0 });
    expect(advice.suggest).toBe('1h');
  });

  it('keeps 5 m for a session without long pauses', () => {
    // Same calls with a 1-minute pause: c2 reads 20,000 under both TTLs, and every 1 h write
    // costs 2× instead of 1.25× input, so 1 h is dearer.
    const calls = [
      call('2026-11-30T10:00:10Z', 10_000, { cacheWrite: 20_000, output: 500 }),
      call('2026-11-30T10:01:20Z', 10_000, { cacheRead: 20_000, cacheWrite: 2_000, output: 500 }),
    ];
    const advice = adviseCacheTtl(calls);
    expect(advice.savedUsd).toBeLessThan(0);
    expect(advice.suggest).toBe('5m');
    // Local and OpenAI calls have no TTL choice: not compared.
    expect(adviseCacheTtl([{ ...calls[0]!, model: 'ollama/qwen3-coder:30b' }]).calls).toBe(0);
  });
});
