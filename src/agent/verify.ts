import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { PermissionMode } from '../config/schema.js';
import { runProcess } from './process.js';
import type { BashRunPolicy } from './tools/types.js';
import { summarizeTestOutput } from './test-summary.js';

/** What detection looks at, read once from the workspace. */
export interface ProjectProbe {
  packageJson?: string;
  makefile?: string;
  /** Which of the marker files exist. */
  has: (name: string) => boolean;
}

/** npm's placeholder script fails on purpose; it is not a test suite. */
const NPM_PLACEHOLDER = /no test specified/;

/** The test command a project implies, or undefined. Pure: the probe carries the facts. */
export function chooseVerifyCommand(probe: ProjectProbe): string | undefined {
  if (probe.packageJson) {
    try {
      const pkg = JSON.parse(probe.packageJson) as { scripts?: Record<string, unknown> };
      const test = pkg.scripts?.test;
      if (typeof test === 'string' && test.trim() && !NPM_PLACEHOLDER.test(test)) return 'npm test';
    } catch {
      // A broken package.json says nothing about tests.
    }
  }
  if (probe.has('pytest.ini') || probe.has('pyproject.toml') || probe.has('conftest.py')) {
    return 'pytest -q';
  }
  if (probe.has('Cargo.toml')) return 'cargo test';
  if (probe.has('go.mod')) return 'go test ./...';
  if (probe.makefile && /^test\s*:/m.test(probe.makefile)) return 'make test';
  return undefined;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function detectVerifyCommand(root: string): string | undefined {
  return chooseVerifyCommand({
    packageJson: readIfExists(join(root, 'package.json')),
    makefile: readIfExists(join(root, 'Makefile')) ?? readIfExists(join(root, 'makefile')),
    has: (name) => existsSync(join(root, name)),
  });
}

/** config.verify.command wins; otherwise what the workspace implies. */
export function resolveVerifyCommand(
  configured: string | undefined,
  root: string,
): string | undefined {
  return configured?.trim() || detectVerifyCommand(root);
}

export interface VerifyResult {
  passed: boolean;
  command: string;
  durationMs: number;
  /** ≤ 20 lines: failing test names and first error lines. Never the whole log. */
  summary: string;
  exitCode: number | null;
  timedOut: boolean;
}

export interface RunVerifyOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** As bash runs (PermissionGate.toolPolicy.bash()): the test command is a command too. */
  policy?: BashRunPolicy;
}

/**
 * Runs the test gate. The log is read in bounded memory (head and tail kept) to find failing
 * tests; only the short summary leaves this function.
 */
export async function runVerify(options: RunVerifyOptions): Promise<VerifyResult> {
  if (options.policy?.refuse) {
    return {
      passed: false,
      command: options.command,
      durationMs: 0,
      summary: `Not run: ${options.policy.refuse}`,
      exitCode: null,
      timedOut: false,
    };
  }
  const result = await runProcess({
    command: options.command,
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    cap: { headBytes: 512 * 1024, tailBytes: 512 * 1024 },
    ...(options.policy ? { envAllow: options.policy.envAllow } : {}),
    ...(options.policy?.sandbox ? { sandbox: options.policy.sandbox } : {}),
  });
  const passed = result.exitCode === 0 && !result.timedOut && !result.aborted;
  let summary: string;
  if (passed) summary = 'passed';
  else if (result.spawnError) summary = `Could not run ${options.command}: ${result.spawnError}`;
  else if (result.aborted) summary = 'Stopped by the user.';
  else {
    summary = summarizeTestOutput(result.output, {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      timeoutMs: options.timeoutMs,
    });
  }
  return {
    passed,
    command: options.command,
    durationMs: result.durationMs,
    summary,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
  };
}

/**
 * Files that decide what a test command runs: npm scripts (and pre/post hooks, and
 * .npmrc's script-shell), make targets, pytest's configuration and conftest.py (imported
 * before any test), cargo's build scripts, task runners. A model that rewrote one of them has
 * written the command the gate is about to run.
 */
const COMMAND_DEFINING = new Set([
  'package.json',
  '.npmrc',
  'Makefile',
  'makefile',
  'GNUmakefile',
  'pyproject.toml',
  'setup.cfg',
  'tox.ini',
  'pytest.ini',
  'conftest.py',
  'noxfile.py',
  'Cargo.toml',
  'build.rs',
  'justfile',
  'Justfile',
  'Taskfile.yml',
  'Taskfile.yaml',
]);

/** The script files a command names (`./test.sh`, `scripts/check.py`), as workspace paths. */
function namedScripts(command: string): Set<string> {
  return new Set(
    command
      .split(/\s+/)
      .filter((word) => word.includes('/') || /\.(sh|py|js|mjs|ts|rb|pl)$/.test(word))
      .map((word) => posix.normalize(word.replace(/^['"]|['"]$/g, ''))),
  );
}

/**
 * The files at the workspace's top that decide what `command` runs (the scripts it names and
 * the task runners' files), to stamp before and after a turn that may rewrite them by a shell.
 */
export function commandDefiningFiles(command: string): string[] {
  return [...new Set([...COMMAND_DEFINING, ...namedScripts(command)])].filter(
    (path) => !path.startsWith('../') && !posix.isAbsolute(path),
  );
}

export type VerifyGateDecision = { action: 'run' } | { action: 'ask'; reason: string };

/**
 * Whether the test gate may run its command without a person's yes. Only in auto mode does
 * it run whatever the turn changed; in every other mode, a turn that rewrote a file defining
 * the command (or the script the command names) gets a dialog first, because the command is
 * then the model's, not the project's. Pure: the session asks and runs.
 */
export function verifyGate(input: {
  command: string;
  filesChanged: readonly string[];
  mode: PermissionMode;
}): VerifyGateDecision {
  if (input.mode === 'auto') return { action: 'run' };
  const named = namedScripts(input.command);
  const defining = input.filesChanged.filter(
    (path) => COMMAND_DEFINING.has(posix.basename(path)) || named.has(posix.normalize(path)),
  );
  if (defining.length === 0) return { action: 'run' };
  return {
    action: 'ask',
    reason: `this turn changed ${defining.join(', ')}, which decide${defining.length === 1 ? 's' : ''} what \`${input.command}\` runs`,
  };
}
