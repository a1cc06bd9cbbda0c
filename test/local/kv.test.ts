import { describe, expect, it } from 'vitest';
import {
  contextBucket,
  CONTEXT_BUCKETS,
  footprintByBucket,
  footprintBytes,
  FALLBACK_KV_BYTES_PER_TOKEN,
  headDim,
  kvBytesPerToken,
  kvCacheBytes,
} from '../../src/local/kv.js';

const KiB = 1024;
const GiB = 1024 ** 3;
// The reference example: an 8B llama, 32 layers, 8 KV heads, head_dim 128, f16.
const llama8b = { blockCount: 32, headCountKv: 8, keyLength: 128, contextLength: 131072 };

describe('KV cache', () => {
  it('8B llama needs 128 KiB per token: 1 GiB at 8K, 16 GiB at 128K', () => {
    expect(kvBytesPerToken(llama8b)).toBe(128 * KiB);
    expect(kvCacheBytes(llama8b, 8192)).toBe(1 * GiB);
    expect(kvCacheBytes(llama8b, 131072)).toBe(16 * GiB);
  });

  it('scales with cache type and num_parallel', () => {
    expect(kvCacheBytes(llama8b, 8192, { cacheType: 'q8_0' })).toBe(0.5 * GiB);
    expect(kvCacheBytes(llama8b, 8192, { cacheType: 'q4_0' })).toBe(0.25 * GiB);
    expect(kvCacheBytes(llama8b, 8192, { numParallel: 4 })).toBe(4 * GiB);
  });

  it('derives head_dim from embedding_length / head_count without key_length', () => {
    const shape = { blockCount: 32, headCountKv: 8, embeddingLength: 4096, headCount: 32 };
    expect(headDim(shape)).toBe(128);
    expect(kvBytesPerToken(shape)).toBe(128 * KiB);
    expect(kvBytesPerToken({ blockCount: 32, headCountKv: 8 })).toBeUndefined();
  });

  it('caps num_ctx at the trained context and falls back conservatively without a shape', () => {
    const small = { ...llama8b, contextLength: 32768 };
    expect(kvCacheBytes(small, 131072)).toBe(4 * GiB);
    expect(kvCacheBytes(undefined, 8192)).toBe(FALLBACK_KV_BYTES_PER_TOKEN * 8192);
    expect(footprintBytes(5e9, llama8b, 8192)).toBe(5e9 + GiB);
  });

  it('rounds contexts up to stable buckets, capped by the model', () => {
    expect(CONTEXT_BUCKETS).toEqual([4096, 8192, 16384, 32768, 65536, 131072]);
    expect(contextBucket(100)).toBe(4096);
    expect(contextBucket(8192)).toBe(8192);
    expect(contextBucket(8193)).toBe(16384);
    expect(contextBucket(50_000, 40960)).toBe(40960);
    expect(contextBucket(1_000_000)).toBe(131072);
  });

  it('lists footprints for the buckets a model supports', () => {
    const rows = footprintByBucket(5e9, { ...llama8b, contextLength: 32768 });
    expect(rows.map((r) => r.numCtx)).toEqual([4096, 8192, 16384, 32768]);
    expect(rows[1]!.bytes).toBe(5e9 + GiB);
    const embed = footprintByBucket(274e6, {
      blockCount: 12,
      headCountKv: 12,
      keyLength: 64,
      contextLength: 2048,
    });
    expect(embed.map((r) => r.numCtx)).toEqual([2048]);
  });
});
