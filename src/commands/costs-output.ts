import { TIER_NAMES, parseTier } from '../core/tier.js';
import type { BudgetState } from '../ledger/budget.js';
import { bar, csvLine, table } from '../ledger/format.js';
import type {
  BilledDisagreementRow,
  CompletedTaskRow,
  GroupRow,
  MonthReport,
  TaskCost,
} from '../ledger/reports.js';
import { groupRows, type CostsGrouping } from '../ledger/screen.js';
import type { WhatIfResult } from '../ledger/whatif.js';
import { UNKNOWN, percent, tokens, usd, usdJson, usdSum } from '../present/units.js';

/*
 * The three faces of `kirikae costs`: text, JSON and CSV, from one month report.
 * An unknown amount is never printed as $0: "?" alone when nothing is priced, "$0.093 + ?"
 * when part is; in JSON, null with `costKnown: false`. "~" marks an amount that includes
 * calls whose usage was estimated (an interrupted stream reported none).
 */

/** The `--json` document: one object, USD rounded to micro-dollars, unknown prices as null. */
export interface CostsJson {
  month: string;
  /** Known USD; null when calls were made and none is priced. */
  totalUsd: number | null;
  /** False when any call of the month has no known price: the real total is higher. */
  costKnown: boolean;
  /** Calls whose usage was estimated (interrupted streams): their USD is approximate. */
  estimatedCalls: number;
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
  /** Turns answered from the semantic cache, their rate among all turns, and what they saved. */
  semanticCache: MonthReport['semanticCache'];
  projection: MonthReport['projection'];
  topTasks: JsonTask[];
  latency: MonthReport['latency'];
  billedDisagreements: BilledDisagreementRow[];
  whatif: {
    model: string;
    totalUsd: number | null;
    savedPct: number | null;
    comparedCalls: number;
    excludedCalls: number;
  };
}

export interface JsonGroupRow {
  key: string;
  calls: number;
  /** Known USD; null when every call of the group is unpriced (never a made-up 0). */
  usd: number | null;
  costKnown: boolean;
  unknownCalls: number;
  unknownTokens: number;
  estimatedCalls: number;
  usage: GroupRow['usage'];
}

export interface JsonTask extends Omit<TaskCost, 'usd'> {
  usd: number | null;
  costKnown: boolean;
}

/** Rounds every USD-like number in a report object for printing (floats end in ...0004). */
function roundUsd<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      typeof v === 'number' && /usd/i.test(key) ? usdJson(v) : v,
    ),
  ) as T;
}

/**
 * A CSV cell's dollars: plain decimals, since some spreadsheets do not read 3.2e-7; empty, not
 * 0, when every call of the row is unpriced.
 */
function csvUsd(value: number | null): string {
  return value === null ? '' : value.toFixed(12).replace(/\.?0+$/, '');
}

/** Known USD, or null when there were calls and none was priced. */
function knownUsd(value: number, calls: number, unknownCalls: number): number | null {
  return calls > 0 && unknownCalls >= calls ? null : value;
}

/** "$1.20", "$1.20 + ?", "?"; with "~" in front when estimated usage is part of it. */
export function costText(value: number, unknownCalls: number, estimatedCalls: number): string {
  const text = usdSum({ usd: value, unknown: unknownCalls });
  return estimatedCalls > 0 && text !== UNKNOWN ? `~${text}` : text;
}

function jsonRows(rows: readonly GroupRow[]): JsonGroupRow[] {
  return rows.map((row) => ({
    key: row.key,
    calls: row.calls,
    usd: knownUsd(row.usd, row.calls, row.unknown.calls),
    costKnown: row.unknown.calls === 0,
    unknownCalls: row.unknown.calls,
    unknownTokens: row.unknown.tokens,
    estimatedCalls: row.estimated,
    usage: row.usage,
  }));
}

