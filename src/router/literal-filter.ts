import { requiredLiterals } from './regex-literals.js';

/**
 * Skips regexes that cannot match a text: each pattern's required literals (regex-literals.ts)
 * are looked up as character trigrams in a bitmap of the text's trigrams, built once per text.
 * A literal none of whose trigrams is missing *may* occur; one with a missing trigram cannot.
 * Most of the router's 140 cues need a word the prompt does not have, and a regex scan of a
 * kilobyte costs about a microsecond each, the larger part of a classification.
 *
 * Exact by construction: the bitmap has no false negatives (hash collisions only let a regex
 * run that need not), and patterns without a known literal always run.
 */

const BITS = 1 << 16;

/** ASCII upper case folded to lower, as the required literals are (`/i` folds only ASCII). */
const fold = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);

const gram3 = (a: number, b: number, c: number): number =>
  (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 16;
const gram2 = (a: number, b: number): number =>
  (Math.imul(a, 0x27d4eb2f) ^ Math.imul(b, 0x165667b1)) >>> 16;

/**
 * The grams a literal needs: trigrams, or its one bigram (stored as `-1 - gram`) when it is two
 * characters long. Plain arrays: a typed array per literal made building the filter for ~300
 * literals cost a cold start ~2 ms.
 */
function gramsOf(literal: string): number[] | undefined {
  const n = literal.length;
  const code = (i: number): number => fold(literal.charCodeAt(i));
  if (n < 2) return undefined;
  if (n === 2) return [-1 - gram2(code(0), code(1))];
  const out: number[] = [];
  for (let i = 0; i + 3 <= n; i++) out.push(gram3(code(i), code(i + 1), code(i + 2)));
  return out;
}

/**
 * What a pattern needs: its key (flags and source) and the gram lists of its literals, or null
 * when it must always run. Worked out from the pattern, or taken from a table built ahead (the
 * bundles carry the cues', cue-needs.ts), which answers only for the pattern its key names.
 */
export type PatternNeeds = readonly [key: string, needs: readonly (readonly number[])[] | null];

// Non-ASCII spelled as \uXXXX, as the route bundle's build writes it (scripts/build.mjs), so
// `/修正/` and the bundle's `/\u4fee\u6b63/` have one key: the two match alike.
const keyOf = (re: RegExp): string =>
  `${re.flags}/${re.source.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;

export function patternNeeds(re: RegExp): PatternNeeds {
  const literals = requiredLiterals(re);
  const grams = literals?.length ? literals.map(gramsOf) : undefined;
  const known = grams?.every((g) => g !== undefined) ? (grams as number[][]) : null;
  return [keyOf(re), known];
}

export class LiteralFilter {
  /** Per pattern, the gram lists of its literals; undefined: always run. */
  private readonly needs: (readonly (readonly number[])[] | undefined)[];
  private readonly trigrams = new Int32Array(BITS / 32);
  private readonly bigrams = new Int32Array(BITS / 32);

  /** `built`: what `patternNeeds` gives for each pattern, in order, if worked out ahead. */
  constructor(patterns: readonly RegExp[], built?: readonly PatternNeeds[]) {
    this.needs = patterns.map((re, i) => {
      const ahead = built?.[i];
      const [, needs] = ahead && ahead[0] === keyOf(re) ? ahead : patternNeeds(re);
      return needs ?? undefined;
    });
  }

  /** Whether pattern `index` had literals to filter on (tests and the lexicon's checks). */
  filters(index: number): boolean {
    return this.needs[index] !== undefined;
  }

  /** Reads the text every following `mayMatch` answers for. */
  scan(text: string): void {
    const { trigrams, bigrams } = this;
    trigrams.fill(0);
    bigrams.fill(0);
    let a = 0;
    let b = text.length > 0 ? fold(text.charCodeAt(0)) : 0;
    for (let i = 1; i < text.length; i++) {
      const c = fold(text.charCodeAt(i));
      const g2 = gram2(b, c);
      bigrams[g2 >>> 5]! |= 1 << (g2 & 31);
      if (i >= 2) {
        const g3 = gram3(a, b, c);
        trigrams[g3 >>> 5]! |= 1 << (g3 & 31);
      }
      a = b;
      b = c;
    }
  }

  /** False only when pattern `index` cannot match the scanned text. */
  mayMatch(index: number): boolean {
    const needs = this.needs[index];
    if (needs === undefined) return true;
    for (const grams of needs) if (this.has(grams)) return true;
    return false;
  }

  private has(grams: readonly number[]): boolean {
    for (let i = 0; i < grams.length; i++) {
      const g = grams[i]!;
      const table = g < 0 ? this.bigrams : this.trigrams;
      const bit = g < 0 ? -1 - g : g;
      if ((table[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}
