import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../scripts/router/corpus.js';
import {
  CUES,
  ERROR_LINE,
  FILE_EXTENSION,
  FILE_NAME,
  JAPANESE_CHAR,
  mayHaveErrorLine,
  mayHaveStackTrace,
  STACK_TRACE,
} from '../../src/router/lexicon.js';
import {
  encodeFused,
  fuseHeads,
  loadFused,
  predict,
  predictFused,
  storeHead,
  type LinearHead,
} from '../../src/router/linear.js';
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

describe('the pre-checks of the whole-prompt regexes', () => {
  // Each pre-check must be a necessary condition: whenever the regex matches, the check passes.
  // The corpus has few traces, so every trace form the regex knows is added, at a line's start,
  // mid-text and at the very end (no trailing space or newline).
  const traces = [
    '    at resolveUser (/app/src/auth/session.ts:42:17)',
    '\tat com.example.Main.run(Main.java:12)',
    'Traceback (most recent call last)',
    '  File "app.py", line 3, in <module>',
    "thread 'main' panicked at",
    'goroutine 7 [running]:',
    'Exception in thread "main" java.lang.NullPointerException',
  ];
  const samples = [
    ...texts,
    ...traces.flatMap((t) => [t, `It fails:\n${t}\nthen stops`, `see below\n${t}`]),
    'TypeError: x is not a function',
    'raised ValueException: bad',
    'edit src/app.ts, lib/util.PY and ./deploy.sh',
  ];

  it('never rule out a prompt the regex would match', () => {
    const missed: string[] = [];
    for (const t of samples) {
      if (STACK_TRACE.test(t) && !mayHaveStackTrace(t)) missed.push(`trace: ${t.slice(0, 40)}`);
      if (ERROR_LINE.test(t) && !mayHaveErrorLine(t)) missed.push(`error: ${t.slice(0, 40)}`);
      FILE_NAME.lastIndex = 0;
      if (FILE_NAME.test(t) && !FILE_EXTENSION.test(t)) missed.push(`file: ${t.slice(0, 40)}`);
    }
    // FILE_NAME is global: matchAll in classifyRules starts from its lastIndex.
    FILE_NAME.lastIndex = 0;
    expect(missed).toEqual([]);
  });

  it('pass every trace, error line and file name above, and rule out plain prose', () => {
    for (const t of traces) expect(mayHaveStackTrace(`x\n${t}`), t).toBe(true);
    expect(mayHaveErrorLine('TypeError: x is not a function')).toBe(true);
    expect(FILE_EXTENSION.test('edit src/app.ts')).toBe(true);
    const prose = 'Please rename the helper and update its callers.';
    expect([mayHaveStackTrace(prose), mayHaveErrorLine(prose), FILE_EXTENSION.test(prose)]).toEqual(
      [false, false, false],
    );
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

  it('is the whole prompt for every corpus prompt up to head and tail; longer ones keep both ends', () => {
    for (const text of texts) {
      if (text.length <= 1000) expect(cueText(text)).toBe(text);
      else {
        expect(text.startsWith(cueText(text).slice(0, 800))).toBe(true);
        expect(text.endsWith(cueText(text).slice(-200))).toBe(true);
      }
    }
    // The pasted-diff prompts the audit added are the only ones cut.
    expect(texts.filter((t) => t.length > 1000).length).toBeLessThanOrEqual(10);
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
      expect(fused.set).toEqual(model.set ? predict(model.set, x) : undefined);
    }
  });

  it('the same for three heads, whose 22 columns are not a multiple of the six summed at once', () => {
    const model = committedModel();
    const heads = [model.taskType, model.complexity, model.tier] as LinearHead[];
    const fused = fuseHeads(heads)!;
    expect(fused.width).toBe(22);
    for (const text of texts.slice(0, 50)) {
      const { x } = turnFeatures(text, {}, model.dim);
      expect(predictFused(fused, x)).toEqual(heads.map((h) => predict(h, x)));
    }
  });

  it('read in place from the stored file, over slots that fill no whole word of the bitmap', () => {
    // 77 slots: a bitmap of 10 bytes, its last 32-bit word partly used; random int8 rows with
    // some slots all zero (not stored). loadFused ranks the set bits instead of mapping every
    // slot: the heads it gives must predict what the heads it was stored from predict.
    let seed = 11;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const dim = 77;
    const head = (k: number, link: 'softmax' | 'sigmoid'): LinearHead => {
      const weights = new Int8Array(dim * k);
      for (let slot = 0; slot < dim; slot++) {
        if (rand() % 3 === 0) continue; // a slot no feature reached
        for (let c = 0; c < k; c++) weights[slot * k + c] = (rand() % 255) - 127;
      }
      return {
        classes: [...Array(k).keys()],
        dim,
        weights,
        scale: 0.01,
        bias: new Float32Array(k),
        temperature: 1,
        link,
      };
    };
    const heads = [head(4, 'softmax'), head(3, 'sigmoid')];
    const fused = fuseHeads(heads)!;
    const { bytes, rows } = encodeFused(fused, dim);
    const stored = heads.map((h) => ({ ...storeHead(h), weights: undefined, scale: 0.01 }));
    const loaded = loadFused(stored, bytes, dim);
    expect(loaded.weights.length).toBe(rows * loaded.width);
    expect(encodeFused(loaded, dim).bytes).toEqual(bytes);
    for (let i = 0; i < 40; i++) {
      const n = 1 + (rand() % 12);
      const x = {
        index: Int32Array.from({ length: n }, () => rand() % dim),
        value: Float32Array.from({ length: n }, () => (rand() % 7) - 3),
      };
      expect(predictFused(loaded, x)).toEqual(heads.map((h) => predict(h, x)));
      expect(predictFused(loaded, x)).toEqual(predictFused(fused, x));
    }
    expect(loaded.heads.map((h) => h.weights)).toEqual(heads.map((h) => h.weights));
  });
});
