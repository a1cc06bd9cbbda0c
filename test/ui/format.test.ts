import { describe, expect, it } from 'vitest';
import {
  bar,
  foldLines,
  formatBytes,
  formatPercent,
  formatSeconds,
  formatTokens,
  formatUsd,
  sparkline,
  truncate,
} from '../../src/ui/format.js';
import { usd } from '../../src/present/units.js';

// The screen's unit formatters are the one formatter per unit (src/present/units.ts); these
// deprecated names only forward to it. Deliberate changes from the screen's old output: an
// unknown amount is "?" (was "$?"), zero is "$0.00" (was "$0"), dollars have two decimals
// ("$1.50", was "$1.500"), thousands are "K" (was "k") and sizes are labelled GiB (were "GB").
describe('formatUsd', () => {
  it('shows an unknown price as ?, never as $0', () => {
    expect(formatUsd(null)).toBe('?');
    expect(formatUsd(undefined)).toBe('?');
    expect(formatUsd('unknown')).toBe('?');
    expect(formatUsd(Number.NaN)).toBe('?');
    expect(formatUsd(Number.POSITIVE_INFINITY)).toBe('?');
  });

  it('prints what `usd` prints', () => {
    for (const value of [0, 0.00042, 0.0123, 1.5, 12.345, 250]) {
      expect(formatUsd(value)).toBe(usd(value));
    }
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.00042)).toBe('$0.00042');
    expect(formatUsd(0.0123)).toBe('$0.012');
    expect(formatUsd(1.5)).toBe('$1.50');
    expect(formatUsd(250)).toBe('$250.00');
  });
});

describe('other figures', () => {
  it('formats tokens, bytes, seconds and percentages as present/units does', () => {
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(1_234)).toBe('1.2K');
    expect(formatTokens(250_000)).toBe('250K');
    expect(formatTokens(2_500_000)).toBe('2.5M');
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(36 * 1024 ** 3)).toBe('36.0 GiB');
    expect(formatSeconds(0.25)).toBe('250 ms');
    expect(formatSeconds(4.2)).toBe('4.2 s');
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatSeconds(600)).toBe('10 min 0 s');
    expect(formatPercent(0.876)).toBe('88%');
  });
});

describe('bar', () => {
  it('fills the share of cells and keeps the width', () => {
    expect(bar(0.5, 10)).toBe('█████░░░░░');
    expect(bar(0, 4)).toBe('░░░░');
    expect(bar(1, 4)).toBe('████');
  });

  it('clamps out-of-range fractions and stays the requested width', () => {
    expect(bar(-1, 5)).toBe('░░░░░');
    expect(bar(7, 5)).toBe('█████');
    expect(bar(Number.POSITIVE_INFINITY, 5)).toBe('█████');
    expect(bar(Number.NaN, 5)).toBe('░░░░░'); // 0 / 0 bytes
    expect(bar(0.5, 0)).toBe('');
    expect(bar(0.5, -3)).toBe('');
  });
});

describe('sparkline', () => {
  it('draws one glyph per recent value, scaled to the maximum', () => {
    expect(sparkline([0, 50, 100], 10)).toBe('▁▄█');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5], 10)).toBe('██');
  });

  it('keeps only the newest `width` values', () => {
    expect(sparkline([100, 0, 0, 100], 2)).toBe('▁█');
    expect([
      ...sparkline(
        Array.from({ length: 50 }, (_, i) => i),
        12,
      ),
    ]).toHaveLength(12);
  });

  it('handles empty input, zero width, zeros and bad samples', () => {
    expect(sparkline([], 10)).toBe('');
    expect(sparkline([1, 2, 3], 0)).toBe('');
    expect(sparkline([0, 0], 5)).toBe('▁▁');
    expect(sparkline([10, -5, Number.NaN, 10], 10)).toBe('█▁▁█');
  });
});

describe('truncate', () => {
  it('cuts to the width with an ellipsis, counting code points', () => {
    expect(truncate('hello', 10)).toBe('hello');
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('🙂🙂🙂', 2)).toBe('🙂…');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });
});

describe('foldLines', () => {
  it('keeps short texts whole', () => {
    expect(foldLines('a\nb\nc', 1, 1)).toEqual({ lines: ['a', 'b', 'c'], hidden: 0 });
  });

  it('keeps the head and tail of a long text and counts the hidden lines', () => {
    const text = Array.from({ length: 10 }, (_, i) => `l${i}`).join('\n');
    expect(foldLines(text, 2, 3)).toEqual({ lines: ['l0', 'l1', 'l7', 'l8', 'l9'], hidden: 5 });
  });

  it('never folds away a single line (the fold marker would take its place)', () => {
    const text = 'a\nb\nc\nd';
    expect(foldLines(text, 2, 1)).toEqual({ lines: ['a', 'b', 'c', 'd'], hidden: 0 });
  });
});
