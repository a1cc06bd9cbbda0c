// `kirikae trial` on the fixture project (committed as a git repository at test time) with
// scripted stub runs: the table's figures are the ledger's, each run on its own worktree with
// the task's setup, judged by the check command alone; parallel runs do not mix records.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord, LedgerRecord } from '../../src/core/records.js';
import { readLedgerMonth, ledgerDir } from '../../src/ledger/store.js';
import { monthOfDate } from '../../src/ledger/time.js';
import { delegationReport } from '../../src/ledger/delegation.js';
import { parseConfigs } from '../../src/trial/configs.js';
import { trialKit } from '../../src/trial/kit.js';
import { runTrial, type RunResult } from '../../src/trial/run.js';
import { summarise, trialCsv } from '../../src/trial/table.js';
import { readTaskFile } from '../../src/trial/task-file.js';
import { runTrialCommand } from '../../src/commands/trial.js';
import { buildCore } from '../../src/wiring/build.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';

const FIXTURES = resolve(__dirname, '../../fixtures/trial');
const TASK = join(FIXTURES, 'tasks/breakage-recovery.json');
const FIX = { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' };

function fixtureRepo(env: Record<string, string>) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'kirikae-trial-test-')));
  const repo = join(root, 'repo');
  cpSync(join(FIXTURES, 'project'), repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'fixture');
  const configDir = join(root, 'config');
  mkdirSync(configDir);
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({
      tiers: {
        '0': ['anthropic/claude-opus-4-6'],
        '2': ['anthropic/claude-haiku-4-5'],
        '3': ['ollama/qwen3-coder:30b'],
      },
      local: { memoryBudgetGb: 64, reserveGb: 0 },
      agent: { sandbox: 'off' },
    }),
  );
  const io = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {
      ...env,
      KIRIKAE_CONFIG_DIR: configDir,
      KIRIKAE_DATA_DIR: join(root, 'data'),
      HOME: root,
    },
  };
  return { repo, git, io };
}

async function ledgerCalls(env: NodeJS.ProcessEnv): Promise<LedgerRecord[]> {
  return (await readLedgerMonth(ledgerDir(env), monthOfDate(new Date()))).records;
}

/** A run's figures recomputed from the ledger file's records of its session. */
function fromLedger(records: LedgerRecord[], run: RunResult) {
  const calls = records.filter(
    (r): r is CallRecord => r.type === 'call' && r.session === run.session,
  );
  const planner = calls.filter((r) => r.role !== 'executor');
  return {
    usd: calls.reduce((s, r) => s + (r.costUsd ?? 0), 0),
    calls: calls.length,
    plannerInput: planner.reduce((s, r) => s + r.usage.input, 0),
    plannerCacheRead: planner.reduce((s, r) => s + r.usage.cacheRead, 0),
    executorCalls: calls.length - planner.length,
  };
}

