import type { Config } from '../../config/schema.js';
import { toKirikaeError } from '../../core/errors.js';
import { readCostsScreenData } from '../../ledger/month.js';
import { whatIfModelOf } from '../../ledger/whatif.js';
import { ledgerDir } from '../../ledger/store.js';
import { addMonths, isMonth, monthOfDate } from '../../ledger/time.js';
import type { CostsPort } from './screen-ports.js';

/**
 * The costs screen's port: one streamed pass over the month's file (the same builder as
 * `kirikae costs`), never the whole month in an array.
 */
export function createCostsPort(
  config: Config,
  env: NodeJS.ProcessEnv,
  now: () => Date = () => new Date(),
): CostsPort {
  const dir = ledgerDir(env);
  return {
    currentMonth: () => monthOfDate(now()),
    shiftMonth: (month, delta) => addMonths(month, delta),
    async load(month, by) {
      if (!isMonth(month)) return { ok: false, error: `"${month}" is not a YYYY-MM month` };
      try {
        const { data, skipped } = await readCostsScreenData(dir, {
          month,
          by,
          budgetUsd: config.budget.monthlyUsd,
          now: now(),
          dailySoftUsd: config.budget.dailySoftUsd,
          warnAt: config.budget.warnAt,
          action: config.budget.action,
          overrides: config.prices,
          whatIfModel: whatIfModelOf(config.tiers),
        });
        return { ok: true, value: { ...data, skippedLines: skipped } };
      } catch (error) {
        return { ok: false, error: toKirikaeError(error).describe() };
      }
    },
  };
}
