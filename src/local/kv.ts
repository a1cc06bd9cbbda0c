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
  /** KV heads of an attention layer (the largest, when they differ per layer). */
  headCountKv: number;
  /**
   * KV heads per layer, when the GGUF stores an array (fs/ggml KV.HeadCountKV); 0 marks a
   * recurrent or linear-attention layer that keeps no per-token cache.
   */
  headCountKvPerLayer?: number[];
  /** attention.key_length; when absent see headDim(). */
  keyLength?: number;
  /** attention.value_length; defaults to the key length. */
  valueLength?: number;
  embeddingLength?: number;
  headCount?: number;
  /** Trained context length; larger requests are capped to it by the server. */
  contextLength?: number;
  /** general.architecture: GGUF names (qwen3moe, gpt-oss) or HF ones from MLX (qwen3_moe). */
  architecture?: string;
  /** attention.sliding_window, tokens. */
  slidingWindow?: number;
  /** attention.sliding_window_pattern: per layer, true = a sliding (local) layer. */
  slidingLayers?: boolean[];
  /** Hybrid models: one layer in N is full attention (qwen3next full_attention_interval). */
  fullAttentionInterval?: number;
}

export interface KvOptions {
  numParallel?: number;
  cacheType?: KvCacheType;
}

/**
 * head_dim of architectures whose HF config sets it apart from hidden_size / heads. MLX
 * (safetensors) models report HF-style model_info without key_length (ollama x/server/show.go
 * buildModelInfo), and there emb / heads is wrong: Qwen3-30B-A3B has hidden 2048 and 32 heads
 * (64) but head_dim 128. Values from each family's config.json on Hugging Face.
 */
const HF_HEAD_DIM: Record<string, (shape: ModelShape) => number> = {
  qwen3: () => 128,
  qwen3_moe: () => 128,
  qwen3_next: () => 256,
  gpt_oss: () => 64,
  // Gemma 3: 256 except the 27B (hidden 5376), whose head_dim is 128.
  gemma3: (s) => (s.embeddingLength === 5376 ? 128 : 256),
  gemma3_text: (s) => (s.embeddingLength === 5376 ? 128 : 256),
};

export function headDim(shape: ModelShape): number | undefined {
  if (shape.keyLength && shape.keyLength > 0) return shape.keyLength;
  const known = shape.architecture ? HF_HEAD_DIM[shape.architecture] : undefined;
  if (known) return known(shape);
  // GGUF's own fallback (fs/ggml EmbeddingHeadCountK): right for Qwen2 and llama-likes.
  if (shape.embeddingLength && shape.headCount) return shape.embeddingLength / shape.headCount;
  return undefined;
}

/** Ollama's default num_batch: sliding layers keep window × parallel + one batch of tokens. */
const BATCH = 512;
/** gpt-oss's sliding layers keep 4096 tokens whatever its 128-token window (fs/ggml GraphSize). */
const GPT_OSS_SWA_TOKENS = 4096;

const isGptOss = (arch?: string) => arch === 'gpt-oss' || arch === 'gptoss' || arch === 'gpt_oss';
const isGemma3 = (arch?: string) => arch === 'gemma3' || arch === 'gemma3_text';

/** Hybrid layout of HF-style qwen3_next (config full_attention_interval 4). */
function fullAttentionInterval(shape: ModelShape): number | undefined {
  if (shape.fullAttentionInterval) return shape.fullAttentionInterval;
  return shape.architecture === 'qwen3_next' || shape.architecture === 'qwen3next' ? 4 : undefined;
}

/**
 * How each layer caches, as Ollama sizes it (fs/ggml GraphSize): `heads` KV heads per token,
 * over the whole context or over a sliding window of `windowTokens`.
 */
function layerPlan(
  shape: ModelShape,
  numParallel: number,
): { heads: number; windowTokens?: number }[] {
  const interval = fullAttentionInterval(shape);
  const perLayerHeads = shape.headCountKvPerLayer;
  const out: { heads: number; windowTokens?: number }[] = [];
  for (let i = 0; i < shape.blockCount; i++) {
    let heads = perLayerHeads?.[i] ?? shape.headCountKv;
    // Without a per-layer array, a hybrid's linear-attention layers are the ones off the interval.
    if (!perLayerHeads && interval && (i + 1) % interval !== 0) heads = 0;
    let sliding = shape.slidingLayers?.[i];
    let window = shape.slidingWindow;
    if (isGptOss(shape.architecture)) {
      sliding ??= i % 2 === 0;
      window = GPT_OSS_SWA_TOKENS;
    } else if (isGemma3(shape.architecture)) {
      sliding ??= (i + 1) % 6 !== 0; // every 6th layer is global
      window ??= 1024;
    }
    out.push(sliding && window ? { heads, windowTokens: numParallel * window + BATCH } : { heads });
  }
  return out;
}

/**
 * Marginal KV bytes per token of context: 2 (K and V) × head_dim × KV heads × bytes/element,
 * summed over the layers that cache the whole context (sliding-window layers stop growing at
 * their window; linear-attention layers keep none). Undefined when the shape is incomplete.
 */
export function kvBytesPerToken(shape: ModelShape, opts: KvOptions = {}): number | undefined {
  const k = headDim(shape);
  if (!k || !shape.blockCount || !shape.headCountKv) return undefined;
  const v = shape.valueLength && shape.valueLength > 0 ? shape.valueLength : k;
  const bytes = KV_BYTES_PER_ELEMENT[opts.cacheType ?? 'f16'];
  const parallel = opts.numParallel ?? 1;
  let heads = 0;
  for (const l of layerPlan(shape, parallel)) if (l.windowTokens === undefined) heads += l.heads;
  return (k + v) * heads * bytes * parallel;
}

/** KV bytes of the sliding-window layers, which do not grow with the context past the window. */
function windowedKvBytes(shape: ModelShape, numCtx: number, opts: KvOptions): number {
  const k = headDim(shape);
  if (!k) return 0;
  const v = shape.valueLength && shape.valueLength > 0 ? shape.valueLength : k;
  const bytes = KV_BYTES_PER_ELEMENT[opts.cacheType ?? 'f16'];
  const parallel = opts.numParallel ?? 1;
  let total = 0;
  for (const l of layerPlan(shape, parallel)) {
    if (l.windowTokens === undefined) continue;
    total += (k + v) * l.heads * bytes * Math.min(l.windowTokens, numCtx * parallel);
  }
  return total;
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
  const perToken = shape && kvBytesPerToken(shape, opts);
  if (perToken === undefined) return Math.round(fallbackKvBytesPerToken(opts) * ctx);
  return Math.round(perToken * ctx + windowedKvBytes(shape!, ctx, opts));
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
