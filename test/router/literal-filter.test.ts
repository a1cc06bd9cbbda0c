import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../scripts/router/corpus.js';
import { CUES } from '../../src/router/lexicon.js';
import { LiteralFilter, patternNeeds } from '../../src/router/literal-filter.js';
import { requiredLiterals } from '../../src/router/regex-literals.js';
import { classifyRules, cueText } from '../../src/router/rules.js';
import { LABELLED } from './labelled.js';

describe('requiredLiterals', () => {
  it.each([
    [/\bfix(es|ed|ing)?\b/i, ['fix']],
    [/\b(tests?|specs?|test cases?|coverage)\b/i, ['test', 'spec', 'coverage']],
    // The longest required piece wins: "readme" over the verbs before it.
    [/\b(write|add) (\w+ ){0,3}(readme|docs)\b/i, ['readme', 'docs']],
    [/\bREADME\b/i, ['readme']],
    [/\bREADME\b/, ['README']],
    [/console\.logs?/, ['console.log']],
    [/a{2,3}bcd/, ['bcd']],
    [/x+yz/, ['yz']],
    [/(?:foo|bar)baz/, ['baz']],
    [/(?<kind>foo|bar)/, ['foo', 'bar']],
    [/追加して|作って|新しい(機能|画面)/, ['追加して', '作って', '新しい']],
    [/とは[？?]?$|って何/, ['とは', 'って何']],
    [/\u30c6\x41st/, ['\u30c6Ast']],
    // Lookarounds consume nothing, and a negative one needs an absence.
    [/(?<!un)known(?= issue)/, ['known']],
    [/^\s*(hi|hello)[\s!.]*$/i, ['hi', 'hello']],
  ])('%s needs one of %j', (re, want) => {
    expect(requiredLiterals(re)).toEqual(want);
  });

  // Found by review: each of these once gave a literal that a match need not contain.
  it.each([
    [new RegExp('ab\\x1 cd'), 'abx1 cd'], // `\x` without two hex digits is the letter x
    [new RegExp(`ab\\u12${'  '}cd`), 'abu12  cd'], // Number('0x12  ') is 18
    [new RegExp('[]|ab|]cd'), 'ab'], // `[]` is an empty class in JavaScript, not one holding `]`
    [new RegExp('[]|xyz|]cde'), 'xyz'],
  ])('%s matches %j, and its literals say it may', (re, text) => {
    expect(re.test(text)).toBe(true);
    const filter = new LiteralFilter([re]);
    filter.scan(text);
    expect(filter.mayMatch(0)).toBe(true);
  });

  it('leaves a global or sticky regex always running (a skip would keep its lastIndex)', () => {
    expect(requiredLiterals(/foo/g)).toBeUndefined();
    expect(requiredLiterals(/foo/y)).toBeUndefined();
  });

  it.each([
    /\w+\s\d+/, // classes only
    /(foo|\d+)/, // an alternative with no literal
    /(a)\1/, // back-reference
    /\p{L}/u, // Unicode mode folds differently
    /é/i, // non-ASCII with a case
    /a?/,
  ])('%s has no required literal', (re) => {
    expect(requiredLiterals(re)).toBeUndefined();
  });

  // A random pattern from the lexicon's syntax and a string built to match it: whatever the
  // pattern matches must contain one of its literals. Seeded, so a failure reproduces.
  it('holds for 3,000 random patterns and strings that match them', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const words = ['fix', 'Bug', 'test', 'readme', 'a', 'é', '修正', 'バグ', 'x.y', 'a-b'];
    const esc = (w: string) => w.replace(/[.-]/g, (c) => `\\${c}`);
    // Each node renders as [source, a string it matches].
    const node = (depth: number): [string, string] => {
      const k = rand(depth > 2 ? 4 : 8);
      if (k <= 1) {
        const w = pick(words);
        return [esc(w), w];
      }
      if (k === 2)
        return pick<[string, string]>([
          ['\\w', 'q'],
          ['\\d', '7'],
          ['[a-z]', 'k'],
          ['(?:[]|k)', 'k'],
          ['[\\]x]', ']'],
          ['.', ' '],
          [' ', ' '],
        ]);
      if (k === 3)
        return pick<[string, string]>([
          ['\\b', ''],
          ['(?=x)', ''],
          // Lookarounds whose literal a match never contains: they must not be required.
          ['(?!zqz)', ''],
          ['(?<!zqz)', ''],
          ['(?:(?!zqz)|(?<!qzq))', ''],
        ]);
      if (k === 4) {
        const n = 1 + rand(3);
        const parts = Array.from({ length: n }, () => node(depth + 1));
        const chosen = parts[rand(n)]!;
        return [`(${pick(['', '?:'])}${parts.map((p) => p[0]).join('|')})`, chosen[1]];
      }
      if (k === 5) {
        const [src, s] = node(depth + 1);
        const q = pick(['?', '*', '+', '{2}', '{1,3}', '{0,2}']);
        const times = q === '?' || q === '*' || q === '{0,2}' ? rand(2) : q === '{2}' ? 2 : 1;
        return [`(?:${src})${q}`, s.repeat(times)];
      }
      const parts = Array.from({ length: 2 + rand(3) }, () => node(depth + 1));
      return [parts.map((p) => p[0]).join(''), parts.map((p) => p[1]).join('')];
    };
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const [source, sample] = node(0);
      const flags = pick(['', 'i']);
      const re = new RegExp(source, flags);
      const text = flags === 'i' && rand(2) ? sample.toUpperCase() : sample;
      const m = re.exec(`${pick(['', ' ', 'zz '])}${text}${pick(['', ' ', ' zz'])}`);
      const literals = requiredLiterals(re);
      if (!m || !literals) continue;
      const fold = (s: string) => (flags === 'i' ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
      expect(
        literals.some((l) => fold(m[0]).includes(l)),
        `${re} on ${m[0]}`,
      ).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('the cues prefilter', () => {
  const filter = new LiteralFilter(CUES.map((c) => c.re));
  const texts = [...loadExamples().map((e) => e.text ?? ''), ...LABELLED.map((l) => l.prompt)];

  it('knows a required literal for every cue (or it saves nothing)', () => {
    expect(CUES.filter((_, i) => !filter.filters(i)).map((c) => c.signal)).toEqual([]);
  });

  // The filter must never drop a match: every cue on every corpus prompt, as typed, upper-cased
  // and with its case flipped at random, and on the cue text the rules scan.
  it('never skips a cue that matches', () => {
    let flip = 1;
    const variants = texts.flatMap((t) => [
      t,
      cueText(t),
      t.toUpperCase(),
      t.replace(/[a-z]/gi, (c) => ((flip = (flip * 5) % 7) > 3 ? c.toUpperCase() : c)),
    ]);
    const missed = new Set<string>();
    let matches = 0;
    for (const text of variants) {
      filter.scan(text);
      CUES.forEach((cue, i) => {
        if (!cue.re.test(text)) return;
        matches++;
        if (!filter.mayMatch(i)) missed.add(cue.signal);
      });
    }
    expect([...missed]).toEqual([]);
    expect(matches).toBeGreaterThan(5000);
  });

  it('skips most cues on a typical prompt', () => {
    filter.scan(cueText(texts[0]!));
    const run = CUES.filter((_, i) => filter.mayMatch(i)).length;
    expect(run).toBeLessThan(CUES.length / 4);
  });

  it('gives the rules the signals of a scan of every cue', () => {
    for (const p of texts) {
      const signals = CUES.filter((c) => c.re.test(cueText(p))).map((c) => c.signal);
      const got = classifyRules(p).signals.filter((s) => /^(en|ja):/.test(s));
      expect(got, p.slice(0, 80)).toEqual([...new Set(signals)]);
    }
  });
});

describe('the cue table the build works out ahead (cue-needs.ts)', () => {
  const texts = [...loadExamples().map((e) => e.text ?? ''), ...LABELLED.map((l) => l.prompt)];
  // The route bundle spells non-ASCII as \uXXXX (scripts/build.mjs), so its regexes' sources
  // differ from the ones the table was built from.
  const asBuilt = (re: RegExp) =>
    new RegExp(
      re.source.replace(
        /[\u0080-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
      re.flags,
    );

  it('answers for every cue as the bundle spells it, so no pattern is parsed at start', () => {
    const table = CUES.map((c) => patternNeeds(c.re));
    // Needs that no text meets: a pattern the table answers for never runs.
    const never = table.map(([key]) => [key, [[1, 2, 3]]] as const);
    const built = CUES.map((c) => asBuilt(c.re));
    expect(built.some((re, i) => re.source !== CUES[i]!.re.source)).toBe(true);
    const filter = new LiteralFilter(built, never);
    filter.scan('');
    for (let i = 0; i < CUES.length; i++) {
      expect(filter.filters(i)).toBe(true);
      expect(filter.mayMatch(i)).toBe(false);
    }
    // And what it answers is what parsing gives.
    const fresh = new LiteralFilter(built);
    const ahead = new LiteralFilter(built, table);
    for (const text of texts.slice(0, 300)) {
      fresh.scan(text);
      ahead.scan(text);
      for (let i = 0; i < CUES.length; i++) expect(ahead.mayMatch(i)).toBe(fresh.mayMatch(i));
    }
  });

  it('an entry for another pattern is not used: the pattern is parsed', () => {
    const table = [patternNeeds(/\bfix\b/i)];
    const filter = new LiteralFilter([/\breadme\b/i], table);
    filter.scan('update the README');
    expect(filter.mayMatch(0)).toBe(true);
    filter.scan('fix it');
    expect(filter.mayMatch(0)).toBe(false);
  });
});
