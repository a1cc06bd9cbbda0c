// Runs the built binary (`node bin/kirikae.js`) the way a user does, with an environment built
// from scratch: PATH, a temp HOME, temp config and data folders, and whatever the test adds
// (usually the stub servers' variables). Real keys in the developer's shell never leak in.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'kirikae.js');
const BUNDLE = join(ROOT, 'dist', 'cli.js');
const ROUTE_BUNDLE = join(ROOT, 'dist', 'route.cjs');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds dist/ once when it is missing (`npm test` builds before vitest; a bare `npx vitest`
 * may not have). A lock folder keeps two test files from building at the same time.
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(BUNDLE) && existsSync(ROUTE_BUNDLE)) return;
  const lock = join(ROOT, 'node_modules', '.kirikae-test-build.lock');
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(BUNDLE) && existsSync(ROUTE_BUNDLE) && !existsSync(lock)) return;
      // A lock older than two minutes belongs to a run that died.
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(100);
    }
  }
  try {
    if (!existsSync(BUNDLE) || !existsSync(ROUTE_BUNDLE)) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Sandbox {
  home: string;
  configDir: string;
  dataDir: string;
  /** The clean environment: PATH, HOME, KIRIKAE_CONFIG_DIR, KIRIKAE_DATA_DIR, NO_COLOR. */
  env: Record<string, string>;
  remove(): void;
}

/** Fresh temp folders for one run of the binary. */
export function sandbox(): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'kirikae-cli-'));
  const configDir = join(home, 'config');
  const dataDir = join(home, 'data');
  return {
    home,
    configDir,
    dataDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      KIRIKAE_CONFIG_DIR: configDir,
      KIRIKAE_DATA_DIR: dataDir,
      NO_COLOR: '1',
    },
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Milliseconds after spawn at which each stdout chunk arrived, and when the process ended. */
  stdoutChunkTimes: number[];
  endedAtMs: number;
}

/**
 * Runs `node bin/kirikae.js …args` with exactly `env` (nothing inherited). Never rejects on a
 * non-zero exit: tests look at the code.
 */
export async function kirikae(
  args: string[],
  env: Record<string, string | undefined>,
  options: {
    cwd?: string;
    timeoutMs?: number;
    /**
     * Text on stdin: `pipe` through a shell pipe, as `… | kirikae` gets it (a FIFO); `socket`
     * as a program's child gets it from node (a socket pair). Without it stdin is /dev/null.
     */
    stdin?: { text: string; via: 'pipe' | 'socket' };
  } = {},
): Promise<RunResult> {
  const clean = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const started = performance.now();
  const viaShell = options.stdin?.via === 'pipe';
  const child = execa(
    viaShell ? '/bin/sh' : process.execPath,
    viaShell ? ['-c', 'cat | "$0" "$@"', process.execPath, BIN, ...args] : [BIN, ...args],
    {
      env: clean,
      extendEnv: false,
      cwd: options.cwd ?? clean.HOME ?? ROOT,
      reject: false,
      ...(options.stdin ? { input: options.stdin.text } : { stdin: 'ignore' as const }),
      timeout: options.timeoutMs ?? 30_000,
      stripFinalNewline: false,
    },
  );
  const stdoutChunkTimes: number[] = [];
  child.stdout?.on('data', () => stdoutChunkTimes.push(performance.now() - started));
  const result = await child;
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    stdoutChunkTimes,
    endedAtMs: performance.now() - started,
  };
}

/** stderr as non-empty lines. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Every file under a folder (recursively), as absolute paths; none when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** The keys `startAllStubs` hands out: none may ever be written to disk. */
export function keyValues(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name]) => name.endsWith('_API_KEY'))
    .map(([, value]) => value);
}

/** Files under `dirs` whose contents include any of `secrets`. */
export function filesContaining(dirs: string[], secrets: string[]): string[] {
  return dirs.flatMap(filesUnder).filter((path) => {
    const text = readFileSync(path, 'utf8');
    return secrets.some((secret) => text.includes(secret));
  });
}

/** A port on 127.0.0.1 nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A stack trace line as V8 prints it. */
export const STACK_LINE = /^\s+at .+\(?.+:\d+:\d+\)?$/m;