describe('kirikae trial', () => {
  let stubs: AllStubs;
  beforeAll(async () => {
    stubs = await startAllStubs();
  });
  afterAll(() => stubs.close());
  beforeEach(() => {
    stubs.anthropic.steps.splice(0);
    stubs.ollama.chatSteps.splice(0);
  });

  it('runs solo and delegated configurations on fresh worktrees; the table is the ledger', async () => {
    const { repo, git, io } = fixtureRepo(stubs.env);
    const kit = trialKit(buildCore, io);
    const task = readTaskFile(TASK);
    const configs = parseConfigs('solo:opus,delegate:opus+local,solo:haiku', kit.config());
    // Aliases resolve through the configured tiers.
    expect(configs.map((c) => [c.model, c.executor])).toEqual([
      ['anthropic/claude-opus-4-6', undefined],
      ['anthropic/claude-opus-4-6', 'ollama/qwen3-coder:30b'],
      ['anthropic/claude-haiku-4-5', undefined],
    ]);
    stubs.anthropic.steps.push(
      // solo:opus fixes the breakage itself.
      {
        toolUses: [{ name: 'edit_file', input: FIX }],
        usage: { input: 1500, cacheWrite: 2500, output: 60 },
      },
      {
        text: ['Fixed add().'],
        usage: { input: 40, cacheRead: 4000, cacheWrite: 200, output: 15 },
      },
      // delegate:opus+local hands it to the executor.
      {
        toolUses: [
          {
            name: 'delegate',
            input: {
              goal: 'add() subtracts; make it add',
              files: ['src/math.js'],
              check: 'node --test',
            },
          },
        ],
        usage: { input: 1600, cacheWrite: 2600, output: 90 },
      },
      {
        text: ['The executor fixed it.'],
        usage: { input: 30, cacheRead: 4200, cacheWrite: 300, output: 12 },
      },
      // solo:haiku gives up without a change: the check fails.
      { text: ['I could not find the problem.'], usage: { input: 3800, output: 20 } },
    );
    stubs.ollama.chatSteps.push(
      { toolCalls: [{ name: 'edit_file', arguments: FIX }], promptEvalCount: 800, evalCount: 30 },
      { chunks: ['add() fixed.'], promptEvalCount: 900, evalCount: 5 },
    );
    const results = await runTrial(
      { task, configs, runs: 1, parallel: 1, repo, trialId: 'T1' },
      kit,
    );
    expect(results.map((r) => [r.config, r.passed, r.error])).toEqual([
      ['solo:opus', true, undefined],
      ['delegate:opus+local', true, undefined],
      ['solo:haiku', false, undefined],
    ]);
    // The setup broke each worktree, not the repository; every worktree is gone afterwards.
    expect(git('status', '--porcelain')).toBe('');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);

    const records = await ledgerCalls(io.env);
    for (const run of results) {
      const books = fromLedger(records, run);
      expect(run.usd.usd).toBeCloseTo(books.usd, 12);
      expect([run.calls, run.plannerInput, run.plannerCacheRead, run.executorCalls]).toEqual([
        books.calls,
        books.plannerInput,
        books.plannerCacheRead,
        books.executorCalls,
      ]);
    }
    expect(results.map((r) => [r.calls, r.executorCalls])).toEqual([
      [2, 0],
      [4, 2],
      [1, 0],
    ]);
    expect(results[1]!.plannerInput).toBe(1630);
    expect(results[1]!.plannerCacheRead).toBe(4200);

    const rows = summarise(results);
    expect(rows.map((r) => [r.config, r.successRate])).toEqual([
      ['solo:opus', 1],
      ['delegate:opus+local', 1],
      ['solo:haiku', 0],
    ]);
    // Cost per completed task = every run's spend / completed runs, here 1 run each.
    expect(rows[0]!.usdPerCompleted).toBeCloseTo(fromLedger(records, results[0]!).usd, 12);
    expect(rows[2]!.usdPerCompleted).toBeNull();
    // Each run ended a task in the ledger: the books compare delegated and solo debug tasks.
    const report = delegationReport(records);
    const debug = report.byTaskType.find((r) => r.taskType === 'debug')!;
    expect(debug.delegated).toMatchObject({ tasks: 1, completed: 1 });
    expect(debug.solo).toMatchObject({ tasks: 2, completed: 1 });
    expect(trialCsv(results)[0]).toMatch(/^trial,config,run,session,passed/);
    expect(trialCsv(results)).toHaveLength(4);
  }, 60_000);

  it('runs in parallel worktrees without mixing ledger records', async () => {
    const { repo, io } = fixtureRepo(stubs.env);
    // Every run answers in one call (its check fails: the breakage stays).
    for (let i = 0; i < 4; i++)
      stubs.anthropic.steps.push({ text: ['no idea'], usage: { input: 100 + i } });
    const csv = join(repo, '..', 'runs.csv');
    let out = '';
    io.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await runTrialCommand(
      { task: TASK, configs: 'solo:opus,solo:haiku', runs: 2, parallel: 2, csv, cwd: repo },
      trialKit(buildCore, io),
      io,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/solo:opus\s+2\s+0%/);
    const calls = (await ledgerCalls(io.env)).filter((r): r is CallRecord => r.type === 'call');
    const sessions = new Set(calls.map((r) => r.session));
    expect(sessions.size).toBe(4);
    for (const session of sessions) {
      const own = calls.filter((r) => r.session === session);
      expect(own).toHaveLength(1);
      expect(own[0]!.task).toBe(session);
      // The run's records are of its own configuration's model.
      expect(own[0]!.model).toBe(
        session.includes('solo:opus') ? 'anthropic/claude-opus-4-6' : 'anthropic/claude-haiku-4-5',
      );
    }
    // The CSV has one line per run, each naming its session.
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const session of sessions) expect(lines.some((l) => l.includes(session))).toBe(true);
  }, 60_000);
});
