import type { ProviderId } from '../core/index.js';
import { normalizeOllamaHost } from '../config/ollama-host.js';

interface EndpointSpec {
  /** Environment variable holding the API key; Ollama needs none. */
  keyVar?: string;
  baseUrlVar: string;
  defaultBaseUrl: string;
}

const ENDPOINTS: Readonly<Record<ProviderId, EndpointSpec>> = {
  anthropic: {
    keyVar: 'ANTHROPIC_API_KEY',
    baseUrlVar: 'ANTHROPIC_BASE_URL',
    defaultBaseUrl: 'https://api.anthropic.com',
  },
  openai: {
    keyVar: 'OPENAI_API_KEY',
    baseUrlVar: 'OPENAI_BASE_URL',
    defaultBaseUrl: 'https://api.openai.com/v1',
  },
  openrouter: {
    keyVar: 'OPENROUTER_API_KEY',
    baseUrlVar: 'OPENROUTER_BASE_URL',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
  },
  deepseek: {
    keyVar: 'DEEPSEEK_API_KEY',
    baseUrlVar: 'DEEPSEEK_BASE_URL',
    defaultBaseUrl: 'https://api.deepseek.com',
  },
  ollama: {
    baseUrlVar: 'OLLAMA_HOST',
    defaultBaseUrl: 'http://127.0.0.1:11434',
  },
};

/** Where and with which key a provider is reached, as read from the environment. */
export interface Endpoint {
  provider: ProviderId;
  keyVar?: string;
  /** Undefined when the key variable is unset or blank. */
  apiKey?: string;
  baseUrlVar: string;
  baseUrl: string;
}

function readVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function resolveEndpoint(provider: ProviderId, env: NodeJS.ProcessEnv): Endpoint {
  const spec = ENDPOINTS[provider];
  const rawBase = readVar(env, spec.baseUrlVar);
  const baseUrl =
    provider === 'ollama'
      ? normalizeOllamaHost(rawBase)
      : (rawBase ?? spec.defaultBaseUrl).replace(/\/+$/, '');
  return {
    provider,
    keyVar: spec.keyVar,
    apiKey: spec.keyVar ? readVar(env, spec.keyVar) : undefined,
    baseUrlVar: spec.baseUrlVar,
    baseUrl,
  };
}
