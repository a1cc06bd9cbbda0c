import { describe, expect, it } from 'vitest';
import {
  askFeatures,
  askOf,
  bucket,
  featurize,
  hash,
  lengthBucket,
  promptShape,
  proseOf,
  shapeFeatures,
  textFeatures,
  wordCharFeatures,
} from '../../src/router/features.js';

describe('text features', () => {
  it('English: words, word bigrams, 5-letter prefixes and the opening words', () => {
    const f = textFeatures(proseOf('Refactoring the parser, please'));
    expect(f).toEqual(
      expect.arrayContaining([
        'w:refactoring',
        'p:refac',
        'b:^ refactoring',
        'b:refactoring the',
        'first0:refactoring',
        'first1:the',
        'w:parser',
      ]),
    );
  });

  it('Japanese: character uni-, bi- and trigrams with run boundaries, no word tokens', () => {
    const f = textFeatures(proseOf('バグを直して'));
    expect(f).toEqual(
      expect.arrayContaining(['c1:バ', 'c2:^バ', 'c2:バグ', 'c3:バグを', 'c3:して$', 'c2:て$']),
    );
    expect(f.some((x) => x.startsWith('w:'))).toBe(false);
  });

  it('Japanese: runs of one script (kanji compounds, katakana words) stand in for words', () => {
    const f = textFeatures(proseOf('このモジュールをリファクタリングして原因を調査して'));
    expect(f).toEqual(
      expect.arrayContaining(['jw:モジュール', 'jw:リファクタリング', 'jw:原因', 'jw:調査']),
    );
    // Hiragana runs are grammar (を, して), and a single kanji is already a c1 feature.
    expect(f.filter((x) => x.startsWith('jw:'))).toHaveLength(4);
    // 「間違い」 is not 「違い」: its word is the run 間違, not the research cue 違い's 違.
    expect(textFeatures(proseOf('どこが間違い?')).filter((x) => x.startsWith('jw:'))).toEqual([
      'jw:間違',
    ]);
  });

  it('edge tokens: a one-character run, trailing quotes, a short word between digits', () => {
    // The tokenizer is a hand-written scan (no regex match per token); these are the cases where
    // it could part from `[a-z0-9_][a-z0-9_'-]*|[kana/kanji]+`.
    expect(textFeatures('ア')).toEqual(['c1:ア', 'c2:^ア', 'c2:ア$', 'c3:^ア$']);
    expect(textFeatures("users'' x-y")).toEqual(
      expect.arrayContaining(['w:users', 'b:^ users', 'w:x-y', 'b:users x-y']),
    );
    expect(wordCharFeatures('0ab1 go')).toEqual(['e4: ab1', 'e4:ab1 ']);
  });

  it('mixed prompts keep both: 「README」 is a word, the kana around it n-grams', () => {
    const f = textFeatures(proseOf('READMEの誤字を直して'));
    expect(f).toContain('w:readme');
    expect(f).toContain('c2:誤字');
  });

  it('folds full-width forms and numbers (ＲＥＡＤＭＥ, ３ files = README, 0 files)', () => {
    expect(proseOf('ＲＥＡＤＭＥを３行')).toBe('readmeを0行');
    expect(textFeatures(proseOf('fix 12 bugs'))).toContain('w:0');
  });

  it('drops diff, trace and fenced code lines from the words', () => {
    const prose = proseOf(
      'why?\n```ts\nconst secretWord = 1;\n```\n    at run (/app/x.ts:1:2)\n@@ -1 +1 @@\n-old\n+new',
    );
    expect(prose).toBe('why?');
  });
});

describe('the ask', () => {
  const ask = (prompt: string) => askOf(proseOf(prompt));

  it('is the last sentence of the last line that is not a pasted report', () => {
    // gh-0270: the traceback's frame is out of the prose, its error line is skipped.
    expect(
      ask(
        'The visualisation crashes on day 3:\n    groups_text.colors[y1, x1:x2, :3] = RAINBOW[j]\nIndexError: list index out of range\nThere are more groups than RAINBOW colours; wrap the index with modulo.',
      ),
    ).toBe('there are more groups than rainbow colours; wrap the index with modulo.');
    expect(ask('Starting fails on my machine. Use sysinfo[2][0] instead of sysinfo[2][2].')).toBe(
      'use sysinfo[0][0] instead of sysinfo[0][0].',
    );
  });

  it('takes the sentence before a short one, and keeps file names whole', () => {
    expect(
      ask('The launcher crashes in onStart() with a NullPointerException. Add a null check there.'),
    ).toBe(
      'the launcher crashes in onstart() with a nullpointerexception. add a null check there.',
    );
    expect(ask('Read config.json first. Then fall back to defaults.yaml when it is missing.')).toBe(
      'then fall back to defaults.yaml when it is missing.',
    );
  });

  it('reads Japanese sentences, which end without a space', () => {
    expect(ask('ログインすると落ちる。cfg.Timeout を読む前に nil チェックを入れて')).toBe(
      'cfg.timeout を読む前に nil チェックを入れて',
    );
  });

  it('is empty for a one-sentence prompt, which is its own ask', () => {
    expect(ask('remove the unused variables eslint is warning about')).toBe('');
    expect(ask('')).toBe('');
    expect(askFeatures(proseOf('fix the typo in README.md'))).toEqual([]);
  });

  it('has features of its own kind, apart from the prose’s', () => {
    const names = askFeatures(proseOf('It crashes on start.\nAdd a null check there.'));
    expect(names).toContain('aw:null');
    expect(names).toContain('ab:null check');
    expect(names).toContain('afirst0:add');
    expect(names.every((n) => n.startsWith('a'))).toBe(true);
  });
});

