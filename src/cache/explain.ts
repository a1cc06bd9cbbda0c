import { TIER_NAMES, type Tier } from '../core/tier.js';
import { usd } from '../present/units.js';
import type { CacheHit, LookupResult, MissReason, SkipReason } from './types.js';

/* The words for what the cache did: the route card's line and `/cache why`. */

function tierName(tier: Tier | null): string {
  return tier === null ? 'an unknown tier' : `tier ${tier} ${TIER_NAMES[tier]}`;
}

function sim(value: number): string {
  return value.toFixed(2);
}

/** "just now", "4 min", "2 h", "3 d". */
export function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * The card has one line: a model id is cut after its provider and first name part
 * ("openrouter/deepseek/deepseek-chat" → "openrouter/deepseek…"), or at 28 characters.
 */
function shortModel(model: string, max = 28): string {
  const second = model.indexOf('/', model.indexOf('/') + 1);
  const cut = second > 0 ? `${model.slice(0, second)}…` : model;
  return cut.length <= max ? cut : `${cut.slice(0, max - 1)}…`;
}

/**
 * The route card's first line on a hit:
 * "cached answer from 2 h ago (similarity 0.93, was openrouter/deepseek…, $0.004)".
 * The keys (Enter use · r route anyway · x wrong answer) come from the keymap.
 */
export function hitLine(hit: CacheHit): string {
  const when = age(hit.ageMs);
  const from = when === 'just now' ? 'from just now' : `from ${when}`;
  return `cached answer ${from} (similarity ${sim(hit.similarity)}, was ${shortModel(hit.model)}, ${usd(hit.usd)})`;
}

export function missText(reason: MissReason): string {
  switch (reason.kind) {
    case 'disabled':
      return 'the semantic cache is off (/cache on)';
    case 'unavailable':
      return `the cache cannot embed questions: ${reason.detail}`;
    case 'action_prompt':
      return `"${reason.detail}" asks for work on the workspace: such turns are never cached`;
    case 'empty':
      return 'the cache is empty';
    case 'below_threshold':
      return reason.similarity === null
        ? 'no stored question to compare with'
        : `the closest stored question has similarity ${sim(reason.similarity)}, under the threshold ${sim(reason.threshold)}`;
    case 'expired':
      return `a similar question (${sim(reason.similarity)}) was answered ${age(reason.ageMs)}, past the TTL`;
    case 'conversation_changed':
      return `a similar question (${sim(reason.similarity)}) was asked after a different conversation`;
    case 'file_changed':
      return `a similar question (${sim(reason.similarity)}) was answered when ${reason.path} was different (or not quoted)`;
    case 'head_changed':
      return `a similar question (${sim(reason.similarity)}) about the workspace was answered at git HEAD ${reason.was?.slice(0, 8) ?? 'none'}, now ${reason.now?.slice(0, 8) ?? 'none'}`;
    case 'weaker_tier':
      return `a similar question (${sim(reason.similarity)}) was answered by ${tierName(reason.was)}, weaker than the ${tierName(reason.needed)} this turn is routed to`;
  }
}

export function skipText(reason: SkipReason): string {
  switch (reason) {
    case 'disabled':
      return 'not stored: the cache is off';
    case 'unavailable':
      return 'not stored: no embedding model';
    case 'action_prompt':
      return 'not stored: the prompt asks for work on the workspace';
    case 'tool_calls':
      return 'not stored: the turn called tools';
    case 'changed_files':
      return 'not stored: the turn changed files';
    case 'not_ok':
      return 'not stored: the turn did not finish';
    case 'empty_answer':
      return 'not stored: the answer is empty';
    case 'secret':
      return 'not stored: it holds a key or a secret';
  }
}

/** `/cache why`: what the last lookup decided, and why. */
export function explainResult(result: LookupResult | undefined): string {
  if (!result) return 'no turn has been looked up in the cache yet';
  if ('hit' in result) return `hit: ${hitLine(result.hit)}; question was "${result.hit.question}"`;
  return `miss: ${missText(result.miss)}`;
}
