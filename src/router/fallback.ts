import { isRetryable, type ErrorKind } from '../core/errors.js';
import { isProviderId, type ModelRef } from '../core/model-ref.js';
import { cooldownOf, type CooldownState } from './cooldown.js';

/** Failures that moving to another route can fix. Aborts and bad requests are not among them. */
export function fallsBack(kind: ErrorKind): boolean {
  return (
    isRetryable(kind) ||
    kind === 'auth' ||
    kind === 'spend_limit' ||
    kind === 'context_length' ||
    kind === 'not_found'
  );
}

/** The whole provider is unusable after these, not just the model (same key, same account). */
function failsProvider(kind: ErrorKind): boolean {
  return kind === 'auth' || kind === 'spend_limit';
}

const KIND_TEXT: Record<ErrorKind, string> = {
  rate_limit: 'is rate-limited',
  overloaded: 'is overloaded',
  auth: 'rejected the API key',
  context_length: 'cannot take this much context',
  network: 'is unreachable',
  spend_limit: 'reached its spend limit',
  bad_response: 'cut the reply short',
  aborted: 'was stopped',
  server: 'had a server error',
  not_found: 'does not have this model',
  bad_request: 'refused the request',
  config: 'is misconfigured',
  timeout: 'did not answer in time',
};

export interface FallbackInput {
  /** `provider/model` that failed. */
  failed: string;
  kind: ErrorKind;
  /** config.fallback, in order of preference. */
  chain: readonly string[];
  /** Models already tried in this turn (they failed too). */
  tried?: readonly string[];
  /** Why a model cannot be used now (no key, not installed…), or undefined when it can. */
  unavailable?: (model: string) => string | undefined;
  cooldown?: CooldownState;
  now?: number;
  /** For context_length: tokens the request needs. */
  neededTokens?: number;
  contextWindowOf?: (model: string) => number | undefined;
}

export interface FallbackResult {
  next?: ModelRef;
  /** `provider/model` of `next`. */
  model?: string;
  /** One line for the transcript. */
  notice: string;
  /** Chain entries passed over, with why. */
  skipped: { model: string; reason: string }[];
}

function refOf(id: string): ModelRef | undefined {
  const slash = id.indexOf('/');
  const provider = id.slice(0, slash);
  return slash > 0 && isProviderId(provider) ? { provider, model: id.slice(slash + 1) } : undefined;
}

/**
 * The next route after a failure, from the configured fallback chain: entries after the failed
 * model first (the chain is ordered), then the ones before it. Passes over models already tried,
 * the failed provider after auth/spend-limit errors, providers cooling down, unavailable models,
 * and windows too small after a context-length error. Pure: the controller executes the result.
 */
export function nextFallback(input: FallbackInput): FallbackResult {
  const failedRef = refOf(input.failed);
  const what = `${input.failed} ${KIND_TEXT[input.kind]}`;
  if (!fallsBack(input.kind)) {
    return { notice: `${what}; no fallback for this kind of error`, skipped: [] };
  }
  const at = input.chain.indexOf(input.failed);
  const ordered =
    at < 0 ? input.chain : [...input.chain.slice(at + 1), ...input.chain.slice(0, at)];
  const tried = new Set([input.failed, ...(input.tried ?? [])]);
  const now = input.now ?? Date.now();
  const skipped: { model: string; reason: string }[] = [];
  const failedWindow = input.contextWindowOf?.(input.failed);

  for (const model of ordered) {
    if (tried.has(model)) continue;
    const ref = refOf(model);
    if (!ref) {
      skipped.push({ model, reason: 'not a provider/model id' });
      continue;
    }
    if (failsProvider(input.kind) && failedRef && ref.provider === failedRef.provider) {
      skipped.push({
        model,
        reason: `same provider as the ${input.kind.replace('_', ' ')} failure`,
      });
      continue;
    }
    const cooling = cooldownOf(input.cooldown, ref.provider, now);
    if (cooling) {
      skipped.push({ model, reason: cooling.reason });
      continue;
    }
    const why = input.unavailable?.(model);
    if (why) {
      skipped.push({ model, reason: why });
      continue;
    }
    if (input.kind === 'context_length') {
      const window = input.contextWindowOf?.(model);
      const needed =
        input.neededTokens ?? (failedWindow !== undefined ? failedWindow + 1 : undefined);
      if (window !== undefined && needed !== undefined && window < needed) {
        skipped.push({ model, reason: `context window ${window} < ${needed} tokens` });
        continue;
      }
    }
    return { next: ref, model, notice: `${what}; falling back to ${model} (cold cache)`, skipped };
  }
  return { notice: `${what}; no fallback route left`, skipped };
}
