import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A real redis-server for the shared-store tests: our own instance on a free port, in a temp
 * dir, with persistence off (`--save '' --appendonly no`), killed by its pid afterwards. `.ci/run`
 * installs Debian's redis-server; on a machine without it the tests skip (and fail under CI).
 */

/** KIRIKAE_REDIS_SERVER names another binary (or a missing one, to see the tests skip or fail). */
export const REDIS_SERVER = (
  process.env.KIRIKAE_REDIS_SERVER
    ? [process.env.KIRIKAE_REDIS_SERVER]
    : ['redis-server', '/usr/bin/redis-server', '/usr/sbin/redis-server']
).find((path) => spawnSync(path, ['--version'], { stdio: 'ignore' }).status === 0);

/** Why the Redis tests cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  return REDIS_SERVER
    ? undefined
    : 'redis-server is not installed (apt-get install redis-server; .ci/run does this)';
}

/** CI (or .ci/run) must run the Redis tests: a missing server fails them instead. */
export const redisRequired = Boolean(process.env.CI || process.env.KIRIKAE_REQUIRE_REDIS);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  /** Kills the server (SIGKILL), keeping its port for `restart`. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that accepts the connection but does not answer. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER!,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${seen}`)),
      10_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${seen}`));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kirikae-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port, dir);
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await kill();
      child = await launch(port, dir);
    },
  };
}
