import type { LedgerRecord } from '../core/records.js';
import { addMonths, ledgerDir, monthOfDate, readLedgerRange } from '../ledger/index.js';
import { monthSpendOf } from '../ledger/spend.js';

/**
 * What the router learns from, for headless commands: this and last month's records (read
 * only; nothing is created) and this month's spend. A missing or unreadable ledger is empty.
 */
export async function routingHistory(
  env: NodeJS.ProcessEnv,
  now = new Date(),
): Promise<{ history: LedgerRecord[]; monthSpendUsd: number }> {
  const month = monthOfDate(now);
  const from = `${addMonths(month, -1)}-01T00:00:00.000Z`;
  try {
    const { records } = await readLedgerRange(
      ledgerDir(env),
      from,
      new Date(now.getTime() + 86_400_000),
    );
    return { history: records, monthSpendUsd: monthSpendOf(records, month).spentUsd };
  } catch {
    return { history: [], monthSpendUsd: 0 };
  }
}
