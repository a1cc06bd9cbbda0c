import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../scripts/router/corpus.js';
import { CUES, JAPANESE_CHAR } from '../../src/router/lexicon.js';
import { predict } from '../../src/router/linear.js';
import { classifyRules, cueText } from '../../src/router/rules.js';
import { committedModel, headProbabilities, turnFeatures } from '../../src/router/trained.js';
import { LABELLED } from './labelled.js';

const texts = [...loadExamples().map((e) => e.text ?? ''), ...LABELLED.map((l) => l.prompt)];
const KANA_KANJI = /[\u3040-\u30ff\u3400-\u9fff]/g;

describe('cues that need a Japanese character', () => {
  // classifyRules skips these cues on a prompt without kana or kanji; the skip must never drop a
  // match. Stripping the kana and kanji from every corpus prompt leaves ASCII, full-width forms,
  // punctuation and digits: the worst case for the claim.
  it('match no corpus prompt once its kana and kanji are removed', () => {
    const needs = CUES.filter((c) => c.needsJapanese);
    expect(needs.length).toBeGreaterThan(30);
    const wrong = new Set<string>();
    for (const text of texts) {
      const stripped = text.replace(KANA_KANJI, '');
      expect(JAPANESE_CHAR.test(stripped)).toBe(false);
      for (const cue of needs) if (cue.re.test(stripped)) wrong.add(cue.signal);
    }
    expect([...wrong]).toEqual([]);
  });

  it('the ASCII alternative of a Japanese cue keeps it scanning English prompts', () => {
    const e2e = CUES.find((c) => c.signal === 'ja:テスト種別')!;
    expect(e2e.needsJapanese).toBe(false);
    expect(e2e.re.test('add E2E tests for the login flow')).toBe(true);
  });
});

describe('the text the cues scan', () => {
  // A 2,000-character prompt pays for each of the ~140 cue regexes over every character; the
  // request is at its head or its tail, and the corpus's prompts all fit in the cut.
  const filler = 'the log line repeats without any request in it.\n'.repeat(40);

  it('is the head and the tail of a long prompt, not its middle', () => {
    expect(classifyRules(`please refactor the parser\n${filler}`).signals).toContain('en:refactor');
    expect(classifyRules(`${filler}please refactor the parser`).signals).toContain('en:refactor');
    const middle = `${filler.slice(0, 1000)}please refactor the parser\n${filler}`;
    expect(classifyRules(middle).signals).not.toContain('en:refactor');
    expect(cueText(middle).length).toBeLessThan(1100);
  });

  it('is the whole prompt for every corpus prompt', () => {
    for (const text of texts) expect(cueText(text)).toBe(text);
  });
});

describe('the fused heads', () => {
  it('give the probabilities of the heads one by one, to the last bit', () => {
    const model = committedModel();
    expect(model.fused).toBeDefined();
    for (const text of texts.slice(0, 200)) {
      const { x } = turnFeatures(text, {}, model.dim);
      const fused = headProbabilities(model, x);
      expect(fused.taskType).toEqual(predict(model.taskType, x));
      expect(fused.complexity).toEqual(predict(model.complexity, x));
      expect(fused.tier).toEqual(predict(model.tier, x));
      expect(fused.set).toEqual(predict(model.set!, x));
    }
  });
});
