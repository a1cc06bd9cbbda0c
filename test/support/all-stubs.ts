import { startAnthropicStub, type AnthropicStub } from './anthropic-stub.js';
import { startOpenAIStub, type OpenAIStub } from './openai-stub.js';
import { startOllamaStub, type OllamaStub, type StubModel } from './ollama-stub.js';

export interface AllStubs {
  anthropic: AnthropicStub;
  openai: OpenAIStub;
  ollama: OllamaStub;
  /** Environment that points every SDK at the stubs, with test keys. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const GiB = 1024 ** 3;

/** A qwen3-coder-like local model: 48 layers, 4 KV heads of 128 dims, 18.6 GB of weights. */
export const QWEN3_CODER: StubModel = {
  name: 'qwen3-coder:30b',
  size: Math.round(18.6 * GiB),
  family: 'qwen3moe',
  parameterSize: '30.5B',
  quantization: 'Q4_K_M',
  blockCount: 48,
  headCountKv: 4,
  headCount: 32,
  keyLength: 128,
  embeddingLength: 2048,
  contextLength: 262_144,
  capabilities: ['completion', 'tools'],
};

/** qwen3:8b as `ollama show` reports it: 36 layers, 8 KV heads of 128, 4.9 GiB of Q4_K_M. */
export const QWEN3_8B: StubModel = {
  name: 'qwen3:8b',
  size: Math.round(4.9 * GiB),
  family: 'qwen3',
  parameterSize: '8.2B',
  quantization: 'Q4_K_M',
  blockCount: 36,
  headCountKv: 8,
  headCount: 32,
  keyLength: 128,
  embeddingLength: 4096,
  contextLength: 40_960,
  capabilities: ['completion', 'tools', 'thinking'],
};

export async function startAllStubs(options: { models?: StubModel[] } = {}): Promise<AllStubs> {
  const [anthropic, openai, ollama] = await Promise.all([
    startAnthropicStub(),
    startOpenAIStub(),
    startOllamaStub({ models: options.models ?? [QWEN3_CODER] }),
  ]);
  return {
    anthropic,
    openai,
    ollama,
    env: {
      ANTHROPIC_API_KEY: 'test-anthropic-key',
      ANTHROPIC_BASE_URL: anthropic.url,
      OPENAI_API_KEY: 'test-openai-key',
      OPENAI_BASE_URL: `${openai.url}/v1`,
      OPENROUTER_API_KEY: 'test-openrouter-key',
      OPENROUTER_BASE_URL: `${openai.url}/api/v1`,
      DEEPSEEK_API_KEY: 'test-deepseek-key',
      DEEPSEEK_BASE_URL: openai.url,
      OLLAMA_HOST: ollama.url,
    },
    close: async () => {
      await Promise.all([anthropic.close(), openai.close(), ollama.close()]);
    },
  };
}

/**
 * Makes `model` resident on the Ollama stub as a client would: /api/generate with no prompt
 * loads it (docs/api.md, "Load a model"; server/routes.go GenerateHandler answers
 * done_reason "load").
 */
export async function preload(ollamaUrl: string, model: string): Promise<void> {
  await fetch(`${ollamaUrl}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ model, keep_alive: '30m' }),
  });
}
