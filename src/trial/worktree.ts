// A fresh git worktree of the user's repository per run, its setup step, and the check that
// judges it. Checks and setup scripts run like the agent's bash (secrets stripped).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KirikaeError } from '../core/errors.js';
import { runProcess } from '../agent/process.js';
import type { TrialTask } from './task-file.js';

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', cwd, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new KirikaeError('config', `git ${args[0]} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function repoRoot(cwd: string): Promise<string> {
  return git(cwd, 'rev-parse', '--show-toplevel');
}

export interface Worktree {
  path: string;
  remove(): Promise<void>;
}

/** A detached worktree at HEAD (or the setup commit), in a fresh temporary folder. */
export async function addWorktree(repo: string, task: TrialTask): Promise<Worktree> {
  const path = join(mkdtempSync(join(tmpdir(), 'kirikae-trial-')), 'repo');
  const rev = task.setup && 'commit' in task.setup ? task.setup.commit : 'HEAD';
  await git(repo, 'worktree', 'add', '--detach', path, rev);
  return {
    path,
    remove: async () => {
      await git(repo, 'worktree', 'remove', '--force', path).catch(() => undefined);
    },
  };
}

/** The task's setup in the worktree: a patch applied, or a script run (a commit is checked out). */
export async function runSetup(task: TrialTask, path: string): Promise<void> {
  if (!task.setup || 'commit' in task.setup) return;
  if ('patch' in task.setup) {
    await git(path, 'apply', resolve(task.dir, task.setup.patch));
    return;
  }
  const result = await runProcess({
    command: task.setup.script,
    cwd: path,
    timeoutMs: task.checkTimeoutMs,
    env: { TRIAL_TASK_DIR: task.dir },
  });
  if (result.exitCode !== 0)
    throw new KirikaeError(
      'config',
      `The setup script failed (exit ${result.exitCode}): ${result.output.slice(-400)}`,
    );
}

/** The judge: the check command's exit code, nothing else. */
export async function runCheck(
  task: TrialTask,
  path: string,
): Promise<{ passed: boolean; exitCode: number | null }> {
  const result = await runProcess({
    command: task.check,
    cwd: path,
    timeoutMs: task.checkTimeoutMs,
    env: { TRIAL_TASK_DIR: task.dir },
  });
  return { passed: result.exitCode === 0, exitCode: result.exitCode };
}
