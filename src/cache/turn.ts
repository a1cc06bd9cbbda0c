import type { CacheHitRecord } from '../core/records.js';
import type { Message } from '../core/message.js';
import type { TaskType } from '../core/task.js';
import type { CacheHit } from './types.js';

/*
 * What the session hands the cache and the ledger, built from its own data, so that every
 * caller (screen, -p, the gateway) forms the context key and the record the same way.
 */

/**
 * The conversation before a question, in the stable form the context key hashes: the system
 * prompt, then each message with its role, tool calls and tool results included (an earlier
 * tool result shapes the answer as much as an earlier question).
 */
export function conversationLines(system: string, messages: readonly Message[]): string[] {
  const lines = [`system:${system}`];
  for (const m of messages) {
    if (m.role === 'tool')
      lines.push(`tool:${m.toolName}:${m.isError ? 'error:' : ''}${m.content}`);
    else if (m.role === 'assistant' && m.toolCalls?.length) {
      const calls = m.toolCalls.map((c) => `${c.name}(${c.rawArguments})`).join(',');
      lines.push(`assistant:${m.content}\u0000${calls}`);
    } else lines.push(`${m.role}:${m.content}`);
  }
  return lines;
}

/** The ledger record booked when the user accepts a cached answer (Enter on the card). */
export function cacheHitRecord(
  hit: CacheHit,
  turn: { session: string; task: string; turn: number; taskType?: TaskType; now: Date },
): CacheHitRecord {
  return {
    v: 1,
    type: 'cache_hit',
    ts: turn.now.toISOString(),
    session: turn.session,
    task: turn.task,
    turn: turn.turn,
    ...(turn.taskType ? { taskType: turn.taskType } : {}),
    tier: hit.tier,
    model: hit.model,
    costUsd: 0,
    savedUsd: hit.usd,
    similarity: Math.min(1, Math.max(0, hit.similarity)),
    originalTs: new Date(hit.storedAt).toISOString(),
  };
}
