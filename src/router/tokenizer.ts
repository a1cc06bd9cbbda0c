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
 * Exact (up to chunk seams in runs longer than MAX_RUN_CHARS) when the encoder is loaded and
 * the text is at most EXACT_LIMIT_CHARS; estimated from samples above that; ~4 characters per
 * token before the encoder has loaded (and the load is started).
 */
export function countTextTokens(text: string): number {
  if (!count) {
    void loadTokenizer();
    return Math.ceil(text.length / 4);
  }
  return text.length > EXACT_LIMIT_CHARS
    ? estimateFromSamples(count, text)
    : countChunked(count, text);
}
