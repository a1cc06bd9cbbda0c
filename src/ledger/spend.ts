import type { CallRecord, LedgerRecord } from '../core/records.js';
import { totalInput } from '../core/usage.js';
import { dayOfTs, monthOfTs } from './time.js';

/**
 * What the budget guard needs about one month, kept small so it can be updated one record at
 * a time. Only priced calls are summed; an unpriced call is counted, never added as $0.
 */
export interface MonthSpend {
  month: string;
  /** USD of calls with a known price. */
  spentUsd: number;
  calls: number;
  /** Calls whose price is unknown, and their tokens (input of every kind plus output). */
  unknownCostCalls: number;
  unknownCostTokens: number;
  /** Known USD per UTC day, `YYYY-MM-DD` → USD. */
  dailyUsd: Record<string, number>;
  /** Corrupted lines met while reading the month. */
  skipped: number;
}

export function emptyMonthSpend(month: string): MonthSpend {
  return {
    month,
    spentUsd: 0,
    calls: 0,
    unknownCostCalls: 0,
    unknownCostTokens: 0,
    dailyUsd: {},
    skipped: 0,
  };
}

export function isCall(record: LedgerRecord): record is CallRecord {
  return record.type === 'call';
}

/** Adds one record to the month's spend in place (records of other months are ignored). */
export function addToSpend(spend: MonthSpend, record: LedgerRecord): void {
  if (record.type !== 'call' || monthOfTs(record.ts) !== spend.month) return;
  spend.calls += 1;
  if (record.costUsd === null) {
    spend.unknownCostCalls += 1;
    spend.unknownCostTokens += totalInput(record.usage) + record.usage.output;
    return;
  }
  spend.spentUsd += record.costUsd;
  const day = dayOfTs(record.ts);
  spend.dailyUsd[day] = (spend.dailyUsd[day] ?? 0) + record.costUsd;
}

export function monthSpendOf(records: readonly LedgerRecord[], month: string): MonthSpend {
  const spend = emptyMonthSpend(month);
  for (const record of records) addToSpend(spend, record);
  return spend;
}

export function copySpend(spend: MonthSpend): MonthSpend {
  return { ...spend, dailyUsd: { ...spend.dailyUsd } };
}
