import { loadConfig } from '../config/store.js';
import { isKirikaeError } from '../core/errors.js';
import { parseModelRef } from '../core/model-ref.js';
import { TIER_NAMES, parseTier } from '../core/tier.js';
import { budgetState, type BudgetState } from '../ledger/budget.js';
import { bar, csvLine, formatPct, formatTokens, formatUsd, table } from '../ledger/format.js';
import {
  MIN_SAMPLE_DAYS,
  type CompletedTaskRow,
  type GroupRow,
  type MonthReport,
} from '../ledger/reports.js';
import { groupRows, type CostsGrouping } from '../ledger/screen.js';
import { ledgerDir, monthFile } from '../ledger/store.js';
import { readDailyUsd, readMonthSummary, type MonthSummary } from '../ledger/month.js';
import { addMonths, isMonth, monthOfDate } from '../ledger/time.js';
import { DEFAULT_WHATIF_MODEL, type WhatIfResult } from '../ledger/whatif.js';

export interface CostsArgs {
  /** `YYYY-MM` (UTC month); default the current one. */
  month?: string;
  by?: CostsGrouping;
  /** Model to compare with (default anthropic/claude-opus-4-6). */
  whatif?: string;
  json?: boolean;
  csv?: boolean;
}

export interface CostsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  now?: Date;
}

const GROUPINGS: readonly CostsGrouping[] = ['day', 'tier', 'model', 'task'];

/** The `--json` document: one object, USD rounded to micro-dollars, unknown prices as null. */
export interface CostsJson {
  month: string;
  totalUsd: number;
  budgetUsd: number;
  budget: { fraction: number; remainingUsd: number; warnLevel: number | null; exceeded: boolean };
  unknownCost: { calls: number; tokens: number };
  skippedLines: number;
  byDay: JsonGroupRow[];
  byTier: JsonGroupRow[];
  byModel: JsonGroupRow[];
  byTaskType: JsonGroupRow[];
  perCompletedTask: CompletedTaskRow[];
  localShare: MonthReport['localShare'];
  cacheHitRate: MonthReport['cacheHitRate'];
  projection: MonthReport['projection'];
  topTasks: MonthReport['topTasks'];
  latency: MonthReport['latency'];
  whatif: {
    model: string;
    totalUsd: number | null;
    savedPct: number | null;
    comparedCalls: number;
    excludedCalls: number;
  };
}

interface JsonGroupRow {
  key: string;
  calls: number;
  /** Known USD; null when every call of the group is unpriced (never a made-up 0). */
  usd: number | null;
  unknownCalls: number;
  unknownTokens: number;
  usage: GroupRow['usage'];
}

class UsageError extends Error {}

function usd6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Rounds every USD-like number in a report object for printing (floats end in ...0004). */
function roundUsd<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      typeof v === 'number' && /usd/i.test(key) ? usd6(v) : v,
    ),
  ) as T;
}

function validate(args: CostsArgs, now: Date): { month: string; by: CostsGrouping; model: string } {
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
  const model = args.whatif ?? DEFAULT_WHATIF_MODEL;
  try {
    parseModelRef(model);
  } catch (error) {
    throw new UsageError(`--whatif: ${isKirikaeError(error) ? error.describe() : String(error)}`);
  }
  if (args.json && args.csv) throw new UsageError('--json and --csv cannot be used together');
  return { month, by, model };
}

/** "$1.20", "$1.20 + ?" when some calls are unpriced, "?" when all are. */
function costCell(usd: number, calls: number, unknownCalls: number): string {
  if (unknownCalls === 0) return formatUsd(usd);
  return unknownCalls === calls ? '?' : `${formatUsd(usd)} + ?`;
}

function groupLabel(by: CostsGrouping, key: string): string {
  if (by !== 'tier') return key;
  const tier = parseTier(key);
  return tier === undefined ? key : `${tier} ${TIER_NAMES[tier]}`;
}

function jsonRows(rows: readonly GroupRow[]): JsonGroupRow[] {
  return rows.map((row) => ({
    key: row.key,
    calls: row.calls,
    usd: row.unknown.calls === row.calls && row.calls > 0 ? null : row.usd,
    unknownCalls: row.unknown.calls,
    unknownTokens: row.unknown.tokens,
    usage: row.usage,
  }));
}

