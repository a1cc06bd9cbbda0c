/**
 * Issue 11 item 10: a 1 MB single-line paste froze the app (BPE is quadratic in the length
 * of one pre-token; 100 KB took 38 s). Counting is chunked and bounded.
 */
import { countTokens } from 'gpt-tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXACT_LIMIT_CHARS,
  MAX_CHUNK_CHARS,
  MAX_RUN_CHARS,
  countTextTokens,
  loadTokenizer,
  tokenChunks,
} from '../../src/router/tokenizer.js';

beforeAll(() => loadTokenizer());

/** Deterministic letters without any whitespace: one pre-token to the encoder. */
function unbroken(chars: number): string {
  let out = '';
  let x = 12345;
  while (out.length < chars) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out += String.fromCharCode(97 + (x % 26));
  }
  return out;
}

function longestRun(text: string): number {
  return Math.max(...text.split(/\s/).map((run) => run.length));
}

describe('tokenChunks', () => {
  it('never hands the encoder an unbroken run or a chunk above the limits, and loses nothing', () => {
    const samples = [
      unbroken(100_000),
      `start ${unbroken(10_000)} middle ${'word '.repeat(5000)}end`,
      'x'.repeat(MAX_RUN_CHARS * 3 + 1),
      '😀'.repeat(2000),
    ];
    for (const text of samples) {
      const chunks = tokenChunks(text);
      expect(chunks.join('')).toBe(text);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS + 1);
        expect(longestRun(chunk)).toBeLessThanOrEqual(MAX_RUN_CHARS + 1);
        // No surrogate pair cut in two.
        expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      }
    }
  });

  it('cuts ordinary text where the encoder splits anyway: the count stays exact', () => {
    const prose = Array.from(
      { length: 600 },
      (_, i) => `const value${i} = compute(${i}, "label ${i}");\n`,
    ).join('');
    expect(tokenChunks(prose).length).toBeGreaterThan(5);
    expect(countTextTokens(prose)).toBe(countTokens(prose));
  });
});

describe('countTextTokens', () => {
  // Its time is bench/router.bench.mjs's figure; here, that the count is a sane one.
  it('counts a 1 MB single-line paste', () => {
    const paste = unbroken(1024 * 1024);
    const n = countTextTokens(paste);
    // Random lowercase letters run about 2–4 characters per token.
    expect(n).toBeGreaterThan(paste.length / 6);
    expect(n).toBeLessThan(paste.length / 1.5);
  });

  it('estimates beyond the exact limit from samples, close to the exact count', () => {
    const text = Array.from({ length: 4000 }, (_, i) => `line ${i}: the value is ${i * 7}\n`)
      .join('')
      .repeat(2);
    expect(text.length).toBeGreaterThan(EXACT_LIMIT_CHARS);
    const exact = countTokens(text);
    expect(Math.abs(countTextTokens(text) - exact) / exact).toBeLessThan(0.05);
  });

  it('an unbroken run is counted within a few percent of the encoder’s own count', () => {
    const run = unbroken(EXACT_LIMIT_CHARS / 4);
    const exact = countTokens(run);
    expect(Math.abs(countTextTokens(run) - exact) / exact).toBeLessThan(0.05);
  });
});
