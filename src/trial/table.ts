// The trial's answer: per configuration, success rate, cost per completed task, planner-side
// input and cache reads, wall time — from the runs' own ledger figures — and a CSV of runs.
import { csvLine, table } from '../ledger/format.js';
import { percent, seconds, tokens, usd } from '../present/units.js';
import type { RunResult } from './run.js';

export interface ConfigRow {
  config: string;
  runs: number;
  passed: number;
  successRate: number;
  /** Every run's known spend over the completed ones; null when none completed. */
  usdPerCompleted: number | null;
  /** Runs with a call of unknown price: the cost is a lower bound. */
  unknownRuns: number;
  totalUsd: number;
  meanPlannerInput: number;
  meanPlannerCacheRead: number;
  meanOverheadTokens: number;
  meanWallMs: number;
}

const mean = (values: number[]): number =>
  values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;

export function summarise(results: readonly RunResult[]): ConfigRow[] {
  const byConfig = new Map<string, RunResult[]>();
  for (const r of results) byConfig.set(r.config, [...(byConfig.get(r.config) ?? []), r]);
  return [...byConfig].map(([config, runs]) => {
    const passed = runs.filter((r) => r.passed).length;
    const totalUsd = runs.reduce((s, r) => s + r.usd.usd, 0);
    return {
      config,
      runs: runs.length,
      passed,
      successRate: passed / runs.length,
      usdPerCompleted: passed ? totalUsd / passed : null,
      unknownRuns: runs.filter((r) => r.usd.unknown > 0).length,
      totalUsd,
      meanPlannerInput: mean(runs.map((r) => r.plannerInput)),
      meanPlannerCacheRead: mean(runs.map((r) => r.plannerCacheRead)),
      meanOverheadTokens: mean(runs.map((r) => r.overheadTokens)),
      meanWallMs: mean(runs.map((r) => r.wallMs)),
    };
  });
}

export function trialText(rows: readonly ConfigRow[]): string[] {
  return table(
    [
      'configuration',
      ' runs',
      ' success',
      ' $/completed',
      ' planner input',
      ' planner cache reads',
      ' re-read overhead',
      ' wall time',
    ],
    rows.map((r) => [
      r.config,
      String(r.runs),
      percent(r.successRate),
      `${usd(r.usdPerCompleted)}${r.unknownRuns ? ' + ?' : ''}`,
      tokens(r.meanPlannerInput),
      tokens(r.meanPlannerCacheRead),
      tokens(r.meanOverheadTokens),
      seconds(r.meanWallMs / 1000),
    ]),
  );
}

export const CSV_HEADER = [
  'trial',
  'config',
  'run',
  'session',
  'passed',
  'exit_code',
  'usd',
  'unknown_calls',
  'calls',
  'planner_input',
  'planner_cache_read',
  'executor_calls',
  'overhead_tokens',
  'wall_ms',
  'error',
];

export function trialCsv(results: readonly RunResult[]): string[] {
  return [
    csvLine(CSV_HEADER),
    ...results.map((r) =>
      csvLine([
        r.trial,
        r.config,
        r.run,
        r.session,
        r.passed ? 1 : 0,
        r.exitCode ?? '',
        r.usd.usd,
        r.usd.unknown,
        r.calls,
        r.plannerInput,
        r.plannerCacheRead,
        r.executorCalls,
        r.overheadTokens,
        r.wallMs,
        r.error ?? '',
      ]),
    ),
  ];
}
