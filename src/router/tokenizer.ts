/**
 * The BPE encoder is several megabytes of JavaScript: importing it eagerly put ~300 ms on the
 * path to the first frame. It loads in the background instead; until it is ready, counts are
 * estimated from length and never cached, so nothing stale outlives the load.
 */
type CountFn = (text: string) => number;

let count: CountFn | undefined;
let loading: Promise<void> | undefined;

export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer').then((module) => {
    count = module.countTokens;
  });
  return loading;
}

export function tokenizerReady(): boolean {
  return count !== undefined;
}

/** Exact when the encoder is loaded, else ~4 characters per token (and the load is started). */
export function countTextTokens(text: string): number {
  if (count) return count(text);
  void loadTokenizer();
  return Math.ceil(text.length / 4);
}
