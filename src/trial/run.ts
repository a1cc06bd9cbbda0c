// `kirikae trial`: each configuration × N runs, each on a fresh worktree with the task's setup,
// through the one turn pipeline (solo, or delegated with the executor named), judged by the
// check command alone. Every run's ledger records carry the run's own session id, so parallel
// runs never mix, and the table is built from exactly those records.
import { randomBytes } from 'node:crypto';
import { approveAll } from '../agent/approvals.js';
import type { CallRecord, TaskRecord } from '../core/records.js';
import type { Routing } from '../router/context.js';
import type { TurnLedger } from '../session/turn-ledger.js';
import { runTurn, type TurnRunnerDeps } from '../session/turn-runner.js';
import { ZERO_SUM, addUsd, type UsdSum } from '../present/units.js';
import { splitCarried } from '../ledger/delegation.js';
import type { TrialConfig } from './configs.js';
import type { TrialTask } from './task-file.js';
import { addWorktree, runCheck, runSetup, type Worktree } from './worktree.js';

/** A core for one run, built by the wiring on the run's worktree. */
export interface TrialCore {
  routing: Routing;
  runner: TurnRunnerDeps;
  turnLedger: TurnLedger;
  close(): void;
}

export interface TrialKit {
  /** A fresh core whose ledger records carry `session`, working in `cwd`. */
  open(cwd: string, session: string): Promise<TrialCore>;
  now?: () => number;
}

export interface RunResult {
  trial: string;
  config: string;
  run: number;
  /** The session id every ledger record of this run carries. */
  session: string;
  passed: boolean;
  exitCode: number | null;
  /** The turn itself failed (a model error), or setup did. */
  error?: string;
  usd: UsdSum;
  calls: number;
  /** Input and cache reads of the model that talks to the user (planner, or the solo model). */
  plannerInput: number;
  plannerCacheRead: number;
  executorCalls: number;
  overheadTokens: number;
  wallMs: number;
}

/** The run's figures from its ledger records (the table and the ledger cannot disagree). */
export function figuresOf(records: readonly CallRecord[]) {
  let usd = ZERO_SUM;
  let plannerInput = 0;
  let plannerCacheRead = 0;
  let executorCalls = 0;
  let overheadTokens = 0;
  for (const r of records) {
    usd = addUsd(usd, r.costUsd);
    if (r.role === 'executor') {
      executorCalls++;
      continue;
    }
    plannerInput += r.usage.input;
    plannerCacheRead += r.usage.cacheRead;
    const s = splitCarried(r);
    overheadTokens += s.input + s.cacheRead + s.cacheWrite;
  }
  return {
    usd,
    calls: records.length,
    plannerInput,
    plannerCacheRead,
    executorCalls,
    overheadTokens,
  };
}

async function runOne(
  task: TrialTask,
  config: TrialConfig,
  run: number,
  trial: string,
  repo: string,
  kit: TrialKit,
): Promise<RunResult> {
  const now = kit.now ?? Date.now;
  const session = `trial:${trial}/${config.label}#${run}`;
  const base = { trial, config: config.label, run, session };
  const failed = (error: unknown): RunResult => ({
    ...base,
    passed: false,
    exitCode: null,
    error: error instanceof Error ? error.message : String(error),
    ...figuresOf([]),
    wallMs: 0,
  });
  let tree: Worktree;
  try {
    tree = await addWorktree(repo, task);
  } catch (error) {
    return failed(error);
  }
  let core: TrialCore | undefined;
  try {
    await runSetup(task, tree.path);
    core = await kit.open(tree.path, session);
    const decision = core.routing.decide({
      prompt: task.prompt,
      override: { model: config.model },
    });
    const started = now();
    const result = await runTurn(
      {
        turn: 1,
        task: session,
        taskType: task.type,
        messages: [{ role: 'user', content: task.prompt }],
        decision,
        model: config.model,
        how: 'headless',
        signal: new AbortController().signal,
        approve: approveAll,
        ...(config.executor ? { delegate: { executor: config.executor } } : {}),
      },
      core.runner,
    );
    const check = await runCheck(task, tree.path);
    const wallMs = now() - started;
    const end: TaskRecord = {
      v: 1,
      type: 'task',
      ts: new Date().toISOString(),
      session,
      task: session,
      taskType: task.type,
      tier: result.tier,
      outcome: check.passed ? 'completed' : 'failed',
      attempts: 1,
      models: [...new Set(result.records.map((r) => r.model))],
    };
    core.turnLedger.append(end);
    return {
      ...base,
      passed: check.passed,
      exitCode: check.exitCode,
      ...(result.error ? { error: result.error.describe() } : {}),
      ...figuresOf(result.records),
      wallMs,
    };
  } catch (error) {
    return failed(error);
  } finally {
    core?.close();
    await tree.remove();
  }
}

export interface TrialOptions {
  task: TrialTask;
  configs: TrialConfig[];
  runs: number;
  parallel: number;
  /** The git repository the worktrees are made from. */
  repo: string;
  trialId?: string;
  onRun?: (result: RunResult) => void;
}

/** Every configuration × runs, at most `parallel` at a time; results in configuration order. */
export async function runTrial(options: TrialOptions, kit: TrialKit): Promise<RunResult[]> {
  const trial = options.trialId ?? randomBytes(4).toString('hex');
  const jobs = options.configs.flatMap((config) =>
    Array.from({ length: options.runs }, (_, i) => ({ config, run: i + 1 })),
  );
  const results: RunResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index]!;
      const result = await runOne(options.task, job.config, job.run, trial, options.repo, kit);
      results[index] = result;
      options.onRun?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, worker));
  return results;
}