function toJson(
  report: MonthReport,
  budget: BudgetState,
  whatif: WhatIfResult,
  skipped: number,
): CostsJson {
  return roundUsd({
    month: report.month,
    totalUsd: report.totals.usd,
    budgetUsd: budget.budgetUsd,
    budget: {
      fraction: budget.fraction,
      remainingUsd: budget.remainingUsd,
      warnLevel: budget.warnLevel,
      exceeded: budget.exceeded,
    },
    unknownCost: report.totals.unknown,
    skippedLines: skipped,
    byDay: jsonRows(report.byDay),
    byTier: jsonRows(report.byTier),
    byModel: jsonRows(report.byModel),
    byTaskType: jsonRows(report.byTaskType),
    perCompletedTask: report.perCompletedTask,
    localShare: report.localShare,
    cacheHitRate: report.cacheHitRate,
    projection: report.projection,
    topTasks: report.topTasks,
    latency: report.latency,
    whatif: {
      model: whatif.label,
      totalUsd: whatif.totalUsd === 'unknown' ? null : whatif.totalUsd,
      savedPct: whatif.savedPct,
      comparedCalls: whatif.comparedCalls,
      excludedCalls: whatif.excludedCalls,
    },
  });
}

function toCsv(report: MonthReport, by: CostsGrouping): string[] {
  const header = csvLine([
    by,
    'calls',
    'usd',
    'unknown_price_calls',
    'unknown_price_tokens',
    'input_tokens',
    'output_tokens',
    'cache_read_tokens',
    'cache_write_tokens',
  ]);
  const rows = groupRows(report, by).map((row) =>
    csvLine([
      row.key,
      row.calls,
      // Empty, not 0, when every call of the row is unpriced.
      row.calls > 0 && row.unknown.calls === row.calls ? '' : usd6(row.usd),
      row.unknown.calls,
      row.unknown.tokens,
      row.usage.input,
      row.usage.output,
      row.usage.cacheRead,
      row.usage.cacheWrite,
    ]),
  );
  return [header, ...rows];
}