describe('prompt shape', () => {
  it('counts a unified diff, but a markdown list is not a diff', () => {
    expect(promptShape('- one\n- two\n- three').diffLines).toBe(0);
    expect(promptShape('- one\n- two\n- three').bullets).toBe(3);
    expect(promptShape('review\n@@ -1,2 +1,2 @@\n-a\n+b\n-c\n+d').diffLines).toBe(4);
    // Pasted without a header: an added line marks it as a diff.
    expect(promptShape('ok?\n-    String url = a;\n+    String url = b;').diffLines).toBe(2);
  });

  it('counts stack-trace frames (JS, Python, Go) and error lines', () => {
    const js = promptShape(
      "TypeError: Cannot read properties of undefined (reading 'id')\n    at resolveUser (/app/src/auth/session.ts:42:17)\n    at async handler (/app/src/routes/me.ts:12:5)",
    );
    expect(js.traceLines).toBe(2);
    expect(js.errorLines).toBe(1);
    const py = promptShape(
      'Traceback (most recent call last):\n  File "app/worker.py", line 88, in run\nIndexError: pop from empty list',
    );
    expect(py.traceLines).toBe(2);
    expect(promptShape('goroutine 1 [running]:\nmain.main()').traceLines).toBe(1);
  });

  it('counts code blocks, distinct files, URLs, question form and Japanese', () => {
    const s = promptShape(
      'Can src/a.ts and lib/b.py share `src/a.ts`? see https://x.dev/a\n```\ncode\n```',
    );
    expect(s).toMatchObject({ codeBlocks: 1, files: 2, urls: 1, question: true, japanese: false });
    expect(promptShape('この関数はどうすべきですか').question).toBe(true);
    expect(promptShape('この関数を直して').question).toBe(false);
    expect(promptShape('この関数を直して').japanese).toBe(true);
  });

  it('buckets counts and lengths', () => {
    expect([0, 1, 2, 3, 4, 9, 10, 99, 100].map(bucket)).toEqual([0, 1, 2, 2, 3, 3, 4, 5, 6]);
    expect([10, 50, 200, 500, 1500, 5000, 9000].map(lengthBucket)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('session facts reach the shape features (a stack trace seen in a tool result, the diff size)', () => {
    const shape = promptShape('what now?');
    expect(shapeFeatures(shape)).toContain('trace:0');
    const f = shapeFeatures(shape, { hasStackTrace: true, diffLines: 450, filesNamed: ['a', 'b'] });
    expect(f).toEqual(expect.arrayContaining(['trace:2', 'diff:6', 'files:2', 'diff&trace']));
  });
});

describe('hashed vector', () => {
  it('FNV-1a is stable (the committed weights depend on it)', () => {
    expect(hash('')).toBe(0x811c9dc5);
    expect(hash('a')).toBe(0xe40c292c);
    expect(hash('w:fix')).toBe(hash('w:fix'));
  });

  it('is deterministic, within range, and each group is L2-normalised to its weight', () => {
    const dim = 1 << 13;
    const a = featurize('バグを直して src/a.ts', dim);
    const b = featurize('バグを直して src/a.ts', dim);
    expect(Array.from(a.index)).toEqual(Array.from(b.index));
    expect(Array.from(a.value)).toEqual(Array.from(b.value));
    expect(new Set(a.index).size).toBe(a.index.length);
    for (const i of a.index) expect(i >= 0 && i < dim).toBe(true);
    // text group (weight 1) and shape group (0.6) are each unit vectors before weighting.
    const norm = Math.hypot(...a.value);
    expect(norm).toBeGreaterThan(1);
    expect(norm).toBeLessThan(1.7);
  });

  it('rule signals add their own slots', () => {
    const dim = 1 << 13;
    const without = featurize('fix it', dim);
    const withRules = featurize('fix it', dim, {}, ['rule:bugfix', 'en:fix']);
    expect(withRules.index.length).toBeGreaterThan(without.index.length);
  });
});

describe('hashing without strings', () => {
  it('slots equal the hash of the feature names (the weights were fitted on those)', () => {
    const dim = 1 << 13;
    for (const prompt of [
      'Refactor the parser, please',
      'READMEの誤字を直して',
      'why? ```x``` ok',
      'It crashes on start.\nAdd a null check there.',
      'ログインすると落ちる。nil チェックを入れて',
    ]) {
      const names = [...textFeatures(proseOf(prompt)), ...askFeatures(proseOf(prompt))];
      const expected = new Set(names.map((n) => hash(n) % dim));
      const got = new Set(featurize(prompt, dim, {}, [], promptShape(prompt)).index);
      for (const slot of expected) expect(got.has(slot)).toBe(true);
    }
  });
});
