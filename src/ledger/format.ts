/**
 * Plain-text layout shared by `kirikae costs` and other reports. Amounts, tokens and shares are
 * formatted by src/present/units.ts, the one formatter per unit.
 */

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