function toText(
  report: MonthReport,
  budget: BudgetState,
  whatif: WhatIfResult,
  by: CostsGrouping,
  dir: string,
): string[] {
  const lines: string[] = [];
  const { totals, projection } = report;
  lines.push(`kirikae costs, ${report.month} (UTC)   ledger: ${monthFile(dir, report.month)}`);
  lines.push('');
  const warn = budget.exceeded
    ? '  OVER BUDGET'
    : budget.warnLevel !== null
      ? `  passed ${formatPct(budget.warnLevel)}`
      : '';
  lines.push(
    `Spent       ${formatUsd(totals.usd)} of ${formatUsd(budget.budgetUsd)}  ${bar(budget.fraction)}  ${formatPct(budget.fraction)}${warn}`,
  );
  if (budget.daily.softCapUsd !== null) {
    lines.push(
      `Today       ${formatUsd(budget.daily.todayUsd)} of daily soft cap ${formatUsd(budget.daily.softCapUsd)}${budget.daily.exceeded ? '  OVER' : ''}`,
    );
  }
  if (totals.unknown.calls > 0) {
    lines.push(
      `Unpriced    ${totals.unknown.calls} call(s), ${formatTokens(totals.unknown.tokens)} tokens: cost ?, not included above`,
    );
  }
  if (totals.energyUsd > 0) lines.push(`Energy      ${formatUsd(totals.energyUsd)} (local calls)`);
  lines.push('');

  const rows = groupRows(report, by);
  lines.push(`By ${by === 'task' ? 'task type' : by}`);
  if (!rows.length) lines.push('  (no calls this month)');
  else {
    const tableLines = table(
      [by === 'task' ? 'task type' : by, ' calls', ' cost', ' share', ' unpriced', ' in', ' out'],
      rows.map((row) => [
        groupLabel(by, row.key),
        String(row.calls),
        costCell(row.usd, row.calls, row.unknown.calls),
        row.unknown.calls === row.calls
          ? '?'
          : formatPct(totals.usd > 0 ? row.usd / totals.usd : null),
        row.unknown.calls ? String(row.unknown.calls) : '',
        formatTokens(row.usage.input + row.usage.cacheRead + row.usage.cacheWrite),
        formatTokens(row.usage.output),
      ]),
    );
    lines.push(...tableLines.map((l) => `  ${l}`));
  }
  lines.push('');

  lines.push('Cost per completed task (every attempt, failures and escalations included)');
  if (!report.perCompletedTask.length) lines.push('  (no finished tasks this month)');
  else {
    const tableLines = table(
      ['type/tier', ' done', ' mean', ' p50', ' p90', ' unpriced', ' failed', ' incl. failed'],
      report.perCompletedTask.map((row) => [
        row.key,
        String(row.completed),
        formatUsd(row.meanUsd),
        formatUsd(row.p50Usd),
        formatUsd(row.p90Usd),
        row.unknownTasks ? `${row.unknownTasks} ?` : '',
        row.wastedTasks ? `${row.wastedTasks} (${formatUsd(row.wastedUsd)})` : '',
        formatUsd(row.usdPerCompletedInclWaste),
      ]),
    );
    lines.push(...tableLines.map((l) => `  ${l}`));
  }
  lines.push('');

  const share = report.localShare;
  lines.push(
    `Local share     ${formatPct(share.turns.share)} of turns, ${formatPct(share.calls.share)} of calls, ${formatPct(share.tokens.share)} of tokens`,
  );
  const cache = report.cacheHitRate;
  lines.push(
    `Cache hits      ${formatPct(cache.rate)} of cloud input (${formatTokens(cache.cacheReadTokens)} read from cache of ${formatTokens(cache.inputTokens)})`,
  );
  const risk = projection.exceedsAtP50
    ? '  will exceed the budget'
    : projection.willExceedBudget
      ? '  may exceed the budget'
      : '';
  lines.push(
    `Month end       p50 ${formatUsd(projection.p50Usd)}, p90 ${formatUsd(projection.p90Usd)} (budget ${formatUsd(projection.budgetUsd)})${risk}`,
  );
  if (whatif.totalUsd === 'unknown') {
    lines.push(`What-if         ${whatif.label}: no price known`);
  } else {
    const saved =
      whatif.savedPct === null
        ? ''
        : whatif.savedPct >= 0
          ? `: routing saved ${whatif.savedPct.toFixed(0)}%`
          : `: routing cost ${(-whatif.savedPct).toFixed(0)}% more`;
    const left = whatif.excludedCalls ? ` (${whatif.excludedCalls} unpriced call(s) left out)` : '';
    lines.push(
      `What-if         all on ${whatif.label} ${formatUsd(whatif.totalUsd)} vs ${formatUsd(whatif.actualUsd)} actual${saved}${left}`,
    );
  }
  if (report.topTasks.length) {
    lines.push('');
    lines.push('Most expensive tasks');
    const tableLines = table(
      ['task', 'type', 'outcome', ' calls', ' cost', 'models'],
      report.topTasks.map((task) => [
        task.task,
        task.taskType ?? '',
        task.outcome,
        String(task.calls),
        costCell(task.usd, task.calls, task.unknownCalls),
        task.models.join(' → '),
      ]),
    );
    lines.push(...tableLines.map((l) => `  ${l}`));
  }
  return lines;
}

/** Daily USD of the month before, when the projection needs history for its first days. */
async function historyFor(dir: string, month: string, now: Date): Promise<number[] | undefined> {
  if (month !== monthOfDate(now) || now.getUTCDate() > MIN_SAMPLE_DAYS) return undefined;
  return readDailyUsd(dir, addMonths(month, -1));
}

function write(stream: NodeJS.WritableStream, lines: readonly string[]): void {
  stream.write(lines.map((l) => `${l}\n`).join(''));
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

  // Streamed: each record is folded into the report and the what-if as it is parsed.
  let summary: MonthSummary;
  try {
    const history = await historyFor(dir, month, now);
    summary = await readMonthSummary(dir, {
      month,
      now,
      budgetUsd: config.budget.monthlyUsd,
      history,
      whatIfModel: model,
      overrides: config.prices,
    });
  } catch (error) {
    write(io.stderr, [
      `kirikae costs: ${isKirikaeError(error) ? error.describe() : String(error)}`,
    ]);
    return 1;
  }
  const { report, whatIf: whatif, skipped } = summary;
  if (skipped > 0) {
    write(io.stderr, [
      `warning: ${skipped} corrupted ledger line(s) skipped in ${monthFile(dir, month)}`,
    ]);
  }
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

  if (args.json) {
    io.stdout.write(`${JSON.stringify(toJson(report, budget, whatif, skipped), null, 2)}\n`);
  } else if (args.csv) {
    write(io.stdout, toCsv(report, by));
  } else {
    write(io.stdout, toText(report, budget, whatif, by, dir));
  }
  return 0;
}
