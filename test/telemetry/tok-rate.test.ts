import { describe, expect, it } from 'vitest';
import { TokRateTracker } from '../../src/telemetry/tok-rate.js';

describe('TokRateTracker', () => {
  it('weights turns by time and keeps a rolling window per model', () => {
    const t = new TokRateTracker(3);
    t.recordTurn('qwen3:8b', 100, 1); // 100 tok/s
    t.recordTurn('qwen3:8b', 300, 10); // 30 tok/s
    expect(t.rate('qwen3:8b')).toBeCloseTo(400 / 11);
    t.recordTurn('qwen3:8b', 50, 1);
    t.recordTurn('qwen3:8b', 50, 1); // the 100 tok/s turn leaves the window
    expect(t.recent('qwen3:8b')).toEqual([30, 50, 50]);
    expect(t.rate('qwen3:8b')).toBeCloseTo(400 / 12);
    expect(t.rate('other')).toBeUndefined();
    expect(t.models()).toEqual(['qwen3:8b']);
  });

  it('ignores turns without tokens or time', () => {
    const t = new TokRateTracker();
    t.recordTurn('m', 0, 1);
    t.recordTurn('m', 10, 0);
    expect(t.rate('m')).toBeUndefined();
  });
});
