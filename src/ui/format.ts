// Pure text shapes for the screen: bars, sparklines, truncation, folding. Units (money, tokens,
// bytes, seconds, percentages) have one formatter each in src/present/units.ts.
import { bytes, percent, seconds, tokens, usd } from '../present/units.js';

/** @deprecated import `usd` from src/present/units.ts ('unknown' and null print as "?"). */
export function formatUsd(value: number | null | undefined | 'unknown'): string {
  return usd(value === 'unknown' ? null : value);
}

/** @deprecated import `tokens` from src/present/units.ts. */
export const formatTokens = (n: number): string => tokens(n);
/** @deprecated import `bytes` from src/present/units.ts. */
export const formatBytes = (n: number): string => bytes(n);
/** @deprecated import `seconds` from src/present/units.ts. */
export const formatSeconds = (s: number): string => seconds(s);
/** @deprecated import `percent` from src/present/units.ts. */
export const formatPercent = (fraction: number): string => percent(fraction);

/** A bar of `width` cells: filled █ and empty ░, clamped to [0, 1] (NaN, as in 0/0, is empty). */
export function bar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.floor(width));
  const filled = Number.isNaN(fraction)
    ? 0
    : Math.round(Math.max(0, Math.min(1, fraction)) * cells);
  return '█'.repeat(filled) + '░'.repeat(cells - filled);
}

const SPARKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number): string {
  if (width < 1) return ''; // slice(-0) would keep every value
  const recent = values.slice(-Math.floor(width));
  if (!recent.length) return '';
  const level = (v: number): number => (Number.isFinite(v) ? Math.max(0, v) : 0);
  const max = Math.max(...recent.map(level), 1e-9);
  // One glyph per value, always: a negative or non-finite sample draws the lowest bar.
  return recent
    .map(
      (v) =>
        SPARKS[Math.min(SPARKS.length - 1, Math.floor((level(v) / max) * (SPARKS.length - 1)))],
    )
    .join('');
}

/** Cuts to `width` columns with an ellipsis; terminal width is in code points here. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export interface Folded {
  lines: string[];
  hidden: number;
}

/** Keeps the first `head` and last `tail` lines of a long text. */
export function foldLines(text: string, head: number, tail: number): Folded {
  const lines = text.split('\n');
  if (lines.length <= head + tail + 1) return { lines, hidden: 0 };
  return {
    lines: [...lines.slice(0, head), ...lines.slice(lines.length - tail)],
    hidden: lines.length - head - tail,
  };
}
