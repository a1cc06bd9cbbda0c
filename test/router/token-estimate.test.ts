/**
 * Issue 14 (performance): `kirikae route` from a cold start spent ~0.4 s loading the BPE encoder.
 * A one-shot command can count with estimateTokens instead; these check that estimate against
 * the encoder on text it was not fitted on (the fit used src/, docs/ and the router corpus).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it, vi } from 'vitest';
import { estimateTokens } from '../../src/router/tokenizer.js';
import { LABELLED } from './labelled.js';

const JAPANESE = /[぀-ヿ一-鿿]/;
const testDir = new URL('./', import.meta.url);
const code = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(new URL(f, testDir), 'utf8'));
const kinds = {
  code,
  english: LABELLED.filter((l) => !JAPANESE.test(l.prompt)).map((l) => l.prompt),
  japanese: LABELLED.filter((l) => JAPANESE.test(l.prompt)).map((l) => l.prompt),
};

const total = (texts: string[], count: (t: string) => number) =>
  texts.reduce((n, t) => n + count(t), 0);

describe('estimateTokens', () => {
  // Measured: code 1.0, English 1.0, Japanese 1.15 (these hand-written Japanese prompts are
  // terser than the corpus's, where the estimate is 0.98 on held-out pieces).
  const tolerance = { code: 0.1, english: 0.1, japanese: 0.2 };
  for (const [kind, texts] of Object.entries(kinds)) {
    it(`is within ${100 * tolerance[kind as keyof typeof kinds]} % of the o200k count over held-out ${kind}`, () => {
      const ratio = total(texts, estimateTokens) / total(texts, countTokens);
      expect(Math.abs(ratio - 1)).toBeLessThan(tolerance[kind as keyof typeof kinds]);
    });
  }

  it('is far closer than 4 characters per token on Japanese', () => {
    const exact = total(kinds.japanese, countTokens);
    const quarter = total(kinds.japanese, (t) => Math.ceil(t.length / 4));
    expect(quarter / exact).toBeLessThan(0.7);
  });

  it('is 0 for empty text and grows with the text', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('fix the typo')).toBeLessThan(estimateTokens('fix the typo in README'));
  });
});

describe('keepEncoderOff', () => {
  it('counts with the estimate and does not start loading the encoder', async () => {
    // test/setup.ts loads the encoder for every test file: a fresh copy of the module has not.
    vi.resetModules();
    const { countTextTokens, keepEncoderOff, tokenizerReady } =
      await import('../../src/router/tokenizer.js');
    keepEncoderOff();
    const text = '読み込みはキャッシュ経由にして。 const a = load(x);\n';
    expect(countTextTokens(text)).toBe(estimateTokens(text));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tokenizerReady()).toBe(false);
  });
});
