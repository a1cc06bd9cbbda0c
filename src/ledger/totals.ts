import type { CallRecord } from '../core/records.js';
import { totalInput, type Usage } from '../core/usage.js';

/*
 * The sums every report row is made of. An unpriced call (costUsd null) is never summed as $0:
 * its count and tokens go to `unknown`, and the UI shows "?".
 */

export interface UnknownCost {
  calls: number;
  /** Input of every kind plus output. */
  tokens: number;
}

export interface CostTotals {
  calls: number;
  /** USD of calls with a known price. */
  usd: number;
  unknown: UnknownCost;
  /**
   * Priced calls whose usage was estimated (an interrupted stream): their USD is approximate
   * ("~"). A $0 local call with estimated usage is not counted.
   */
  estimated: number;
  usage: Usage;
  /** Electricity of local calls, kept apart from the money paid to providers. */
  energyUsd: number;
}

export interface GroupRow extends CostTotals {
  key: string;
}

export type GroupBy = 'day' | 'week' | 'month' | 'tier' | 'model' | 'provider' | 'taskType';

export function emptyTotals(): CostTotals {
  return {
    calls: 0,
    usd: 0,
    unknown: { calls: 0, tokens: 0 },
    estimated: 0,
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    energyUsd: 0,
  };
}

export function addCall(t: CostTotals, call: CallRecord): void {
  const u = call.usage;
  t.calls += 1;
  t.usage.input += u.input;
  t.usage.output += u.output;
  t.usage.cacheRead += u.cacheRead;
  t.usage.cacheWrite += u.cacheWrite;
  t.usage.reasoning += u.reasoning;
  t.energyUsd += call.energyUsd ?? 0;
  // Estimated tokens make a price approximate only where tokens are priced: a local call's $0
  // (a timed-out classifier call, an interrupted local turn) is exact.
  if (call.usageEstimated === true && call.costUsd !== 0) t.estimated += 1;
  if (call.costUsd === null) {
    t.unknown.calls += 1;
    t.unknown.tokens += totalInput(u) + u.output;
  } else {
    t.usd += call.costUsd;
  }
}

function mergeInto(t: CostTotals, other: CostTotals): void {
  t.calls += other.calls;
  t.usd += other.usd;
  t.unknown.calls += other.unknown.calls;
  t.unknown.tokens += other.unknown.tokens;
  t.estimated += other.estimated;
  t.usage.input += other.usage.input;
  t.usage.output += other.usage.output;
  t.usage.cacheRead += other.usage.cacheRead;
  t.usage.cacheWrite += other.usage.cacheWrite;
  t.usage.reasoning += other.usage.reasoning;
  t.energyUsd += other.energyUsd;
}

export function rowOf(rows: Map<string, GroupRow>, key: string): GroupRow {
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { key, ...emptyTotals() }));
  return row;
}

export function byKeyOrder(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Most expensive first, then most calls, then by key: the order of the non-time groupings. */
export function byUsdDesc(a: GroupRow, b: GroupRow): number {
  return b.usd - a.usd || b.calls - a.calls || byKeyOrder(a, b);
}

/** Day rows rolled up (weeks, months) without touching every call again. */
export function rollUp(days: readonly GroupRow[], keyOf: (day: string) => string): GroupRow[] {
  const rows = new Map<string, GroupRow>();
  for (const day of days) mergeInto(rowOf(rows, keyOf(day.key)), day);
  return [...rows.values()].sort(byKeyOrder);
}

export function providerOf(model: string): string {
  const slash = model.indexOf('/');
  return slash < 0 ? model : model.slice(0, slash);
}

export function isLocalModel(model: string): boolean {
  return model.startsWith('ollama/');
}
