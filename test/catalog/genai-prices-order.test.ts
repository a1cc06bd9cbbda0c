// scripts/genai-prices-for-kirikae.mjs replaces genai-prices' two localeCompare calls with a
// code-unit comparison, so pricing never initialises ICU's collator (~15 ms of start-up). That
// is only sound while the two orders agree on the keys the package sorts: its unit keys and
// their dimension names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Unit {
  dimensions: Record<string, string>;
  price_key?: string;
}

/** The package's unit table (`const E = [...], J = {…};` before `class Y`), from its own source. */
function unitTable(): Record<string, Unit> {
  const file = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
  const source = readFileSync(file.replace(/index\.cjs$/, 'index.js'), 'utf8');
  const start = source.indexOf('], J = {');
  const end = source.indexOf('class Y {');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const literal = source
    .slice(start + '], J = '.length, end)
    .trim()
    .replace(/;$/, '');
  return new Function(`return (${literal});`)() as Record<string, Unit>;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('genai-prices without the collator', () => {
  it('sorts the package’s unit keys and dimension names as localeCompare does', () => {
    const units = unitTable();
    const usageKeys = Object.keys(units);
    const dimensionNames = [
      ...new Set(Object.values(units).flatMap((u) => Object.keys(u.dimensions))),
    ];
    // A real table, not an empty slice of the source.
    expect(usageKeys).toContain('input_tokens');
    expect(usageKeys.length).toBeGreaterThan(10);
    expect(dimensionNames.length).toBeGreaterThan(2);
    for (const keys of [usageKeys, dimensionNames]) {
      expect([...keys].sort(byCodeUnit)).toEqual([...keys].sort((a, b) => a.localeCompare(b)));
    }
  });

  it('leaves no localeCompare in the bundle the build writes', () => {
    // The global setup builds dist/ when it is missing, as `npm test` does.
    const chunks = readdirSync('dist/chunks').filter((f) => f.endsWith('.js'));
    const prices = chunks.filter((f) =>
      readFileSync(join('dist/chunks', f), 'utf8').includes('output_video_citation_tokens'),
    );
    expect(prices.length).toBe(1);
    // A boolean, not the chunk's text, in the failure message.
    expect(readFileSync(join('dist/chunks', prices[0]!), 'utf8').includes('localeCompare')).toBe(
      false,
    );
  });
});
