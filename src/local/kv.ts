import { NUM_CTX_BUCKETS, numCtxBucket } from '../core/num-ctx.js';
// KV-cache and footprint arithmetic (pure). Ollama plans memory as model file size + KV cache;
// kirikae uses the same terms so its plan agrees with what /api/ps will report.

export type KvCacheType = 'f16' | 'q8_0' | 'q4_0';

export const KV_BYTES_PER_ELEMENT: Record<KvCacheType, number> = { f16: 2, q8_0: 1, q4_0: 0.5 };

/**
 * Context sizes kirikae loads models with. A different num_ctx forces Ollama to reload the
 * model, so conversations are rounded up to a few stable buckets instead of their exact size.
 */
/** The shared num_ctx buckets (core/num-ctx.ts). */
export const CONTEXT_BUCKETS = NUM_CTX_BUCKETS;

/** Architecture facts from /api/show's model_info. */
export interface ModelShape {
  blockCount: number;
  headCountKv: number;
  /** attention.key_length; when absent head_dim = embeddingLength / headCount. */
  keyLength?: number;
  embeddingLength?: number;
  headCount?: number;
  /** Trained context length; larger requests are capped to it by the server. */
  contextLength?: number;
}

export interface KvOptions {
  numParallel?: number;
  cacheType?: KvCacheType;
}

export function headDim(shape: ModelShape): number | undefined {
  if (shape.keyLength && shape.keyLength > 0) return shape.keyLength;
  if (shape.embeddingLength && shape.headCount) return shape.embeddingLength / shape.headCount;
  return undefined;
}

/**
 * KV bytes per token of context: 2 (K and V) × layers × KV heads × head_dim × bytes/element.
 * Undefined when the shape is incomplete.
 */
export function kvBytesPerToken(shape: ModelShape, opts: KvOptions = {}): number | undefined {
  const dim = headDim(shape);
  if (!dim || !shape.blockCount || !shape.headCountKv) return undefined;
  const bytes = KV_BYTES_PER_ELEMENT[opts.cacheType ?? 'f16'];
  return 2 * shape.blockCount * shape.headCountKv * dim * bytes * (opts.numParallel ?? 1);
}

/**
 * Used when /api/show gave no shape: 256 KiB per token is the f16 cost of a 32B dense model with
 * GQA (64 layers × 8 KV heads × 128), the largest among common coding models, so the plan errs on
 * the side of evicting rather than over-committing.
 */
export const FALLBACK_KV_BYTES_PER_TOKEN = 256 * 1024;

function fallbackKvBytesPerToken(opts: KvOptions): number {
  const scale = KV_BYTES_PER_ELEMENT[opts.cacheType ?? 'f16'] / KV_BYTES_PER_ELEMENT.f16;
  return FALLBACK_KV_BYTES_PER_TOKEN * scale * (opts.numParallel ?? 1);
}

/** KV cache bytes at num_ctx (capped at the trained context, as the server does). */
export function kvCacheBytes(
  shape: ModelShape | undefined,
  numCtx: number,
  opts: KvOptions = {},
): number {
  const ctx = shape?.contextLength ? Math.min(numCtx, shape.contextLength) : numCtx;
  const perToken = (shape && kvBytesPerToken(shape, opts)) ?? fallbackKvBytesPerToken(opts);
  return Math.round(perToken * ctx);
}

/** Resident size: weights (file size) + KV cache at num_ctx. */
export function footprintBytes(
  weightsBytes: number,
  shape: ModelShape | undefined,
  numCtx: number,
  opts: KvOptions = {},
): number {
  return weightsBytes + kvCacheBytes(shape, numCtx, opts);
}

/**
 * The smallest bucket that holds `tokens`, capped at the model's trained context (and at the
 * largest bucket). Asking for more than a model supports returns its maximum.
 */
export function contextBucket(tokens: number, maxContext?: number): number {
  return numCtxBucket(tokens, maxContext);
}

/** Footprint at every bucket the model supports (buckets above its context are omitted). */
export function footprintByBucket(
  weightsBytes: number,
  shape: ModelShape | undefined,
  opts: KvOptions = {},
): { numCtx: number; bytes: number }[] {
  const max = shape?.contextLength ?? Infinity;
  const buckets: number[] = CONTEXT_BUCKETS.filter((b) => b <= max);
  // Embedding models (2K context) fit no bucket: show them at their own maximum.
  if (!buckets.length) buckets.push(max);
  return buckets.map((numCtx) => ({
    numCtx,
    bytes: footprintBytes(weightsBytes, shape, numCtx, opts),
  }));
}
