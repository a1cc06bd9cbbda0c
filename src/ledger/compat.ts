import type { CallRecord, LedgerRecord } from '../core/records.js';
import { dayOfTs, monthDays } from './time.js';

/*
 * Kept only so src/app/screen-ports.ts keeps working until its costs port calls
 * readCostsScreenData (which reads the projection's history itself): delete this file then.
 */

/** @deprecated The costs port should call readCostsScreenData instead. */
export function callsOf(records: readonly LedgerRecord[]): CallRecord[] {
  return records.filter((r): r is CallRecord => r.type === 'call');
}

/** @deprecated The costs port should call readCostsScreenData instead. */
export function dailySeries(
  calls: readonly CallRecord[],
  month: string,
): { day: string; usd: number }[] {
  const usd = new Map<string, number>();
  for (const call of calls) {
    if (call.costUsd !== null)
      usd.set(dayOfTs(call.ts), (usd.get(dayOfTs(call.ts)) ?? 0) + call.costUsd);
  }
  return monthDays(month).map((day) => ({ day, usd: usd.get(day) ?? 0 }));
}