export function toJson(
  report: MonthReport,
  budget: BudgetState,
  whatif: WhatIfResult,
  skipped: number,
): CostsJson {
  const { totals } = report;
  return roundUsd({
    month: report.month,
    totalUsd: knownUsd(totals.usd, totals.calls, totals.unknown.calls),
    costKnown: totals.unknown.calls === 0,
    estimatedCalls: totals.estimated,
    budgetUsd: budget.budgetUsd,
    budget: {
      fraction: budget.fraction,
      remainingUsd: budget.remainingUsd,
      warnLevel: budget.warnLevel,
      exceeded: budget.exceeded,
    },
    unknownCost: totals.unknown,
    skippedLines: skipped,
    byDay: jsonRows(report.byDay),
    byTier: jsonRows(report.byTier),
    byModel: jsonRows(report.byModel),
    byTaskType: jsonRows(report.byTaskType),
    perCompletedTask: report.perCompletedTask,
    localShare: report.localShare,
    cacheHitRate: report.cacheHitRate,
    semanticCache: report.semanticCache,
    projection: report.projection,
    topTasks: report.topTasks.map((task) => ({
      ...task,
      usd: knownUsd(task.usd, task.calls, task.unknownCalls),
      costKnown: task.unknownCalls === 0,
    })),
    latency: report.latency,
    billedDisagreements: report.billedDisagreements,
    whatif: {
      model: whatif.label,
      totalUsd: whatif.totalUsd === 'unknown' ? null : whatif.totalUsd,
      savedPct: whatif.savedPct,
      comparedCalls: whatif.comparedCalls,
      excludedCalls: whatif.excludedCalls,
    },
  });
}

