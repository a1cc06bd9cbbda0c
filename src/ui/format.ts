// Pure text formatting for the screen. An unknown price is always "?", never "$0".

export function formatUsd(usd: number | null | undefined | 'unknown'): string {
  if (usd === null || usd === undefined || usd === 'unknown' || !Number.isFinite(usd)) return '$?';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 10) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatTokens(n: number): string {
  if (n < 1_000) return String(Math.round(n));
  if (n < 100_000) return `${(n / 1_000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1_000)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 10) return `${gib.toFixed(0)} GB`;
  if (gib >= 1) return `${gib.toFixed(1)} GB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  return `${Math.round(seconds / 60)} min`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

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
