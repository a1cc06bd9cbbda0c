import { existsSync } from 'node:fs';
import { HeadTailBuffer, type CapLimits } from './output.js';

export interface RunProcessOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
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
 * (and would keep running forever): they get this long to finish writing, then the group dies.
 */
const LINGER_MS = 200;

// Groups still alive when kirikae itself exits (Ctrl-C twice, crash) are killed too: a
// detached group would otherwise outlive us.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the whole process group: grandchildren included.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

let shellPath: string | undefined;
function shell(): string {
  // Models write bash (`[[`, pipefail, brace expansion); plain sh only where bash is missing.
  shellPath ??= ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p)) ?? '/bin/sh';
  return shellPath;
}

/**
 * Runs a shell command in its own process group, capturing capped output. On timeout or abort
 * the WHOLE group is terminated (SIGTERM, then SIGKILL), so `npm test` cannot leave a
 * watcher or a server running behind it.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const output = new HeadTailBuffer(options.cap);
  let timedOut = false;
  let aborted = false;

  // Loaded on first use: execa is a large module graph and start-up needs none of it.
  const { execa } = await import('execa');
  const subprocess = execa(shell(), ['-c', options.command], {
    cwd: options.cwd,
    env: { ...NONINTERACTIVE_ENV, ...options.env },
    extendEnv: true,
    // Own process group (pgid = pid), so one kill reaches every descendant.
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // We kill the group ourselves; execa's own cleanup only knows the direct child.
    cleanup: false,
  });
  const pid = subprocess.pid;
  if (pid !== undefined) trackGroup(pid);

  const timers: NodeJS.Timeout[] = [];
  const killGroup = (): void => {
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    timers.push(setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS));
  };

  subprocess.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  subprocess.once('exit', () => {
    if (pid !== undefined) timers.push(setTimeout(() => signalGroup(pid, 'SIGKILL'), LINGER_MS));
  });

  timers.push(
    setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs),
  );
  const onAbort = (): void => {
    aborted = true;
    killGroup();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const result = await subprocess;
    const spawnError =
      result.failed && result.exitCode === undefined && !result.signal && !timedOut && !aborted
        ? result.shortMessage
        : undefined;
    return {
      exitCode: result.exitCode ?? null,
      timedOut,
      aborted,
      output: output.toString(),
      totalBytes: output.totalBytes,
      durationMs: Date.now() - started,
      spawnError,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) {
      // Whatever is left of the group goes now, not after a timer we just cleared.
      signalGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    }
  }
}