export function toCsv(report: MonthReport, by: CostsGrouping): string[] {
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
      csvUsd(knownUsd(usdJson(row.usd), row.calls, row.unknown.calls)),
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

function groupLabel(by: CostsGrouping, key: string): string {
  if (by !== 'tier') return key;
  const tier = parseTier(key);
  return tier === undefined ? key : `${tier} ${TIER_NAMES[tier]}`;
}

function indented(lines: readonly string[]): string[] {
  return lines.map((l) => `  ${l}`);
}

function groupTable(report: MonthReport, by: CostsGrouping): string[] {
  const rows = groupRows(report, by);
  const total = report.totals.usd;
  const lines = [`By ${by === 'task' ? 'task type' : by}`];
  if (!rows.length) return [...lines, '  (no calls this month)'];
  const body = table(
    [by === 'task' ? 'task type' : by, ' calls', ' cost', ' share', ' unpriced', ' in', ' out'],
    rows.map((row) => [
      groupLabel(by, row.key),
      String(row.calls),
      costText(row.usd, row.unknown.calls, row.estimated),
      row.unknown.calls === row.calls ? UNKNOWN : percent(total > 0 ? row.usd / total : null),
      row.unknown.calls ? String(row.unknown.calls) : '',
      tokens(row.usage.input + row.usage.cacheRead + row.usage.cacheWrite),
      tokens(row.usage.output),
    ]),
  );
  return [...lines, ...indented(body)];
}

function completedTable(report: MonthReport): string[] {
  const lines = ['Cost per completed task (every attempt, failures and escalations included)'];
  if (!report.perCompletedTask.length) return [...lines, '  (no finished tasks this month)'];
  const body = table(
    ['type/tier', ' done', ' mean', ' p50', ' p90', ' unpriced', ' failed', ' incl. failed'],
    report.perCompletedTask.map((row) => [
      row.key,
      String(row.completed),
      usd(row.meanUsd),
      usd(row.p50Usd),
      usd(row.p90Usd),
      row.unknownTasks ? `${row.unknownTasks} ${UNKNOWN}` : '',
      row.wastedTasks ? `${row.wastedTasks} (${usd(row.wastedUsd)})` : '',
      usd(row.usdPerCompletedInclWaste),
    ]),
  );
  return [...lines, ...indented(body)];
}

function whatIfLine(whatif: WhatIfResult): string {
  if (whatif.totalUsd === 'unknown')
    return whatif.excludedCalls
      ? `What-if         ${whatif.label}: no price known`
      : `What-if         ${whatif.label}: no calls to compare`;
  const saved =
    whatif.savedPct === null
      ? ''
      : whatif.savedPct >= 0
        ? `: routing saved ${whatif.savedPct.toFixed(0)}%`
        : `: routing cost ${(-whatif.savedPct).toFixed(0)}% more`;
  const left = whatif.excludedCalls ? ` (${whatif.excludedCalls} unpriced call(s) left out)` : '';
  return `What-if         all on ${whatif.label} ${usd(whatif.totalUsd)} vs ${usd(whatif.actualUsd)} actual${saved}${left}`;
}

function topTasksTable(report: MonthReport): string[] {
  if (!report.topTasks.length) return [];
  const body = table(
    ['task', 'type', 'outcome', ' calls', ' cost', 'models'],
    report.topTasks.map((task) => [
      task.task,
      task.taskType ?? '',
      task.outcome,
      String(task.calls),
      costText(task.usd, task.unknownCalls, task.estimatedCalls),
      task.models.join(' → '),
    ]),
  );
  return ['', 'Most expensive tasks', ...indented(body)];
}

/** "Answer cache   3 turns (12% of turns), saved $0.012 + ?". */
function semanticCacheLine(report: MonthReport): string {
  const cache = report.semanticCache;
  const saved = costText(cache.savedUsd, cache.unpricedHits, 0);
  return `Answer cache    ${cache.hits} turn${cache.hits === 1 ? '' : 's'} answered from the semantic cache (${percent(cache.rate)} of turns), saved ${saved}`;
}

export function toText(
  report: MonthReport,
  budget: BudgetState,
  whatif: WhatIfResult,
  by: CostsGrouping,
  ledgerFile: string,
  /** Show the semantic cache's line even with no hits (it is enabled). */
  showSemantic = false,
): string[] {
  const { totals, projection } = report;
  const lines = [`kirikae costs, ${report.month} (UTC)   ledger: ${ledgerFile}`, ''];
  const warn = budget.exceeded
    ? '  OVER BUDGET'
    : budget.warnLevel !== null
      ? `  passed ${percent(budget.warnLevel)}`
      : '';
  const spent = costText(totals.usd, totals.unknown.calls, totals.estimated);
  lines.push(
    `Spent       ${spent} of ${usd(budget.budgetUsd)}  ${bar(budget.fraction)}  ${percent(budget.fraction)}${warn}`,
  );
  if (budget.daily.softCapUsd !== null) {
    lines.push(
      `Today       ${usd(budget.daily.todayUsd)} of daily soft cap ${usd(budget.daily.softCapUsd)}${budget.daily.exceeded ? '  OVER' : ''}`,
    );
  }
  if (totals.unknown.calls > 0) {
    lines.push(
      `Unpriced    ${totals.unknown.calls} call(s), ${tokens(totals.unknown.tokens)} tokens: cost ${UNKNOWN}, not in the known amount`,
    );
  }
  if (totals.estimated > 0) {
    const n = totals.estimated;
    lines.push(
      `Estimated   ${n} call${n === 1 ? '' : 's'} with estimated usage (cut short): amounts marked ~`,
    );
  }
  if (totals.energyUsd > 0) lines.push(`Energy      ${usd(totals.energyUsd)} (local calls)`);
  if (report.billedDisagreements.length > 0) {
    lines.push(
      `Check       ${report.billedDisagreements.length} call(s) billed more than 5 % off the price table: kirikae costs --check`,
    );
  }
  lines.push('', ...groupTable(report, by), '', ...completedTable(report), '');

  const share = report.localShare;
  lines.push(
    `Local share     ${percent(share.turns.share)} of turns, ${percent(share.calls.share)} of calls, ${percent(share.tokens.share)} of tokens`,
  );
  const cache = report.cacheHitRate;
  lines.push(
    `Cache hits      ${percent(cache.rate)} of cloud input (${tokens(cache.cacheReadTokens)} read from cache of ${tokens(cache.inputTokens)})`,
  );
  if (showSemantic || report.semanticCache.hits > 0) lines.push(semanticCacheLine(report));
  const risk = projection.exceedsAtP50
    ? '  will exceed the budget'
    : projection.willExceedBudget
      ? '  may exceed the budget'
      : '';
  lines.push(
    `Month end       p50 ${usd(projection.p50Usd)}, p90 ${usd(projection.p90Usd)} (budget ${usd(projection.budgetUsd)})${risk}`,
    whatIfLine(whatif),
    ...topTasksTable(report),
  );
  return lines;
}

/** `--check`: the calls whose billed cost and the price table's differ by more than 5 %. */
export function toCheck(report: MonthReport): string[] {
  const rows = report.billedDisagreements;
  if (!rows.length) {
    return [`No call in ${report.month} was billed more than 5 % off the price table.`];
  }
  const body = table(
    ['time (UTC)', 'task', 'model', ' booked', ' billed', ' table', ' gap'],
    rows.map((row) => [
      row.ts,
      row.task,
      row.model,
      usd(row.costUsd),
      usd(row.reportedUsd),
      usd(row.tableUsd),
      row.tableUsd > 0 ? percent((row.reportedUsd - row.tableUsd) / row.tableUsd) : UNKNOWN,
    ]),
  );
  return [
    `${rows.length} call(s) in ${report.month} billed more than 5 % off the price table`,
    '(booked: what the ledger counts; billed: what the provider reported; table: the price table)',
    '',
    ...indented(body),
  ];
}
