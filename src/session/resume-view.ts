import type { Message } from '../core/message.js';
import type { CallRecord, LedgerRecord } from '../core/records.js';
import { ZERO_USAGE, addUsage } from '../core/usage.js';
import { oneLine } from '../agent/output.js';
import { usd } from '../present/units.js';
import type { NewTranscriptItem } from './types.js';

/**
 * The models a resumed conversation ran on, from this session's call records: solo and planner
 * calls carried the conversation (an executor's sub-task and a classification did not). Under
 * `auto` the model classifier avoids them, so asking it does not evict their cached prompt.
 */
export function conversationModelsOf(records: readonly LedgerRecord[], session: string): string[] {
  const models = new Set<string>();
  for (const r of records) {
    if (r.type !== 'call' || r.session !== session) continue;
    if (r.role === 'executor' || r.role === 'classifier') continue;
    models.add(r.model);
  }
  return [...models];
}

/** Turns shown in full when a session resumes; earlier ones fold into one line. */
export const RESUME_SHOWN_TURNS = 10;

/**
 * The earlier conversation as the screen shows it after `--continue`: each prompt, the tools it
 * used and the answer, then its turn line (model, tokens, cost) rebuilt from the ledger's call
 * records of this session, turn by turn. Only the last `shown` turns are drawn; the rest fold.
 */
export function resumedItems(
  messages: readonly Message[],
  records: readonly LedgerRecord[],
  session: string,
  shown = RESUME_SHOWN_TURNS,
): NewTranscriptItem[] {
  const turns: Message[][] = [];
  for (const m of messages) {
    if (m.role === 'user') turns.push([m]);
    else turns.at(-1)?.push(m);
  }
  const calls = new Map<number, CallRecord[]>();
  for (const r of records) {
    if (r.type !== 'call' || r.session !== session) continue;
    calls.set(r.turn, [...(calls.get(r.turn) ?? []), r]);
  }
  const items: NewTranscriptItem[] = [];
  const hidden = Math.max(0, turns.length - shown);
  if (hidden > 0) {
    const cost = [...calls.entries()]
      .filter(([turn]) => turn <= hidden)
      .flatMap(([, rs]) => rs)
      .reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    items.push({
      kind: 'notice',
      level: 'info',
      text: `… ${hidden} earlier turn${hidden === 1 ? '' : 's'} folded${cost > 0 ? ` (${usd(cost)})` : ''}`,
    });
  }
  turns.forEach((turn, index) => {
    if (index < hidden) return;
    const booked = calls.get(index + 1) ?? [];
    const model = booked.at(-1)?.model ?? 'earlier model';
    for (const m of turn) {
      if (m.role === 'user') items.push({ kind: 'user', text: m.content });
      else if (m.role === 'assistant') {
        if (m.content.trim()) items.push({ kind: 'assistant', text: m.content, model });
        for (const call of m.toolCalls ?? [])
          items.push({
            kind: 'tool',
            name: call.name,
            summary: oneLine(call.rawArguments, 80),
            ok: true,
          });
      }
    }
    if (booked.length) items.push(turnLine(booked));
  });
  return items;
}

function turnLine(records: CallRecord[]): NewTranscriptItem {
  const last = records.at(-1)!;
  const unknown = records.some((r) => r.costUsd === null);
  const known = records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  return {
    kind: 'turn',
    model: last.model,
    tier: last.tier,
    usage: records.reduce((u, r) => addUsage(u, r.usage), ZERO_USAGE),
    costUsd: unknown ? null : known,
    ...(unknown && known ? { knownUsd: known } : {}),
    ...(last.tokPerSec !== undefined ? { tokPerSec: last.tokPerSec } : {}),
    durationMs: records.reduce((sum, r) => sum + r.durationMs, 0),
    // As the turn line read when it ran: how the route was settled.
    how: last.fallbackHops.length ? `fallback from ${last.fallbackHops.join(', ')}` : last.decision,
    outcome: last.outcome,
  };
}
