import type { KirikaeError } from '../core/errors.js';
import type { RouteDecision } from './types.js';

/**
 * The error kind of a route that cannot run, from the reason the router gave: a spent money
 * budget is a spend limit (403 at the gateway), a missing key an auth problem, an unreachable
 * Ollama a network one; the rest (a model that does not fit the memory budget, an unknown id)
 * is configuration.
 */
export function unavailableKind(reason: string): KirikaeError['kind'] {
  if (/monthly budget|daily budget/.test(reason)) return 'spend_limit';
  // What a model cannot do is its configuration, even where the reason names Ollama.
  if (/does not support|does not fit|context window/.test(reason)) return 'config';
  if (/API key/.test(reason)) return 'auth';
  if (/Ollama|reach/.test(reason)) return 'network';
  return 'config';
}

/**
 * Why nothing can run, when nothing can: the chosen route's reason first, then up to `more` other
 * distinct ones (the other providers' missing keys, an unreachable Ollama), so one error names
 * what the user has to fix rather than the first of several. Each names its model: "does not
 * support tools" or "context window 128K < 200K needed" alone does not say which to change.
 */
export function noRouteReason(decision: RouteDecision, more = 3): string {
  const { chosen } = decision;
  const first = chosen.unavailableReason ?? 'every model is unavailable';
  const seen = new Set([first]);
  const others: string[] = [];
  for (const o of decision.options) {
    const reason = o.unavailableReason;
    if (o.available || !reason || seen.has(reason)) continue;
    seen.add(reason);
    others.push(`${o.model}: ${reason}`);
  }
  const named = chosen.unavailableReason ? `${chosen.model}: ${first}` : first;
  return others.length ? `${named} (also: ${others.slice(0, more).join('; ')})` : named;
}
