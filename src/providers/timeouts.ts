import type { ProviderId, StreamTimeouts } from '../core/index.js';

/**
 * kirikae's own limits on a silent server (the SDKs' 10-minute timeout is far too long for a
 * turn someone is waiting on). Ollama gets a long first byte: its headers come only after a
 * cold load (20 GB from disk) and the prompt evaluation of a 32B model, which can take minutes
 * on a Mac; once tokens flow they come steadily.
 */
export const DEFAULT_TIMEOUTS: Readonly<Record<ProviderId, Required<StreamTimeouts>>> = {
  anthropic: { firstByteMs: 60_000, idleMs: 60_000 },
  openai: { firstByteMs: 60_000, idleMs: 60_000 },
  openrouter: { firstByteMs: 60_000, idleMs: 60_000 },
  deepseek: { firstByteMs: 60_000, idleMs: 60_000 },
  ollama: { firstByteMs: 300_000, idleMs: 60_000 },
};

/** The provider's defaults, then the client's settings, then the request's, field by field. */
export function resolveTimeouts(
  provider: ProviderId,
  ...overrides: (StreamTimeouts | undefined)[]
): Required<StreamTimeouts> {
  const resolved = { ...DEFAULT_TIMEOUTS[provider] };
  for (const o of overrides) {
    if (o?.firstByteMs !== undefined) resolved.firstByteMs = o.firstByteMs;
    if (o?.idleMs !== undefined) resolved.idleMs = o.idleMs;
  }
  return resolved;
}
