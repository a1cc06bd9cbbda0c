import { KirikaeError } from './errors.js';

export const PROVIDER_IDS = ['anthropic', 'openai', 'openrouter', 'deepseek', 'ollama'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** A model id as the user writes it: `provider/model`, split at the first `/`. */
export interface ModelRef {
  provider: ProviderId;
  model: string;
}

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

export function parseModelRef(id: string): ModelRef {
  const slash = id.indexOf('/');
  const provider = slash < 0 ? '' : id.slice(0, slash).trim();
  const model = slash < 0 ? '' : id.slice(slash + 1).trim();
  if (!provider || !model) {
    throw new KirikaeError('config', `"${id}" is not a model id`, {
      hint: `Write provider/model, e.g. anthropic/claude-sonnet-4-6 (providers: ${PROVIDER_IDS.join(', ')})`,
    });
  }
  if (!isProviderId(provider)) {
    throw new KirikaeError('config', `Unknown provider "${provider}" in "${id}"`, {
      hint: `Known providers: ${PROVIDER_IDS.join(', ')}`,
    });
  }
  return { provider, model };
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

export function sameModel(a: ModelRef, b: ModelRef): boolean {
  return a.provider === b.provider && a.model === b.model;
}
