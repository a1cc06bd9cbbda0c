import { closestModelIds, isKnownModel } from '../catalog/models.js';
import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';

/** Every model id the config mentions: those are known to the user even when unpriced. */
export function configuredModels(config: Config): string[] {
  return [...Object.values(config.tiers).flat(), ...config.fallback, ...Object.keys(config.prices)];
}

/**
 * Parses and checks a `provider/model` the user typed. Local models are checked by Ollama
 * itself (it answers "not found" with the pull hint); a cloud model must be known to the
 * catalog or named in the config, so a typo never becomes a paid request to a wrong model.
 */
export function resolveModel(id: string, config: Config): ModelRef {
  const ref = parseModelRef(id);
  if (ref.provider === 'ollama' || isKnownModel(ref) || configuredModels(config).includes(id)) {
    return ref;
  }
  const near = closestModelIds(id, 3, configuredModels(config));
  throw new KirikaeError('not_found', `Unknown model "${id}"`, {
    hint: `${near.length ? `Closest: ${near.join(', ')}. ` : ''}To use a model the catalog does not list, give it a price: kirikae config set prices.${id} '{"inputMtok":1,"outputMtok":2}'`,
  });
}
