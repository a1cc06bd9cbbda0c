/**
 * The BPE encoder is several megabytes of JavaScript: importing it eagerly put ~300 ms on the
 * path to the first frame. It loads in the background instead; until it is ready, counts are
 * estimated from length and never cached, so nothing stale outlives the load.
 *
 * BPE merges within one pre-token cost time quadratic in its length, and a run of letters
 * without a space is one pre-token: a 100 KB single-line paste took 38 s and froze the app.
 * So text is counted in chunks that hold no unbroken run longer than MAX_RUN_CHARS, and text
 * beyond EXACT_LIMIT_CHARS is estimated from evenly spread samples: the time to count any
 * string is bounded and linear.
 */
type CountFn = (text: string) => number;

let count: CountFn | undefined;
let loading: Promise<void> | undefined;
/** Set by a one-shot command that must not pay for the encoder (encoderOff). */
let encoderOff = false;

// Measured with gpt-tokenizer (o200k) on this machine: random letters cost ~7 ms per KB
// whatever the run length once runs are short (16–256 chars; a 16 KB run is 80 ms/KB, the
// quadratic part), prose ~0.2 ms per KB. Cutting runs at 64 chars changed counts by 0.5 %.
/** Longest run without whitespace handed to the encoder in one piece. */
export const MAX_RUN_CHARS = 64;
/** Longest chunk handed to the encoder. */
export const MAX_CHUNK_CHARS = 4096;
/** Above this the count is estimated from samples: at worst ~230 ms of exact counting. */
export const EXACT_LIMIT_CHARS = 32 * 1024;
const SAMPLES = 16;
const SAMPLE_CHARS = 2 * 1024;

/**
 * For a one-shot command whose answer is worth less than the encoder's load (`kirikae route`
 * spent ~0.4 s of a ~1 s cold start importing and building it): counts stay estimates
 * (estimateTokens) and nothing starts loading the encoder behind the caller's back. An explicit
 * loadTokenizer() still loads it.
 */
export function keepEncoderOff(): void {
  encoderOff = true;
}

export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer').then((module) => {
    count = module.countTokens;
  });
  return loading;
}

export function tokenizerReady(): boolean {
  return count !== undefined;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000;
}

/** A cut must not split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
}

/**
 * Cuts `text` into pieces the encoder handles in linear total time: no piece longer than
 * `maxChunk`, none with an unbroken run longer than `maxRun`. Chunks end just before a
 * whitespace character where possible, which is where the encoder's own pre-tokenizer would
 * split, so ordinary text counts the same as in one piece.
 */
export function tokenChunks(
  text: string,
  maxChunk = MAX_CHUNK_CHARS,
  maxRun = MAX_RUN_CHARS,
): string[] {
  const chunks: string[] = [];
  let start = 0;
  let runStart = 0;
  let lastSpace = -1;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      lastSpace = i;
      runStart = i + 1;
      continue;
    }
    if (i - runStart >= maxRun) {
      const cut = safeCut(text, i);
      if (cut > start) chunks.push(text.slice(start, cut));
      start = runStart = cut;
      i = cut;
      continue;
    }
    if (i - start >= maxChunk) {
      const cut = lastSpace > start ? lastSpace : safeCut(text, i);
      chunks.push(text.slice(start, cut));
      start = cut;
    }
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

function countChunked(fn: CountFn, text: string): number {
  if (text.length <= MAX_RUN_CHARS) return fn(text);
  let n = 0;
  for (const chunk of tokenChunks(text)) n += fn(chunk);
  return n;
}

/** Tokens per character measured on evenly spread samples, times the length. */
function estimateFromSamples(fn: CountFn, text: string): number {
  let chars = 0;
  let tokens = 0;
  const step = (text.length - SAMPLE_CHARS) / (SAMPLES - 1);
  for (let k = 0; k < SAMPLES; k++) {
    const from = Math.floor(k * step);
    const piece = text.slice(from, from + SAMPLE_CHARS);
    chars += piece.length;
    tokens += countChunked(fn, piece);
  }
  return Math.round((tokens / chars) * text.length);
}

/**
 * Tokens per character class, o200k, fitted by least squares (weighted 1/count) on 1,000 pieces
 * of this repository's code, docs and the router corpus's English and Japanese prompts, and
 * checked on 1,000 others: totals within 2 % on each kind, median error per piece 3 % (code) to
 * 6 % (Japanese), where 4 characters per token was 12 % high on English prose and 2× low on
 * Japanese. `word` is per run of ASCII letters (a word is one token or a few, whatever its
 * length), `letter` per letter on top; a newline usually is a token of its own, a space is
 * mostly merged into the next word. In the order of the class indices below.
 */
const PER_CLASS = [0.0667, 0.7309, 1.1608, 0.0679, 1.1784, 0.5101, 0.7741, 0.1833];
const [LETTER, WORD, DIGIT, SPACE, NEWLINE, PUNCT, CJK, OTHER] = [0, 1, 2, 3, 4, 5, 6, 7];

function classOf(c: number): number {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return LETTER;
  if (c >= 48 && c <= 57) return DIGIT;
  if (c === 32 || c === 9) return SPACE;
  if (c === 10 || c === 13) return NEWLINE;
  if (c < 128) return PUNCT;
  if ((c >= 0x3000 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xff00 && c <= 0xffef))
    return CJK;
  return OTHER;
}

/** An estimate of the o200k count without the encoder: one pass over the characters. */
export function estimateTokens(text: string): number {
  const n = new Float64Array(PER_CLASS.length);
  let previous = -1;
  for (let i = 0; i < text.length; i++) {
    const k = classOf(text.charCodeAt(i));
    n[k]!++;
    if (k === LETTER && previous !== LETTER) n[WORD]!++;
    previous = k;
  }
  let tokens = 0;
  for (let k = 0; k < n.length; k++) tokens += n[k]! * PER_CLASS[k]!;
  return Math.ceil(tokens);
}

/**
 * Exact (up to chunk seams in runs longer than MAX_RUN_CHARS) when the encoder is loaded and
 * the text is at most EXACT_LIMIT_CHARS; estimated from samples above that; estimateTokens
 * before the encoder has loaded (and the load is started, unless keepEncoderOff).
 */
export function countTextTokens(text: string): number {
  if (!count) {
    if (!encoderOff) void loadTokenizer();
    return estimateTokens(text);
  }
  return text.length > EXACT_LIMIT_CHARS
    ? estimateFromSamples(count, text)
    : countChunked(count, text);
}
