/**
 * The literal strings a regex cannot match without: `/\bfix(es|ed)?\b/i` needs "fix",
 * `/(tests?|specs?)/` needs "test" or "spec". The cue prefilter (cue-filter.ts) skips a cue whose
 * text has none of them, which is most cues on most prompts.
 *
 * A small parser over the regex source, for the syntax the lexicon uses (groups, classes,
 * escapes, quantifiers, assertions and lookarounds). Anything it does not know makes the answer
 * `undefined` (run the regex always), so a wrong guess costs speed, never a missed cue.
 */

/** What one piece of a pattern requires: any match contains one of `anyOf`; undefined: unknown. */
type Need = readonly string[] | undefined;

interface Piece {
  /** A single literal character, joinable with its neighbours into a longer required string. */
  char?: string;
  /** Zero-width (`\b`, `^`, lookarounds): neither needs text nor separates its neighbours. */
  zeroWidth?: boolean;
  need: Need;
}

class Unsupported extends Error {}

const HEX_DIGITS = '0123456789abcdefABCDEF';
const isDigit = (s: string, i: number): boolean =>
  s[i] !== undefined && s[i]! >= '0' && s[i]! <= '9';

/** The best of several needs: the one whose shortest string is longest (the most selective). */
function best(needs: readonly Need[]): Need {
  let out: Need;
  let score = 0;
  for (const need of needs) {
    if (!need?.length) continue;
    const s = Math.min(...need.map((x) => x.length)) * 100 - need.length;
    if (s > score) [out, score] = [need, s];
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
  ) {}

  parse(): Need {
    const need = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported('unbalanced');
    return need;
  }

  private alternation(): Need {
    const alternatives: Need[] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alternatives.push(this.sequence());
    }
    if (alternatives.length === 1) return alternatives[0];
    // Every alternative must say what it needs, or the whole says nothing.
    if (alternatives.some((a) => !a?.length)) return undefined;
    // "test case" adds nothing to "test": a text with the first has the second.
    const all = [...new Set(alternatives.flatMap((a) => a!))];
    return all.filter((x) => !all.some((y) => y !== x && x.includes(y)));
  }

  private sequence(): Need {
    const needs: Need[] = [];
    let run = '';
    const endRun = () => {
      if (run.length) needs.push([run]);
      run = '';
    };
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const piece = this.quantified();
      if (piece.zeroWidth) continue;
      if (piece.char !== undefined) {
        run += piece.char;
        continue;
      }
      endRun();
      needs.push(piece.need);
    }
    endRun();
    return best(needs);
  }

  private quantified(): Piece {
    const atom = this.atom();
    const min = this.quantifier();
    if (min === undefined) return atom;
    if (atom.zeroWidth) return atom;
    // `x?` needs nothing; `x+` needs x but is no longer one joinable character.
    return { need: min === 0 ? undefined : (atom.need ?? (atom.char ? [atom.char] : undefined)) };
  }

  /** The quantifier's minimum, or undefined when the atom is not quantified. */
  private quantifier(): number | undefined {
    const c = this.src[this.i];
    let min: number | undefined;
    if (c === '?' || c === '*') min = 0;
    else if (c === '+') min = 1;
    else if (c === '{') {
      // `{n}`, `{n,}`, `{n,m}`; anything else is a literal `{`.
      let j = this.i + 1;
      while (isDigit(this.src, j)) j++;
      if (j === this.i + 1) return undefined;
      const digits = this.src.slice(this.i + 1, j);
      if (this.src[j] === ',') for (j++; isDigit(this.src, j);) j++;
      if (this.src[j] !== '}') return undefined;
      this.i = j;
      min = Number(digits);
    }
    if (min === undefined) return undefined;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy
    return min;
  }

  private atom(): Piece {
    const c = this.src[this.i++]!;
    if (c === '^' || c === '$') return { zeroWidth: true, need: undefined };
    if (c === '.') return { need: undefined };
    if (c === '[') {
      this.skipClass();
      return { need: undefined };
    }
    if (c === '(') return this.group();
    if (c === '\\') return this.escape();
    if (c === '*' || c === '+' || c === '?' || c === ')') throw new Unsupported(c);
    return this.literal(c);
  }

  private group(): Piece {
    let lookaround = false;
    if (this.src[this.i] === '?') {
      const kind = this.src[this.i + 1];
      const after = this.src[this.i + 2];
      if (kind === ':' || kind === '=' || kind === '!') {
        lookaround = kind !== ':';
        this.i += 2;
      } else if (kind === '<' && (after === '=' || after === '!')) {
        lookaround = true;
        this.i += 3;
      } else if (kind === '<') {
        const close = this.src.indexOf('>', this.i);
        if (close < 0) throw new Unsupported('group name');
        this.i = close + 1;
      } else throw new Unsupported('group');
    }
    const need = this.alternation();
    if (this.src[this.i++] !== ')') throw new Unsupported('unclosed group');
    // What a lookaround needs is not consumed, and a negative one needs its absence.
    return lookaround ? { zeroWidth: true, need: undefined } : { need };
  }

  private skipClass(): void {
    // In JavaScript `[]` is an empty class that ends at once (PCRE would read `]` as a member).
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      if (this.src[this.i] === '\\') this.i++;
      this.i++;
    }
    if (this.src[this.i++] !== ']') throw new Unsupported('unclosed class');
  }

  private escape(): Piece {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unsupported('trailing backslash');
    if (c === 'b' || c === 'B') return { zeroWidth: true, need: undefined };
    if ('dDwWsS'.includes(c)) return { need: undefined };
    // Back-references, named ones, Unicode properties, control characters: not parsed here.
    if (isDigit(c, 0) || 'kpPc'.includes(c)) throw new Unsupported(`\\${c}`);
    if (c === 'n') return this.literal('\n');
    if (c === 't') return this.literal('\t');
    if (c === 'r') return this.literal('\r');
    if (c === 'f' || c === 'v' || c === '0') return { need: undefined };
    if (c === 'x' || c === 'u') {
      const length = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + length);
      // Exactly that many hex digits: Number('0x1 ') is 1, but `\x1 ` is the letters "x1 ".
      if (hex.length !== length || [...hex].some((h) => !HEX_DIGITS.includes(h))) {
        throw new Unsupported(`\\${c}`);
      }
      this.i += length;
      return this.literal(String.fromCharCode(parseInt(hex, 16)));
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) throw new Unsupported(`\\${c}`);
    return this.literal(c);
  }

  private literal(c: string): Piece {
    if (!this.ignoreCase) return { char: c, need: [c] };
    const code = c.charCodeAt(0);
    if (code < 128) return { char: c.toLowerCase(), need: [c.toLowerCase()] };
    // Outside ASCII, `/i` folds letters with a case among themselves (É, é): not one literal.
    return c.toLowerCase() === c.toUpperCase() ? { char: c, need: [c] } : { need: undefined };
  }
}

/**
 * Strings at least one of which every match of `re` contains, ASCII letters lower-cased when the
 * regex ignores case; undefined when no such set is known (the regex must always run).
 */
export function requiredLiterals(re: RegExp): readonly string[] | undefined {
  // `u`/`v` change escapes and case folding; `/i` outside them folds ASCII only among ASCII.
  // A `g` or `y` regex carries `lastIndex` from one test to the next, which a skip would keep.
  if (/[uvgy]/.test(re.flags)) return undefined;
  try {
    return new Parser(re.source, re.ignoreCase).parse();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
