import { createHash } from 'node:crypto';
import { CAPABILITY } from '../router/table.js';
import type { Tier } from '../core/tier.js';
import { isWorkspaceQuestion } from './rules.js';
import type { CacheContext, MissReason, TurnQuestion } from './types.js';

/*
 * The context key: everything besides the question's wording that shaped an answer. Two turns
 * share an answer only when their contexts match exactly; the first difference found is the
 * miss reason `/cache why` shows.
 */

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Messages joined so that ["a b", "c"] and ["a", "b c"] never hash alike. */
export function conversationHash(conversation: readonly string[]): string {
  return sha256(conversation.map((m) => `${m.length}:${m}`).join('\n'));
}

export function contextOf(question: TurnQuestion): CacheContext {
  const files: Record<string, string> = {};
  for (const file of question.files) files[file.path] = sha256(file.content);
  return {
    conversation: conversationHash(question.conversation),
    files,
    gitHead: isWorkspaceQuestion(question.prompt, question.files.length) ? question.gitHead : null,
  };
}

/** Whether an answer from tier `was` is good enough for a turn routed to `needed`. */
export function tierServes(was: Tier | null, needed: Tier | null): boolean {
  if (needed === null) return true;
  if (was === null) return false;
  return CAPABILITY[was] >= CAPABILITY[needed];
}

/**
 * The first way the stored context differs from the current one, or undefined when the answer
 * may be served. The workspace HEAD is compared when either side is a workspace question.
 */
export function contextMismatch(
  stored: { context: CacheContext; tier: Tier | null },
  current: CacheContext,
  neededTier: Tier | null,
  similarity: number,
): MissReason | undefined {
  if (stored.context.conversation !== current.conversation) {
    return { kind: 'conversation_changed', similarity };
  }
  const paths = new Set([...Object.keys(stored.context.files), ...Object.keys(current.files)]);
  for (const path of [...paths].sort()) {
    if (stored.context.files[path] !== current.files[path]) {
      return { kind: 'file_changed', similarity, path };
    }
  }
  if (stored.context.gitHead !== current.gitHead) {
    return { kind: 'head_changed', similarity, was: stored.context.gitHead, now: current.gitHead };
  }
  if (!tierServes(stored.tier, neededTier)) {
    return { kind: 'weaker_tier', similarity, was: stored.tier, needed: neededTier };
  }
  return undefined;
}
