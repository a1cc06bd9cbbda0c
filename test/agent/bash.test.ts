import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../src/agent/process.js';
import { bashTool } from '../../src/agent/tools/bash.js';
import type { ToolContext } from '../../src/agent/tools/types.js';
import { openWorkspace } from '../../src/agent/workspace.js';
import { isAlive, tempDir, waitFor } from './helpers.js';

let root: string;
let cleanup: () => void;
let ctx: ToolContext;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  ctx = { workspace: openWorkspace(root), bashTimeoutMs: 10_000 };
});
afterEach(() => cleanup());

async function bash(command: string, timeout_ms?: number, signal = new AbortController().signal) {
  const prepared = await bashTool.prepare({ command, timeout_ms }, ctx);
  return prepared.run(signal);
}

/** A command whose child starts a grandchild that would sleep for a minute. */
const SPAWNS_GRANDCHILD = `bash -c 'sleep 60 & echo $! > grandchild.pid; echo $$ > child.pid; wait' & wait`;

async function pidFrom(name: string): Promise<number> {
  await waitFor(
    () => existsSync(join(root, name)) && readFileSync(join(root, name), 'utf8').trim() !== '',
  );
  return Number(readFileSync(join(root, name), 'utf8').trim());
}

describe('bash tool', () => {
  it('runs in the workspace and reports the exit code', async () => {
    const ok = await bash('pwd; echo err >&2');
    expect(ok.ok).toBe(true);
    expect(ok.content).toBe(`${root}\nerr\n[exit code 0]`);
    const failed = await bash('exit 3');
    expect(failed.ok).toBe(false);
    expect(failed.content).toBe('(no output)\n[exit code 3]');
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const started = Date.now();
    const outcome = await bash(SPAWNS_GRANDCHILD, 700);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.ok).toBe(false);
    expect(outcome.content).toMatch(/\[timed out after 0\.7 s; the command and every process/);
    const child = await pidFrom('child.pid');
    const grandchild = await pidFrom('grandchild.pid');
    expect(await waitFor(() => !isAlive(child) && !isAlive(grandchild))).toBe(true);
  });

  it('kills the whole process group on abort', async () => {
    const controller = new AbortController();
    const running = bash(SPAWNS_GRANDCHILD, undefined, controller.signal);
    const grandchild = await pidFrom('grandchild.pid');
    controller.abort();
    const outcome = await running;
    expect(outcome.content).toContain('[stopped by the user]');
    expect(await waitFor(() => !isAlive(grandchild))).toBe(true);
  });

  it('does not hang on a background job left holding the output pipe', async () => {
    const started = Date.now();
    const outcome = await bash('(sleep 60; echo late) & echo $! > bg.pid; echo done');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.content).toBe('done\n[exit code 0]');
    const bg = await pidFrom('bg.pid');
    expect(await waitFor(() => !isAlive(bg))).toBe(true);
  });

  it('caps long output keeping head and tail', async () => {
    const outcome = await bash('seq 1 200000');
    expect(outcome.content.startsWith('1\n2\n3\n')).toBe(true);
    expect(outcome.content).toMatch(/\n199999\n200000\n\[exit code 0\]$/);
    expect(outcome.content).toMatch(/\[… \d+ lines \(\d+ bytes\) cut from the middle …\]/);
    expect(outcome.content.length).toBeLessThan(30_000);
  });
});

describe('runProcess', () => {
  it('reports a missing working folder instead of throwing', async () => {
    const result = await runProcess({ command: 'true', cwd: join(root, 'nope'), timeoutMs: 5000 });
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toBeTruthy();
  });
});
