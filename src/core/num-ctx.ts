/**
 * Context sizes a local model is loaded with. Few and stable on purpose: Ollama reloads a model
 * whenever num_ctx changes, so every part of kirikae must round to the same buckets.
 */
export const NUM_CTX_BUCKETS = [4096, 8192, 16384, 32768, 65536, 131072] as const;

/** The smallest bucket holding `tokens`, capped at the model's own maximum when known. */
export function numCtxBucket(tokens: number, maxContext?: number): number {
  const cap = maxContext && maxContext > 0 ? maxContext : Infinity;
  const bucket =
    NUM_CTX_BUCKETS.find((b) => b >= tokens) ?? NUM_CTX_BUCKETS[NUM_CTX_BUCKETS.length - 1];
  return Math.min(bucket, cap);
}
