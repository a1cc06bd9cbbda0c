import type { Message, ToolCall, ToolResultMessage } from '../core/message.js';
import type { CallRecord, LedgerRecord } from '../core/records.js';
import { ZERO_USAGE, addUsage } from '../core/usage.js';
import { oneLine } from '../agent/output.js';
import { usd } from '../present/units.js';
import type { NewTranscriptItem } from './types.js';
import { fallbackHow } from './transcript.js';

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
    const results = new Map<string, ToolResultMessage>();
    for (const m of turn) if (m.role === 'tool') results.set(m.toolCallId, m);
    for (const m of turn) {
      if (m.role === 'user') items.push({ kind: 'user', text: m.content });
      else if (m.role === 'assistant') {
        if (m.content.trim()) items.push({ kind: 'assistant', text: m.content, model });
        for (const call of m.toolCalls ?? [])
          items.push({
            kind: 'tool',
            name: call.name,
            summary: resumedToolSummary(call),
            ok: results.get(call.id)?.isError !== true,
          });
      }
    }
    if (booked.length) items.push(turnLine(booked));
  });
  return items;
}

/** Arguments that say what a call did, in the order the line prefers them. */
const NAMING_ARGS = ['command', 'path', 'pattern', 'url', 'query'] as const;

/**
 * A resumed tool line: the session file keeps the call, not the line the tool printed, so it
 * names what the call acted on (`$ npm test`, `src/app.ts`) instead of its raw JSON.
 */
export function resumedToolSummary(call: ToolCall): string {
  const args: Record<string, unknown> =
    typeof call.arguments === 'object' && call.arguments !== null
      ? (call.arguments as Record<string, unknown>)
      : {};
  for (const key of NAMING_ARGS) {
    const value = args[key];
    if (typeof value === 'string' && value.trim())
      return oneLine(key === 'command' ? `$ ${value}` : value, 80);
  }
  return oneLine(call.rawArguments, 80);
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
    how: last.fallbackHops.length ? fallbackHow(last.fallbackHops) : last.decision,
    outcome: last.outcome,
  };
}
