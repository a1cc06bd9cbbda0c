import { loadConfig } from '../config/store.js';
import { isKirikaeError } from '../core/errors.js';
import { parseModelRef } from '../core/model-ref.js';
import { budgetState } from '../ledger/budget.js';
import type { CostsGrouping } from '../ledger/screen.js';
import type { DelegationReport } from '../ledger/delegation.js';
import { ledgerDir, monthFile } from '../ledger/store.js';
import { projectionHistory, readMonthFigures, type MonthFigures } from '../ledger/month.js';
import { isMonth, monthOfDate } from '../ledger/time.js';
import { whatIfModelOf } from '../ledger/whatif.js';
import { bookInterruptedCalls, interruptedNotice } from '../session/turn-ledger.js';
import { toCheck, toCsv, toJson, toText } from './costs-output.js';
import { rolesCsv, rolesJson, rolesText } from './costs-roles.js';

export type { CostsJson, JsonGroupRow, JsonTask } from './costs-output.js';

export interface CostsArgs {
  /** `YYYY-MM` (UTC month); default the current one. */
  month?: string;
  /** `role`: the delegation books (planner, executor, solo, overhead, verdict). */
  by?: CostsGrouping | 'role';
  /** Model to compare with (default: the first model of the config's tier 0). */
  whatif?: string;
  json?: boolean;
  csv?: boolean;
  /** List the calls whose billed cost is more than 5 % off the price table. */
  check?: boolean;
}

export interface CostsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  now?: Date;
}

const GROUPINGS: readonly (CostsGrouping | 'role')[] = ['day', 'tier', 'model', 'task', 'role'];

class UsageError extends Error {}

function validate(
  args: CostsArgs,
  now: Date,
): { month: string; by: CostsGrouping | 'role'; model: string | undefined } {
  const month = args.month ?? monthOfDate(now);
  if (!isMonth(month)) {
    throw new UsageError(
      `--month must be a month as YYYY-MM (e.g. ${monthOfDate(now)}), got "${month}"`,
    );
  }
  const by = args.by ?? 'tier';
  if (!GROUPINGS.includes(by)) {
    throw new UsageError(`--by must be one of ${GROUPINGS.join(', ')}, got "${String(by)}"`);
  }
  const model = args.whatif;
  try {
    if (model !== undefined) parseModelRef(model);
  } catch (error) {
    throw new UsageError(`--whatif: ${isKirikaeError(error) ? error.describe() : String(error)}`);
  }
  if (args.json && args.csv) throw new UsageError('--json and --csv cannot be used together');
  if (args.check && args.csv) throw new UsageError('--check and --csv cannot be used together');
  return { month, by, model };
}

function write(stream: NodeJS.WritableStream, lines: readonly string[]): void {
  stream.write(lines.map((l) => `${l}\n`).join(''));
}

/** `--by role`: the month's delegation books, from the month's fold (as the report). */
function roleBooks(
  args: CostsArgs,
  month: string,
  dir: string,
  books: DelegationReport,
  io: CostsIo,
): number {
  if (args.json) io.stdout.write(`${JSON.stringify(rolesJson(books, month), null, 2)}\n`);
  else if (args.csv) write(io.stdout, rolesCsv(books));
  else write(io.stdout, rolesText(books, month, monthFile(dir, month)));
  return 0;
}

/**
 * `kirikae costs`: the month's spend against the budget, grouped, per completed task, with the
 * projection and the what-if saving. Exit 0, 1 when the ledger cannot be read, 2 on bad usage.
 */
export async function runCosts(args: CostsArgs, io: CostsIo): Promise<number> {
  const now = io.now ?? new Date();
  let options: ReturnType<typeof validate>;
  try {
    options = validate(args, now);
  } catch (error) {
    write(io.stderr, [`kirikae costs: ${error instanceof Error ? error.message : String(error)}`]);
    return 2;
  }
  const { month, by, model } = options;
  const loaded = loadConfig(io.env);
  for (const problem of loaded.problems) {
    write(io.stderr, [`warning: config ignored, using defaults: ${problem}`]);
  }
  const config = loaded.config;
  const dir = ledgerDir(io.env);
  // A call an earlier run died during is booked before the month is read: this is where a
  // user looks for it.
  const recovered = bookInterruptedCalls(dir, config);
  if (recovered) write(io.stderr, [`kirikae: ${interruptedNotice(recovered)}`]);
  const whatIfModel = model ?? whatIfModelOf(config.tiers);

  // Streamed: each record is folded into the report, the what-if and the delegation books as
  // it is parsed (from the month's checkpoint and what was appended since).
  let figures: MonthFigures;
  try {
    const history = by === 'role' ? undefined : await projectionHistory(dir, month, now);
    figures = await readMonthFigures(dir, {
      month,
      now,
      budgetUsd: config.budget.monthlyUsd,
      history,
      whatIfModel,
      overrides: config.prices,
    });
  } catch (error) {
    write(io.stderr, [
      `kirikae costs: ${isKirikaeError(error) ? error.describe() : String(error)}`,
    ]);
    return 1;
  }
  const { report, whatIf: whatif, skipped } = figures.summary;
  if (skipped > 0) {
    write(io.stderr, [
      `warning: ${skipped} corrupted ledger line(s) skipped in ${monthFile(dir, month)}`,
    ]);
  }
  if (by === 'role') return roleBooks(args, month, dir, figures.books(), io);
  const budget = budgetState(
    {
      month,
      spentUsd: report.totals.usd,
      unknownCostCalls: report.totals.unknown.calls,
      dailyUsd: Object.fromEntries(report.dailySeries.map((d) => [d.day, d.usd])),
    },
    config.budget,
    now,
  );

  if (args.check && args.json) {
    const json = toJson(report, budget, whatif, skipped);
    const check = { month: json.month, billedDisagreements: json.billedDisagreements };
    io.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
  } else if (args.check) {
    write(io.stdout, toCheck(report));
  } else if (args.json) {
    io.stdout.write(`${JSON.stringify(toJson(report, budget, whatif, skipped), null, 2)}\n`);
  } else if (args.csv) {
    write(io.stdout, toCsv(report, by));
  } else {
    const semantic = config.cache.semantic.enabled;
    write(io.stdout, toText(report, budget, whatif, by, monthFile(dir, month), semantic));
  }
  return 0;
}
