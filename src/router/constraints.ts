import { numCtxBucket } from '../core/num-ctx.js';
import { contextWindow } from '../catalog/models.js';
import type { ModelRef, ProviderId } from '../core/model-ref.js';
import { cooldownOf, type CooldownState } from './cooldown.js';
import { tokens } from './format.js';
import type { LocalAdapter } from './types.js';

export const KEY_ENV: Record<Exclude<ProviderId, 'ollama'>, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
};

/** Ollama reloads a model when num_ctx changes: sizes come in a few stable buckets. */
export { numCtxBucket };

export interface ConstraintInput {
  ref: ModelRef;
  /** Input tokens plus room for the p90 answer. */
  tokensNeeded: number;
  hasKey(provider: ProviderId): boolean;
  local?: LocalAdapter;
  localUnavailableReason?: string;
  cooldown?: CooldownState;
  /** The turn sends tool definitions (every kirikae turn does; a gateway request may not). */
  needsTools?: boolean;
  now: number;
}

/** The context window the router trusts for a model. */
export function windowOf(ref: ModelRef, local?: LocalAdapter): number | undefined {
  if (ref.provider === 'ollama') return local?.contextWindow?.(ref.model) ?? contextWindow(ref);
  return contextWindow(ref);
}

/**
 * Why a route cannot be taken right now, or undefined when it can: no API key, Ollama down,
 * model not installed or too big for the memory budget at the needed context, context window
 * too small, provider cooling down after repeated failures.
 */
export function unavailableReason(input: ConstraintInput): string | undefined {
  const { ref } = input;
  if (ref.provider === 'ollama') {
    if (!input.local) return input.localUnavailableReason ?? 'Ollama not available';
    if (!input.local.installed(ref.model)) return `not installed (ollama pull ${ref.model})`;
    if (input.needsTools && input.local.supportsTools?.(ref.model) === false)
      return 'does not support tools (Ollama would answer 400)';
  } else if (!input.hasKey(ref.provider)) {
    return `no API key (set ${KEY_ENV[ref.provider]})`;
  }
  const window = windowOf(ref, input.local);
  if (window !== undefined && input.tokensNeeded > window) {
    return `context window ${tokens(window)} < ${tokens(input.tokensNeeded)} needed`;
  }
  if (ref.provider === 'ollama' && input.local) {
    const numCtx = numCtxBucket(input.tokensNeeded);
    if (!input.local.fits(ref.model, numCtx)) {
      // The plan says why (a pinned or busy model, Ollama's model count, the budget itself).
      const plan = input.local.planLine?.(ref.model, numCtx);
      return plan?.startsWith('does not fit')
        ? `${plan} (num_ctx ${numCtx})`
        : `does not fit the memory budget at num_ctx ${numCtx}`;
    }
  }
  const cooling = cooldownOf(input.cooldown, ref.provider, input.now);
  if (cooling) return cooling.reason;
  return undefined;
}

/** Ollama names without a tag mean ":latest". */
export function normaliseLocalName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:latest`;
}

/**
 * A LocalAdapter from what Ollama lists, for use until the local module's planner exists: a
 * listed model is installed, a model in /api/ps is resident, every size fits, and loading takes
 * about one second plus reading the weights at ~3 GB/s.
 */
export function localFromTags(
  installed: readonly { name: string; size?: number }[],
  resident: readonly { name: string }[] = [],
): LocalAdapter {
  const sizes = new Map(installed.map((m) => [normaliseLocalName(m.name), m.size ?? 0]));
  const loaded = new Set(resident.map((m) => normaliseLocalName(m.name)));
  return {
    installed: (model) => sizes.has(normaliseLocalName(model)),
    resident: (model) => loaded.has(normaliseLocalName(model)),
    fits: () => true,
    loadSeconds: (model) => 1 + (sizes.get(normaliseLocalName(model)) ?? 0) / 3e9,
  };
}
