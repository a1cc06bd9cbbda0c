import { footprintBytes, type KvOptions, type ModelShape } from './kv.js';

/**
 * Models worth having for coding on a 128 GB Apple-Silicon Mac. Sizes are the Ollama library's
 * default tags (Q4_K_M unless noted), approximate; shapes are the published architectures so the
 * KV term is real. They are a shortlist for `pull`, not a source of truth: installed models are
 * always measured from the server.
 */
export interface CuratedModel {
  name: string;
  purpose: string;
  /** Approximate download / weights size, bytes. */
  approxBytes: number;
  shape?: ModelShape;
}

export const CURATED_CODING_MODELS: readonly CuratedModel[] = [
  {
    name: 'qwen3-coder:30b',
    purpose: 'agentic coding, tools; MoE (3B active): fast',
    approxBytes: 18.6e9,
    shape: { blockCount: 48, headCountKv: 4, keyLength: 128, contextLength: 262144 },
  },
  {
    name: 'qwen2.5-coder:32b',
    purpose: 'dense coder: careful edits, review',
    approxBytes: 19.9e9,
    shape: { blockCount: 64, headCountKv: 8, keyLength: 128, contextLength: 32768 },
  },
  {
    name: 'glm-4.7-flash',
    purpose: 'general + coding, tools, thinking; MoE',
    approxBytes: 19e9,
    // MLA attention: its cache is not head_count_kv × head_dim; left to the fallback estimate.
  },
  {
    name: 'codestral:22b',
    purpose: 'fill-in-the-middle, quick completions',
    approxBytes: 12.6e9,
    shape: { blockCount: 56, headCountKv: 8, keyLength: 128, contextLength: 32768 },
  },
  {
    name: 'qwen3:8b',
    purpose: 'classification, summaries, small fixes',
    approxBytes: 5.2e9,
    shape: { blockCount: 36, headCountKv: 8, keyLength: 128, contextLength: 40960 },
  },
  {
    name: 'nomic-embed-text',
    purpose: 'embeddings for the semantic cache (/cache on)',
    approxBytes: 274e6,
    shape: { blockCount: 12, headCountKv: 12, keyLength: 64, contextLength: 2048 },
  },
];

export interface CuratedFit extends CuratedModel {
  /** Weights + KV at numCtx (capped at the model's context). */
  footprintBytes: number;
  numCtx: number;
  fits: boolean;
}

/**
 * Each curated model with its footprint at `numCtx` and whether it fits `budgetBytes` alone.
 * `installed` gives an installed model's own size and shape (what the models screen reads), so
 * both screens show one figure for it; the catalog's estimate serves the rest.
 */
export function curatedWithFit(
  budgetBytes: number,
  numCtx = 32768,
  kv: KvOptions = {},
  installed: (name: string) => { bytes: number; shape: ModelShape | undefined } | undefined = () =>
    undefined,
): CuratedFit[] {
  return CURATED_CODING_MODELS.map((m) => {
    const own = installed(m.name);
    const shape = own?.shape ?? m.shape;
    const ctx = shape?.contextLength ? Math.min(numCtx, shape.contextLength) : numCtx;
    const bytes = footprintBytes(own?.bytes ?? m.approxBytes, shape, ctx, kv);
    return { ...m, footprintBytes: bytes, numCtx: ctx, fits: bytes <= budgetBytes };
  });
}
