// `kirikae trial --task <file> --configs solo:opus,delegate:opus+local --runs N`: does
// delegating pay, here? Runs each configuration on fresh worktrees of this repository, judged
// by the task's check command only, and prints the table (and a CSV of every run).
import { writeFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { isKirikaeError } from '../core/errors.js';
import { parseConfigs } from '../trial/configs.js';
import { runTrial, type RunResult, type TrialKit } from '../trial/run.js';
import { summarise, trialCsv, trialText } from '../trial/table.js';
import { readTaskFile } from '../trial/task-file.js';
import { repoRoot } from '../trial/worktree.js';
import { usd } from '../present/units.js';
import type { CommandIO } from './io.js';

export interface TrialArgs {
  task: string;
  configs: string;
  runs?: string | number;
  parallel?: string | number;
  csv?: string;
  json?: boolean;
  /** Where the repository is (default: the current folder). */
  cwd?: string;
}

function count(value: string | number | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number ≥ 1`);
  return n;
}

function progress(r: RunResult): string {
  const verdict = r.passed ? 'passed' : `failed${r.error ? `: ${r.error}` : ''}`;
  return `kirikae trial: ${r.config} run ${r.run} ${verdict} · ${usd(r.usd.usd)}${r.usd.unknown ? ' + ?' : ''}\n`;
}

export async function runTrialCommand(
  args: TrialArgs,
  kit: TrialKit & { config(): Config },
  io: CommandIO,
): Promise<number> {
  let options;
  try {
    const task = readTaskFile(args.task);
    options = {
      task,
      configs: parseConfigs(args.configs, kit.config()),
      runs: count(args.runs, 1, '--runs'),
      parallel: count(args.parallel, 1, '--parallel'),
      repo: await repoRoot(args.cwd ?? process.cwd()),
    };
  } catch (error) {
    io.stderr.write(
      `kirikae trial: ${isKirikaeError(error) ? error.describe() : error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  const results = await runTrial({ ...options, onRun: (r) => io.stderr.write(progress(r)) }, kit);
  const rows = summarise(results);
  if (args.json)
    io.stdout.write(
      `${JSON.stringify({ task: options.task.name, rows, runs: results }, null, 2)}\n`,
    );
  else
    io.stdout.write(
      `${[`Trial ${options.task.name}: ${options.task.check} judges`, '', ...trialText(rows)].join('\n')}\n`,
    );
  if (args.csv) writeFileSync(args.csv, `${trialCsv(results).join('\n')}\n`);
  return 0;
}
