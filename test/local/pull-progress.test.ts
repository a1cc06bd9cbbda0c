import { describe, expect, it } from 'vitest';
import {
  cancelPull,
  initialPullState,
  pullProgress,
  reducePull,
  type PullLine,
} from '../../src/local/pull-progress.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

function run(lines: [number, PullLine][]) {
  let s = initialPullState('qwen3:8b');
  for (const [t, l] of lines) s = reducePull(s, l, t);
  return s;
}

describe('pull progress reducer', () => {
  it('aggregates layers by digest, tolerating early lines without total/completed', () => {
    const s = run([
      [0, { status: 'pulling manifest' }],
      [10, { status: 'pulling aaaaaaaaaaaa', digest: A }],
      [20, { status: 'pulling bbbbbbbbbbbb', digest: B }],
      [1000, { status: 'pulling aaaaaaaaaaaa', digest: A, total: 1000, completed: 400 }],
    ]);
    const p = pullProgress(s);
    expect(p.phase).toBe('downloading');
    expect(p.layers).toBe(2);
    expect(p.completedBytes).toBe(400);
    expect(p.totalBytes).toBe(1000);
    expect(p.percent).toBeCloseTo(40);
    // B's size is still unknown: no ETA yet rather than a wrong one.
    expect(p.etaSeconds).toBeUndefined();
  });

  it('computes speed over a recent window and an ETA once every size is known', () => {
    const s = run([
      [0, { status: 'pulling a', digest: A, total: 1_000_000, completed: 0 }],
      [0, { status: 'pulling b', digest: B, total: 1_000_000, completed: 0 }],
      [1000, { status: 'pulling a', digest: A, total: 1_000_000, completed: 500_000 }],
      [2000, { status: 'pulling a', digest: A, total: 1_000_000, completed: 1_000_000 }],
    ]);
    const p = pullProgress(s);
    expect(p.bytesPerSec).toBeCloseTo(500_000);
    expect(p.percent).toBeCloseTo(50);
    expect(p.etaSeconds).toBeCloseTo(2);
  });

  it('does not count a resumed head start as speed', () => {
    const s = run([
      [0, { status: 'pulling a', digest: A }],
      [100, { status: 'pulling a', digest: A, total: 10_000_000, completed: 9_000_000 }],
      [1100, { status: 'pulling a', digest: A, total: 10_000_000, completed: 9_100_000 }],
    ]);
    expect(pullProgress(s).bytesPerSec).toBeCloseTo(100_000);
  });

  it('walks the phases to success and stops at errors or cancel', () => {
    const ok = run([
      [0, { status: 'pulling a', digest: A, total: 10, completed: 10 }],
      [1, { status: 'verifying sha256 digest' }],
      [2, { status: 'writing manifest' }],
      [3, { status: 'success' }],
    ]);
    expect(pullProgress(ok)).toMatchObject({ phase: 'success', percent: 100, etaSeconds: 0 });
    const failed = run([
      [0, { status: 'pulling manifest' }],
      [1, { error: 'pull model manifest: file does not exist' }],
    ]);
    expect(pullProgress(failed)).toMatchObject({
      phase: 'error',
      error: 'pull model manifest: file does not exist',
    });
    expect(reducePull(failed, { status: 'success' }, 2)).toBe(failed);
    expect(pullProgress(cancelPull(ok)).phase).toBe('success');
    expect(pullProgress(cancelPull(initialPullState('x'))).phase).toBe('cancelled');
  });

  it('never lets completed go backwards for a layer', () => {
    const s = run([
      [0, { digest: A, total: 100, completed: 60 }],
      [1, { digest: A, total: 100, completed: 40 }],
    ]);
    expect(pullProgress(s).completedBytes).toBe(60);
  });
});
