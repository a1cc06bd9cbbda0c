import type { Config } from '../config/schema.js';
import { parseModelRef } from '../core/model-ref.js';
import { CLASSIFIER_MAX_MODEL_BYTES } from '../local/classifier-client.js';
import { sameModelName } from '../local/names.js';

/** What doctor says of the model classifier (routing.modelClassifier). */
export interface ClassifierReport {
  setting: string;
  /** routing.askModelBelow */
  below: number;
  /** Who would answer now, when someone would. */
  model?: string;
  ready: boolean;
  line: string;
  /** Set when the setting cannot work as written (a named model that is missing, no key). */
  problem?: { what: string; fix: string };
}

interface Facts {
  ollama: {
    reachable: boolean;
    installed: { name: string }[];
    resident: { name: string; sizeBytes: number }[];
  };
  keySet: (provider: string) => boolean;
}

/**
 * Whether the model classifier can answer now, and who: under `auto` the smallest resident
 * Ollama model (as src/local/classifier-client.ts picks it). The card stays silent when none
 * can, so this is where a user learns why it is never asked.
 */
export function classifierReport(config: Config, facts: Facts): ClassifierReport {
  const setting = config.routing.modelClassifier;
  const below = config.routing.askModelBelow;
  const when = `asked below confidence ${below}`;
  if (setting === 'off') {
    return { setting, below, ready: false, line: 'off (routing.modelClassifier): never asked' };
  }
  if (setting === 'auto') {
    const small = facts.ollama.resident
      .filter((m) => m.sizeBytes > 0 && m.sizeBytes <= CLASSIFIER_MAX_MODEL_BYTES)
      .sort((a, b) => a.sizeBytes - b.sizeBytes)[0];
    if (small)
      return {
        setting,
        below,
        ready: true,
        model: `ollama/${small.name}`,
        line: `✓ auto: ${small.name} (the smallest resident model), ${when}`,
      };
    return {
      setting,
      below,
      ready: false,
      line: `– auto: no model under 24 GiB is resident, so none is asked (load a small one with kirikae models load, or set routing.modelClassifier to a cloud model)`,
    };
  }
  const ref = parseModelRef(setting);
  if (ref.provider === 'ollama') {
    const installed = facts.ollama.installed.some((m) => sameModelName(m.name, ref.model));
    const resident = facts.ollama.resident.some((m) => sameModelName(m.name, ref.model));
    if (resident)
      return { setting, below, ready: true, model: setting, line: `✓ ${setting}, ${when}` };
    return {
      setting,
      below,
      ready: false,
      line: `✗ ${setting} is not resident: asked only while it is loaded`,
      ...(facts.ollama.reachable && !installed
        ? {
            problem: {
              what: `routing.modelClassifier ${setting} is not installed`,
              fix: `kirikae pull ${ref.model}`,
            },
          }
        : {}),
    };
  }
  if (!facts.keySet(ref.provider))
    return {
      setting,
      below,
      ready: false,
      line: `✗ ${setting}: no API key for ${ref.provider}, never asked`,
      problem: {
        what: `routing.modelClassifier ${setting} has no API key`,
        fix: `set the ${ref.provider} key, or set routing.modelClassifier to auto`,
      },
    };
  return {
    setting,
    below,
    ready: true,
    model: setting,
    line: `✓ ${setting} (paid per question), ${when}`,
  };
}
