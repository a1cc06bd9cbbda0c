import type { SessionFacts } from './types.js';

/**
 * Features for the trained router, for English and Japanese without a tokenizer model: word
 * uni- and bigrams where there are spaces, character bi- and trigrams and one-script runs
 * (kanji compounds, katakana loanwords) where there are none,
 * word prefixes as a poor man's stemmer, and counts of the things a pasted prompt carries
 * (diff, stack trace, code blocks, file paths), bucketed. Every feature is hashed into `dim`
 * slots, so the model file has a fixed size whatever the vocabulary.
 */

/** What a prompt carries besides its words. */
export interface PromptShape {
  chars: number;
  lines: number;
  /** Changed lines of a unified diff; 0 when the prompt has no diff header or hunk. */
  diffLines: number;
  /** Frames of a stack trace (JS `at …`, Python `File "…"`, Go goroutines, Rust panics). */
  traceLines: number;
  /** Lines like `TypeError: x is not a function`. */
  errorLines: number;
  codeBlocks: number;
  /** Distinct source-file paths or names. */
  files: number;
  urls: number;
  /** Markdown bullet or numbered lines (a list is not a diff). */
  bullets: number;
  question: boolean;
  japanese: boolean;
}

export interface FeatureVector {
  /** Hashed slots, possibly repeated; the model sums over them. */
  index: Int32Array;
  value: Float32Array;
}

