/** Text helpers shared by `kirikae costs` and the costs screen: an unknown figure prints "?". */

export function formatUsd(usd: number | 'unknown' | null): string {
  if (usd === null || usd === 'unknown') return '?';
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs === 0) return '$0.00';
  // Sub-cent turns are common (Haiku, cached reads): show them instead of "$0.00".
  if (abs < 0.01) return `${sign}$${abs.toFixed(4)}`;
  if (abs < 1) return `${sign}$${abs.toFixed(3)}`;
  if (abs >= 10_000) return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
  return `${sign}$${abs.toFixed(2)}`;
}

export function formatPct(fraction: number | null, digits = 0): string {
  return fraction === null ? '?' : `${(fraction * 100).toFixed(digits)}%`;
}

/** 1234 → "1.2K", 2_500_000 → "2.5M". */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(1)}K`;
  return `${(tokens / 1_000_000).toFixed(1)}M`;
}

/** A fixed-width bar for a 0..1 fraction (over 1 fills the bar). */
export function bar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Aligned plain-text table; columns whose header starts with a space are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const right = header.map((h) => h.startsWith(' '));
  const cells = [header.map((h) => h.trim()), ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** One RFC 4180 CSV line. */
export function csvLine(values: readonly (string | number)[]): string {
  return values
    .map((value) => {
      const text = String(value);
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}
