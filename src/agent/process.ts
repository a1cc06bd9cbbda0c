import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { toolEnvironment } from '../core/secrets.js';
import { HeadTailBuffer, type CapLimits } from './output.js';
import { localServiceSockets, sandboxCommand, type SandboxPlan } from './sandbox.js';

export interface RunProcessOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Added to the inherited environment (which has kirikae's secrets removed). */
  env?: Record<string, string>;
  /** Secret variables the process may still see (config agent.envAllow). */
  envAllow?: readonly string[];
  /** Run inside this OS sandbox (writes limited to cwd and the temp folder). */
  sandbox?: SandboxPlan;
  cap?: CapLimits;
}
export interface ProcessResult {
  /** null when the process was killed by a signal or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** stdout and stderr interleaved in arrival order, capped (head and tail kept). */
  output: string;
  totalBytes: number;
  durationMs: number;
  /** Set when the shell could not be started at all (missing cwd, …). */
  spawnError?: string;
}

/**
 * Keeps commands from waiting for a person who is not there: watch modes (vitest without CI),
 * pagers, git credential prompts, and colour codes that would only cost tokens.
 */
export const NONINTERACTIVE_ENV: Record<string, string> = {
  CI: '1',
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  GIT_TERMINAL_PROMPT: '0',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/** Time a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 500;
/**
 * After the shell exits, background jobs it left behind may still hold the output pipes open
 * (and would keep running forever): they get this long to finish writing, then the group dies
 * and we stop reading whatever still holds the pipes.
 */
const LINGER_MS = 200;
/** Marks every process a command starts: the environment survives setsid, the group does not. */
const MARKER = 'KIRIKAE_RUN';

// Every group (and its marker) still running. kirikae's own exit, and killAllProcessGroups from
// its SIGTERM/SIGHUP handlers, end them: a detached group would otherwise outlive us.
const liveGroups = new Map<number, string>();
let exitHookInstalled = false;
function trackGroup(pid: number, marker: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => killAllProcessGroups('SIGKILL'));
  }
  liveGroups.set(pid, marker);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the whole process group: grandchildren included.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Kills processes that carry `marker` in their environment but left our group (`setsid`,
 * `nohup … &` in a new session). Linux only (/proc); elsewhere the group kill is all there is.
 */
async function killMarked(marker: string): Promise<void> {
  if (process.platform !== 'linux') return;
  const needle = Buffer.from(`\0${MARKER}=${marker}\0`);
  const first = Buffer.from(`${MARKER}=${marker}\0`);
  const pids = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    pids
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(async (name) => {
        const environ = await readFile(`/proc/${name}/environ`).catch(() => undefined);
        if (!environ) return;
        if (environ.includes(needle) || environ.subarray(0, first.length).equals(first)) {
          try {
            process.kill(Number(name), 'SIGKILL');
          } catch {
            // gone already, or not ours
          }
        }
      }),
  );
}

/**
 * Ends every command still running (its whole group, and on Linux whatever it detached). For
 * kirikae's SIGTERM/SIGHUP handlers: call it, then exit.
 */
export function killAllProcessGroups(signal: NodeJS.Signals = 'SIGKILL'): number {
  const count = liveGroups.size;
  for (const [pid, marker] of liveGroups) {
    signalGroup(pid, signal);
    void killMarked(marker);
  }
  return count;
}

/** Process groups of commands still running (for tests and the exit path). */
export function liveProcessGroups(): number[] {
  return [...liveGroups.keys()];
}

let shellPath: string | undefined;
function shell(): string {
  // Models write bash (`[[`, pipefail, brace expansion); plain sh only where bash is missing.
  shellPath ??= ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p)) ?? '/bin/sh';
  return shellPath;
}

/**
 * Runs a shell command in its own process group, capturing capped output. On timeout or abort
 * the WHOLE group is terminated (SIGTERM, then SIGKILL), so `npm test` cannot leave a watcher
 * or a server running behind it; and whatever still holds the output pipes then (a child that
 * called setsid) is no reason to keep waiting: the result comes back regardless.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const output = new HeadTailBuffer(options.cap);
  const marker = randomBytes(8).toString('hex');
  const env = {
    ...toolEnvironment(process.env, options.envAllow),
    ...NONINTERACTIVE_ENV,
    ...options.env,
    [MARKER]: marker,
  };
  const { file, args } = options.sandbox
    ? sandboxCommand(options.sandbox, {
        shell: shell(),
        command: options.command,
        cwd: options.cwd,
        writable: [...new Set([options.cwd, tmpdir()])],
        services: localServiceSockets(),
      })
    : { file: shell(), args: ['-c', options.command] };

  return new Promise((resolvePromise) => {
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    let spawnError: string | undefined;
    let done = false;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(file, args, {
      cwd: options.cwd,
      env,
      // Own process group (pgid = pid), so one kill reaches every descendant.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid, marker);

    const stopReading = (): void => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const finish = (): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) {
        // Whatever is left of the group goes now.
        signalGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
      }
      stopReading();
      void killMarked(marker).finally(() =>
        resolvePromise({
          exitCode,
          timedOut,
          aborted,
          output: output.toString(),
          totalBytes: output.totalBytes,
          durationMs: Date.now() - started,
          ...(spawnError ? { spawnError } : {}),
        }),
      );
    };
    const killGroup = (): void => {
      if (pid === undefined) return finish();
      signalGroup(pid, 'SIGTERM');
      // Then no more waiting, whatever still holds the pipes.
      timers.push(setTimeout(finish, KILL_GRACE_MS));
    };
    const onAbort = (): void => {
      aborted = true;
      killGroup();
    };

    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', (error) => {
      spawnError = existsSync(options.cwd)
        ? error.message
        : `the working folder ${options.cwd} does not exist`;
      finish();
    });
    child.once('exit', (code) => {
      exitCode = code;
      timers.push(setTimeout(finish, LINGER_MS));
    });
    // Every pipe closed after the exit: the normal end, without the linger.
    child.once('close', finish);

    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs),
    );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
