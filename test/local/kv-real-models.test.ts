// The KV estimate on the model_info real servers report, against Ollama's own figures. Each
// model_info below is shaped as /api/show returns it: GGUF keys from the converters
// (ollama convert/*.go), HF-style keys from x/server/show.go buildModelInfo (MLX models: no
// key_length, no sliding or hybrid keys), with the values of each model's config.json.
import { describe, expect, it } from 'vitest';
import { parseShowFacts, shapeOf } from '../../src/local/inventory.js';
import { kvBytesPerToken, kvCacheBytes } from '../../src/local/kv.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const shape = (model_info: Record<string, unknown>) => shapeOf(parseShowFacts({ model_info }))!;

describe('KV estimate vs Ollama, on real model_info', () => {
  it('qwen3-coder:30b as an MLX model (qwen3_moe, no key_length): 96 KiB/token, 3 GiB at 32K', () => {
    // x/server/show.go buildModelInfo of Qwen3-Coder-30B-A3B's config.json: hidden_size 2048,
    // 32 heads, 4 KV heads, 48 layers; head_dim 128 is in config.json but not in model_info.
    const mlx = shape({
      'general.architecture': 'qwen3_moe',
      'qwen3_moe.block_count': 48,
      'qwen3_moe.attention.head_count': 32,
      'qwen3_moe.attention.head_count_kv': 4,
      'qwen3_moe.embedding_length': 2048,
      'qwen3_moe.context_length': 262144,
      'general.parameter_count': 30_532_122_624,
    });
    // Measured: 3072 MiB of KV at 32K on an M1 Max (ollama/ollama#17024) = 96 KiB/token.
    expect(kvBytesPerToken(mlx)).toBe(96 * KiB);
    expect(kvCacheBytes(mlx, 32768)).toBe(3072 * MiB);
    // The GGUF of the same model (qwen3moe, key_length 128) agrees.
    const gguf = shape({
      'general.architecture': 'qwen3moe',
      'qwen3moe.block_count': 48,
      'qwen3moe.attention.head_count': 32,
      'qwen3moe.attention.head_count_kv': 4,
      'qwen3moe.attention.key_length': 128,
      'qwen3moe.attention.value_length': 128,
      'qwen3moe.embedding_length': 2048,
      'qwen3moe.context_length': 262144,
    });
    expect(kvBytesPerToken(gguf)).toBe(96 * KiB);
  });

  it('qwen2.5-coder:32b (qwen2 GGUF, no key_length: 5120 / 40 = 128): 256 KiB/token', () => {
    // real-world.md: qwen2.5-coder:32b 256 KiB/token; Qwen2 GGUFs carry no key_length, and
    // fs/ggml EmbeddingHeadCountK falls back to embedding / heads, which is right here.
    const qwen2 = shape({
      'general.architecture': 'qwen2',
      'qwen2.block_count': 64,
      'qwen2.attention.head_count': 40,
      'qwen2.attention.head_count_kv': 8,
      'qwen2.embedding_length': 5120,
      'qwen2.context_length': 32768,
    });
    expect(kvBytesPerToken(qwen2)).toBe(256 * KiB);
    expect(kvCacheBytes(qwen2, 32768)).toBe(8 * GiB);
  });

  it('gpt-oss:20b: alternate layers slide over 4096 tokens, as Ollama sizes them', () => {
    // convert/convert_gptoss.go keys; values of openai/gpt-oss-20b config.json (24 layers,
    // 8 KV heads, head_dim 64, sliding_window 128).
    const oss = shape({
      'general.architecture': 'gpt-oss',
      'gpt-oss.block_count': 24,
      'gpt-oss.attention.head_count': 64,
      'gpt-oss.attention.head_count_kv': 8,
      'gpt-oss.attention.key_length': 64,
      'gpt-oss.attention.value_length': 64,
      'gpt-oss.attention.sliding_window': 128,
      'gpt-oss.embedding_length': 2880,
      'gpt-oss.context_length': 131072,
    });
    // fs/ggml/ggml.go GraphSize, case "gptoss": per layer (64+64) × 8 × 2 bytes = 2 KiB per
    // token; even layers hold numParallel × 4096 + batch (512) tokens, odd layers the context.
    const ollamaAt32k = 12 * 2048 * 32768 + 12 * 2048 * (4096 + 512);
    expect(kvCacheBytes(oss, 32768)).toBe(ollamaAt32k); // 876 MiB, not 1.5 GiB
    expect(kvBytesPerToken(oss)).toBe(12 * 2 * KiB);
  });

  it('gemma3:27b: five sliding layers in six, as Ollama sizes them', () => {
    // convert/convert_gemma3.go keys; gemma-3-27b: 62 layers, 16 KV heads, head_dim 128,
    // sliding_window 1024. GraphSize case "gemma3": every 6th layer global, the others hold
    // numParallel × window + batch tokens.
    const gemma = shape({
      'general.architecture': 'gemma3',
      'gemma3.block_count': 62,
      'gemma3.attention.head_count': 32,
      'gemma3.attention.head_count_kv': 16,
      'gemma3.attention.key_length': 128,
      'gemma3.attention.value_length': 128,
      'gemma3.attention.sliding_window': 1024,
      'gemma3.embedding_length': 5376,
      'gemma3.context_length': 131072,
    });
    const perLayerToken = (128 + 128) * 16 * 2;
    const ollamaAt32k = 10 * perLayerToken * 32768 + 52 * perLayerToken * (1024 + 512);
    expect(kvCacheBytes(gemma, 32768)).toBe(ollamaAt32k);
  });

  it('qwen3-next: only one layer in four (full_attention_interval) keeps a KV cache', () => {
    // convert/convert_qwen3next.go kvHeadCounts: heads only where (i+1) % interval == 0;
    // Qwen3-Next-80B-A3B: 48 layers, 2 KV heads, head_dim 256, interval 4.
    const gguf = shape({
      'general.architecture': 'qwen3next',
      'qwen3next.block_count': 48,
      'qwen3next.attention.head_count': 16,
      'qwen3next.attention.head_count_kv': 2,
      'qwen3next.attention.key_length': 256,
      'qwen3next.attention.value_length': 256,
      'qwen3next.full_attention_interval': 4,
      'qwen3next.embedding_length': 2048,
    });
    expect(kvBytesPerToken(gguf)).toBe(12 * (256 + 256) * 2 * 2);
    // The same layout as a per-layer head_count_kv array (llama.cpp's GGUFs).
    const arr = shape({
      'general.architecture': 'qwen3next',
      'qwen3next.block_count': 48,
      'qwen3next.attention.head_count': 16,
      'qwen3next.attention.head_count_kv': Array.from({ length: 48 }, (_, i) =>
        (i + 1) % 4 === 0 ? 2 : 0,
      ),
      'qwen3next.attention.key_length': 256,
    });
    expect(arr.headCountKv).toBe(2);
    expect(kvBytesPerToken(arr)).toBe(kvBytesPerToken(gguf));
    // And the MLX one (qwen3_next, nothing but the basics in model_info).
    const mlx = shape({
      'general.architecture': 'qwen3_next',
      'qwen3_next.block_count': 48,
      'qwen3_next.attention.head_count': 16,
      'qwen3_next.attention.head_count_kv': 2,
      'qwen3_next.embedding_length': 2048,
    });
    expect(kvBytesPerToken(mlx)).toBe(kvBytesPerToken(gguf));
  });
});