const DIFF_HEADER = /^(?:diff --git |@@ -\d|\+\+\+ [ab/]|--- a\/|index [0-9a-f]{7,}\.\.)/m;
const DIFF_CHANGE = /^[+-](?![+-]{2}\s)/;
const DIFF_HEADER_LINE = /^(?:diff --git |@@ .* @@|\+\+\+ |--- a\/|index [0-9a-f]{7,}\.\.)/;
const DIFF_ADDED = /^\+(?!\+)\S?.*\S/m;
const TRACE_FRAME =
  /^\s+at .+(?:\(.+:\d+(?::\d+)?\)|:\d+:\d+)\s*$|^\s*File ".+", line \d+|^goroutine \d+ \[|panicked at|^\s+at [\w.$]+\([\w.]+\.(?:java|kt):\d+\)|^Traceback \(most recent call last\)/;
const ERROR_LINE =
  /\b[A-Z]\w*(?:Error|Exception|Panic)\b[:!]|^(?:error|fatal|panic)(?:\[\w+\])?:/im;
const FILE_PATH =
  /(?:^|[\s`'"(])((?:[\w.@-]+\/)*[\w.-]+\.(?:tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|swift|rb|php|c|cc|cpp|h|hpp|cs|md|json|ya?ml|toml|sql|sh|css|scss|html|vue|svelte|lock|env|gradle|xml|ini|cfg|conf|dockerfile))\b/gi;
/** FILE_PATH's extension alone: a prompt without one is spared the path regex's scan. */
const FILE_PATH_EXTENSION =
  /\.(?:tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|swift|rb|php|c|cc|cpp|h|hpp|cs|md|json|ya?ml|toml|sql|sh|css|scss|html|vue|svelte|lock|env|gradle|xml|ini|cfg|conf|dockerfile)\b/i;
const URL = /https?:\/\/\S+/g;
const BULLET = /^\s*(?:[-*•・]|\d+[.)])\s+\S/;
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;
const QUESTION =
  /[?？]\s*$|^(?:how|what|which|why|when|where|is|are|can|could|should|does|do|would)\b|(?:ですか|ますか|でしょうか|かな|べき|どう)[。？?]?\s*$/im;

/** The head of a huge paste says what is wanted; 200 KB of log is noise for a classifier. */
export function headOf(prompt: string, head = 3000, tail = 1000): string {
  return prompt.length > head + tail ? `${prompt.slice(0, head)}\n${prompt.slice(-tail)}` : prompt;
}

/** Counts what the prompt carries. Pure and linear in the prompt's length. */
/**
 * A prompt carries a diff when it has a diff header or hunk, or an added line: `+` opens no
 * markdown list in practice, while `- ` does, so `-` lines alone are a list.
 */
function hasDiff(text: string): boolean {
  return DIFF_HEADER.test(text) || DIFF_ADDED.test(text);
}

export function promptShape(prompt: string): PromptShape {
  const text = headOf(prompt, 12_000, 2000);
  const hasDiffHeader = hasDiff(text);
  let diffLines = 0;
  let traceLines = 0;
  let bullets = 0;
  let codeBlocks = 0;
  let lines = 0;
  let errorLines = 0;
  for (const line of text.split('\n')) {
    lines++;
    if (line.startsWith('```')) codeBlocks++;
    if (hasDiffHeader && DIFF_CHANGE.test(line)) diffLines++;
    else if (BULLET.test(line)) bullets++;
    if (TRACE_FRAME.test(line)) traceLines++;
    // Both of ERROR_LINE's forms end in ':' or '!': most lines are ruled out without the regex.
    if ((line.includes(':') || line.includes('!')) && ERROR_LINE.test(line)) errorLines++;
  }
  const files = new Set<string>();
  if (FILE_PATH_EXTENSION.test(text)) {
    for (const m of text.matchAll(FILE_PATH)) files.add(m[1]!.toLowerCase());
  }
  return {
    chars: prompt.length,
    lines,
    diffLines,
    traceLines,
    errorLines,
    codeBlocks: Math.floor(codeBlocks / 2),
    files: files.size,
    urls: text.match(URL)?.length ?? 0,
    bullets,
    question: QUESTION.test(text.slice(0, 600)) || QUESTION.test(text.slice(-200)),
    japanese: JAPANESE.test(text),
  };
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over `s[from..to)`, continuing from state `h`: hash(a + b) = fnv(fnv(offset, a), b). */
function fnv(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** FNV-1a, 32 bits: fast, stable across runs and platforms, good enough spread for hashing. */
export function hash(s: string): number {
  return fnv(FNV_OFFSET, s, 0, s.length) >>> 0;
}

/** A feature family (`w:`, `c2:` …) with its hash state, so a feature is hashed without a string. */
interface Prefix {
  readonly name: string;
  readonly state: number;
}
const prefix = (name: string): Prefix => ({ name, state: fnv(FNV_OFFSET, name, 0, name.length) });
/** Receives one feature: the name `prefix.name + s.slice(from, to) + (end ?? '')`. */
type Emit = (prefix: Prefix, s: string, from: number, to: number, end?: string) => void;

function namesOf(each: (emit: Emit) => void): string[] {
  const out: string[] = [];
  each((p, s, from, to, end) => out.push(p.name + s.slice(from, to) + (end ?? '')));
  return out;
}

/**
 * The prefix `b:<word> ` of the bigram a word opens. Its name is only read when feature names
 * are listed (tests, debugging); building it for every word was a tenth of featurizing.
 */
class BigramPrefix implements Prefix {
  readonly state: number;
  constructor(
    private readonly b: Prefix,
    private readonly s: string,
    private readonly from: number,
    private readonly to: number,
  ) {
    this.state = fnv(fnv(b.state, s, from, to), ' ', 0, 1);
  }
  get name(): string {
    return `${this.b.name}${this.s.slice(this.from, this.to)} `;
  }
}
const bigramPrefix = (b: Prefix, s: string, from: number, to: number): Prefix =>
  new BigramPrefix(b, s, from, to);

/** The prefixes of the text features: one family for the whole prose, one for its ask. */
interface TextFamily {
  readonly c1: Prefix;
  readonly c2: Prefix;
  readonly c3: Prefix;
  readonly w: Prefix;
  readonly jw: Prefix;
  readonly p: Prefix;
  readonly b: Prefix;
  // Boundary grams (`^x`): the marker joins the family's prefix instead of a new string.
  readonly c2Start: Prefix;
  readonly c3Start: Prefix;
  readonly first: readonly Prefix[];
  /** The bigram a prompt's first word closes: `b:^ <word>`. */
  readonly bigramStart: Prefix;
}
function textFamily(tag: string): TextFamily {
  const b = prefix(`${tag}b:`);
  return {
    c1: prefix(`${tag}c1:`),
    c2: prefix(`${tag}c2:`),
    c3: prefix(`${tag}c3:`),
    w: prefix(`${tag}w:`),
    jw: prefix(`${tag}jw:`),
    p: prefix(`${tag}p:`),
    b,
    c2Start: prefix(`${tag}c2:^`),
    c3Start: prefix(`${tag}c3:^`),
    first: [prefix(`${tag}first0:`), prefix(`${tag}first1:`)],
    bigramStart: bigramPrefix(b, '^', 0, 1),
  };
}
const P = {
  e4: prefix('e4:'),
  e4Start: prefix('e4: '),
  none: prefix(''),
};

const PROSE = textFamily('');
/** The ask's features: the same kinds, apart from the prose's (`aw:use`, `ab:null check`). */
const ASK = textFamily('a');

/** Size buckets for counts: 0, 1, 2–3, 4–9, 10–29, 30–99, 100+. */
export function bucket(n: number): number {
  if (n <= 0) return 0;
  if (n === 1) return 1;
  if (n < 4) return 2;
  if (n < 10) return 3;
  if (n < 30) return 4;
  if (n < 100) return 5;
  return 6;
}

/** Length buckets in characters: a one-liner, a sentence, a paragraph, a page, a paste. */
export function lengthBucket(chars: number): number {
  return chars < 40
    ? 0
    : chars < 100
      ? 1
      : chars < 250
        ? 2
        : chars < 600
          ? 3
          : chars < 2000
            ? 4
            : chars < 8000
              ? 5
              : 6;
}

/**
 * The words of a prompt: diff, trace and fenced code lines are dropped (the shape counts
 * them), full-width forms folded (NFKC), numbers collapsed to 0.
 */
export function proseOf(prompt: string): string {
  const text = headOf(prompt);
  const hasDiffHeader = hasDiff(text);
  const kept: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      inFence = !inFence;
      continue;
    }
    if (inFence || TRACE_FRAME.test(line) || DIFF_HEADER_LINE.test(line)) continue;
    if (hasDiffHeader && DIFF_CHANGE.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').normalize('NFKC').toLowerCase().replace(/\d+/g, '0');
}

/** Kana, kanji and the long-vowel mark: `[\u3040-\u30ff\u3400-\u9fff]`. */
function isCjk(code: number): boolean {
  return (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff);
}
/** `[a-z0-9_]` */
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}

/** Script of a Japanese character: 0 kanji, 1 katakana, 2 hiragana. */
function scriptOf(code: number): number {
  if (code >= 0x30a0 && code <= 0x30ff) return 1;
  if (code >= 0x3040 && code <= 0x309f) return 2;
  return 0;
}

/**
 * Runs of one script stand in for words: kanji compounds (修正, 原因, 比較) and katakana
 * loanwords (リファクタリング, レビュー) are where Japanese requests carry their meaning, and a
 * change of script is where a word usually ends — a segmenter's first rule, with no dictionary.
 */
function emitScriptRuns(s: string, from: number, to: number, emit: Emit, f: TextFamily): void {
  let start = from;
  for (let i = from + 1; i <= to; i++) {
    if (i < to && scriptOf(s.charCodeAt(i)) === scriptOf(s.charCodeAt(start))) continue;
    if (i - start >= 2 && scriptOf(s.charCodeAt(start)) !== 2) emit(f.jw, s, start, i);
    start = i;
  }
}

/**
 * Japanese has no spaces: character uni-, bi- and trigrams of the run `^tok$` stand in for
 * words, `^`/`$` marking its ends.
 */
function emitCjkRun(s: string, from: number, to: number, emit: Emit, f: TextFamily): void {
  for (let i = from; i < to; i++) emit(f.c1, s, i, i + 1);
  emit(f.c2Start, s, from, from + 1);
  for (let i = from; i + 2 <= to; i++) emit(f.c2, s, i, i + 2);
  emit(f.c2, s, to - 1, to, '$');
  if (to - from === 1) emit(f.c3Start, s, from, to, '$');
  else {
    emit(f.c3Start, s, from, from + 2);
    for (let i = from; i + 3 <= to; i++) emit(f.c3, s, i, i + 3);
    emit(f.c3, s, to - 2, to, '$');
  }
  emitScriptRuns(s, from, to, emit, f);
}

/**
 * Tokens `[a-z0-9_][a-z0-9_'-]*` (trailing quotes dropped) and runs of kana and kanji, scanned
 * by hand: a regex iterator allocates a match per token, and this runs on every keystroke's
 * classification.
 */
function emitText(prose: string, emit: Emit, f: TextFamily = PROSE): void {
  let prev = f.bigramStart;
  let words = 0;
  const n = prose.length;
  let i = 0;
  while (i < n) {
    const code = prose.charCodeAt(i);
    if (isCjk(code)) {
      let end = i + 1;
      while (end < n && isCjk(prose.charCodeAt(end))) end++;
      emitCjkRun(prose, i, end, emit, f);
      prev = f.bigramStart;
      i = end;
      continue;
    }
    if (!isWordChar(code)) {
      i++;
      continue;
    }
    let end = i + 1;
    for (let c = prose.charCodeAt(end); end < n; c = prose.charCodeAt(++end)) {
      if (!isWordChar(c) && c !== 39 /* ' */ && c !== 45 /* - */) break;
    }
    let to = end;
    while (prose.charCodeAt(to - 1) === 39) to--;
    emit(f.w, prose, i, to);
    if (to - i > 5) emit(f.p, prose, i, i + 5);
    emit(prev, prose, i, to);
    if (words < 2) emit(f.first[words]!, prose, i, to);
    prev = bigramPrefix(f.b, prose, i, to);
    words++;
    i = end;
  }
}

/** Feature names for the prompt's text, before hashing (exported for tests and debugging). */
export function textFeatures(prose: string): string[] {
  return namesOf((emit) => emitText(prose, emit));
}

/**
 * Lines that report rather than ask: error messages, log and shell lines, code and markup
 * (trace frames, diffs and fenced code are already out of the prose).
 */
const REPORT_LINE = /^(?:[\w.]*(?:error|exception|panic|warning)(?:\[\w+\])?:|at |[[{<>#$]|\/\/)/;
/** Sentence ends: `.`/`!`/`?` before a space (not `config.json`), or a Japanese full stop. */
const SENTENCE_END = /(?<=[.!?])\s+|(?<=[。！？])/;
const HAS_WORD = /[a-z\u3040-\u9fff]/;

/**
 * The request's ask: the last sentence of its last line that is not a pasted report ("… wrap
 * the index with modulo.", 「nil チェックを入れて直して」), with the one before it when it is a
 * few words ("Add a null check there."). A pasted symptom weighs on every n-gram of the prose,
 * while the ask says what is to be done: a fix already spelled out, or a cause to be found.
 * Empty for a one-sentence prompt, which is its own ask.
 */
export function askOf(prose: string): string {
  let end = prose.length;
  let line = '';
  let lines = 0;
  while (end > 0) {
    const start = prose.lastIndexOf('\n', end - 1) + 1;
    const candidate = prose.slice(start, end).trim();
    end = start - 1;
    if (!candidate || REPORT_LINE.test(candidate)) continue;
    if (!line) line = candidate;
    if (++lines > 1) break;
  }
  const sentences = line.split(SENTENCE_END).filter((part) => HAS_WORD.test(part));
  if (lines < 2 && sentences.length < 2) return '';
  const last = sentences.at(-1) ?? '';
  return last.length < 25 && sentences.length > 1 ? `${sentences.at(-2)} ${last}` : last;
}

/** Feature names for the prompt's ask (exported for tests and debugging). */
export function askFeatures(prose: string): string[] {
  const ask = askOf(prose);
  return namesOf((emit) => emitText(ask, emit, ASK));
}

/** Feature names for the prompt's shape and the session facts. */
export function shapeFeatures(shape: PromptShape, facts: SessionFacts = {}): string[] {
  const diff = facts.diffLines ?? shape.diffLines;
  const trace = facts.hasStackTrace ? Math.max(shape.traceLines, 3) : shape.traceLines;
  const files = Math.max(shape.files, facts.filesNamed?.length ?? 0);
  const out = [
    `len:${lengthBucket(shape.chars)}`,
    `lines:${bucket(shape.lines)}`,
    `diff:${bucket(diff)}`,
    `trace:${bucket(trace)}`,
    `err:${bucket(shape.errorLines)}`,
    `code:${bucket(shape.codeBlocks)}`,
    `files:${bucket(files)}`,
    `urls:${bucket(shape.urls)}`,
    `bullets:${bucket(shape.bullets)}`,
    `q:${shape.question ? 1 : 0}`,
    `lang:${shape.japanese ? 'ja' : 'en'}`,
    `len×q:${lengthBucket(shape.chars)}:${shape.question ? 1 : 0}`,
  ];
  if (diff > 0 && trace > 0) out.push('diff&trace');
  if (facts.followUpOfFailure) out.push('follow-up-of-failure');
  return out;
}

/** Relative weight of each feature group after per-group L2 normalisation. */
export const GROUP_WEIGHT = { text: 1, chars: 0.7, shape: 0.6, rules: 0.6, ask: 1 };

/** Words `[a-z][a-z0-9_]{2,}` as ` word `, cut into 4-grams (scanned by hand, as in emitText). */
function emitWordChars(prose: string, emit: Emit): void {
  const n = prose.length;
  let i = 0;
  while (i < n) {
    const code = prose.charCodeAt(i);
    if (code < 97 || code > 122) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < n && isWordChar(prose.charCodeAt(end))) end++;
    if (end - i < 3) {
      i++;
      continue;
    }
    emit(P.e4Start, prose, i, i + 3);
    for (let j = i; j + 4 <= end; j++) emit(P.e4, prose, j, j + 4);
    emit(P.e4, prose, end - 3, end, ' ');
    i = end;
  }
}

/** Character 4-grams inside English words: spelling variants and inflections share slots. */
export function wordCharFeatures(prose: string): string[] {
  return namesOf((emit) => emitWordChars(prose, emit));
}

const emitNames =
  (names: readonly string[]) =>
  (emit: Emit): void => {
    for (const name of names) emit(P.none, name, 0, name.length);
  };

/**
 * Per-dimension scratch arrays, reused across calls: a prompt touches a few hundred of the 8,192
 * slots, and resetting only those keeps featurizing free of Map overhead (about half the cost
 * of a classification before).
 */
interface Scratch {
  dim: number;
  /** This group's counts (then values), zero outside `groupSlots[0..groupN)`. */
  group: Float64Array;
  groupSlots: Int32Array;
  /** The vector so far, zero outside `slots[0..n)`; slots in first-touched order. */
  all: Float64Array;
  slots: Int32Array;
  n: number;
}
let scratch: Scratch | undefined;
function scratchFor(dim: number): Scratch {
  if (scratch?.dim !== dim) {
    scratch = {
      dim,
      group: new Float64Array(dim),
      groupSlots: new Int32Array(dim),
      all: new Float64Array(dim),
      slots: new Int32Array(dim),
      n: 0,
    };
  }
  return scratch;
}

/** Adds one feature group: counts per slot, sublinear or binary, L2-normalised to `weight`. */
function addGroup(
  each: (emit: Emit) => void,
  weight: number,
  s: Scratch,
  sublinear: boolean,
): void {
  const { group, groupSlots, all, slots, dim } = s;
  // `% dim` of an unsigned 32-bit hash is a float division; a power of two is a mask.
  const mask = (dim & (dim - 1)) === 0 ? dim - 1 : -1;
  let groupN = 0;
  each((p, str, from, to, end) => {
    let h = fnv(p.state, str, from, to);
    if (end !== undefined) h = fnv(h, end, 0, end.length);
    const slot = mask >= 0 ? h & mask : (h >>> 0) % dim;
    if (group[slot] === 0) groupSlots[groupN++] = slot;
    group[slot]! += 1;
  });
  let norm = 0;
  for (let i = 0; i < groupN; i++) {
    const slot = groupSlots[i]!;
    const v = sublinear ? 1 + Math.log(group[slot]!) : 1;
    group[slot] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? weight / Math.sqrt(norm) : 0;
  for (let i = 0; i < groupN; i++) {
    const slot = groupSlots[i]!;
    if (all[slot] === 0) slots[s.n++] = slot;
    all[slot]! += group[slot]! * scale;
    group[slot] = 0;
  }
}

/**
 * The hashed feature vector of a prompt. `ruleSignals` are the rule classifier's verdict and
 * cues (e.g. `rule:debug`, `en:refactor`): hand-written knowledge the model may weigh.
 */
export function featurize(
  prompt: string,
  dim: number,
  facts: SessionFacts = {},
  ruleSignals: readonly string[] = [],
  shape: PromptShape = promptShape(prompt),
): FeatureVector {
  const s = scratchFor(dim);
  s.n = 0;
  const prose = proseOf(prompt);
  addGroup((emit) => emitText(prose, emit), GROUP_WEIGHT.text, s, true);
  if (GROUP_WEIGHT.chars > 0) {
    addGroup((emit) => emitWordChars(prose, emit), GROUP_WEIGHT.chars, s, true);
  }
  addGroup(emitNames(shapeFeatures(shape, facts)), GROUP_WEIGHT.shape, s, false);
  const ask = askOf(prose);
  if (ask) addGroup((emit) => emitText(ask, emit, ASK), GROUP_WEIGHT.ask, s, true);
  if (ruleSignals.length && GROUP_WEIGHT.rules > 0) {
    addGroup(emitNames(ruleSignals), GROUP_WEIGHT.rules, s, false);
  }
  const index = s.slots.slice(0, s.n);
  const value = new Float32Array(s.n);
  for (let i = 0; i < s.n; i++) {
    const slot = index[i]!;
    value[i] = s.all[slot]!;
    s.all[slot] = 0;
  }
  return { index, value };
}
