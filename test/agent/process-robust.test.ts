/**
 * Issue 11 items 5 (sandbox), 7 (no keys in tool environments) and 9 (no hang on detached
 * children; every group ends with kirikae).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAllProcessGroups, liveProcessGroups, runProcess } from '../../src/agent/process.js';
import {
  chooseSandbox,
  findSandbox,
  localServiceSockets,
  macProfile,
  sandboxCommand,
} from '../../src/agent/sandbox.js';
import { createPermissionGate } from '../../src/agent/approvals.js';
import { bashTool } from '../../src/agent/tools/bash.js';
import { openWorkspace } from '../../src/agent/workspace.js';
import type { PermissionMode } from '../../src/agent/permissions.js';
import type { SandboxSetting } from '../../src/agent/sandbox.js';
import { isAlive, tempDir, waitFor } from './helpers.js';

let root: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
});
afterEach(() => cleanup());

async function pidFrom(name: string): Promise<number> {
  await waitFor(
    () => existsSync(join(root, name)) && readFileSync(join(root, name), 'utf8').trim() !== '',
  );
  return Number(readFileSync(join(root, name), 'utf8').trim());
}

/** A child in its own session (out of our process group) that keeps our stdout open. */
const DETACHED = `(setsid sh -c 'echo $$ > detached.pid; exec sleep 1000' &)`;

describe('detached children (item 9)', () => {
  it('returns when the shell exits though a setsid child holds stdout, and ends that child', async () => {
    const started = Date.now();
    const result = await runProcess({
      command: `${DETACHED}; echo done`,
      cwd: root,
      timeoutMs: 20_000,
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.output).toBe('done\n');
    expect(result.exitCode).toBe(0);
    const pid = await pidFrom('detached.pid');
    // Linux finds it by its environment marker; elsewhere only the wait is guaranteed.
    if (process.platform === 'linux') expect(await waitFor(() => !isAlive(pid))).toBe(true);
  });

  it('returns on timeout', async () => {
    const started = Date.now();
    const result = await runProcess({
      command: `${DETACHED}; sleep 1000`,
      cwd: root,
      timeoutMs: 400,
    });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('returns on abort', async () => {
    const controller = new AbortController();
    const running = runProcess({
      command: `${DETACHED}; sleep 1000`,
      cwd: root,
      timeoutMs: 20_000,
      signal: controller.signal,
    });
    await pidFrom('detached.pid');
    const started = Date.now();
    controller.abort();
    const result = await running;
    expect(result.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('killAllProcessGroups ends every running command (for SIGTERM/SIGHUP handlers)', async () => {
    const running = runProcess({
      command: `sleep 1000 & echo $! > bg.pid; wait`,
      cwd: root,
      timeoutMs: 20_000,
    });
    const bg = await pidFrom('bg.pid');
    expect(liveProcessGroups().length).toBeGreaterThan(0);
    expect(killAllProcessGroups()).toBeGreaterThan(0);
    const result = await running;
    expect(result.exitCode).toBeNull();
    expect(await waitFor(() => !isAlive(bg))).toBe(true);
    expect(liveProcessGroups()).toEqual([]);
  });
});

describe('tool environment (item 7)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('keeps kirikae’s keys and other tokens out of commands, unless allowed', async () => {
    process.env.ANTHROPIC_API_KEY = 'sk-ant-api03-test-key-value-0000';
    process.env.OPENROUTER_API_KEY = 'sk-or-v1-test';
    process.env.GITHUB_TOKEN = 'ghp_test_token_value';
    process.env.HARMLESS_SETTING = 'kept';
    const env = await runProcess({ command: 'env', cwd: root, timeoutMs: 5000 });
    expect(env.output).not.toContain('sk-ant-api03');
    expect(env.output).not.toContain('OPENROUTER_API_KEY');
    expect(env.output).not.toContain('GITHUB_TOKEN');
    expect(env.output).toContain('HARMLESS_SETTING=kept');
    const allowed = await runProcess({
      command: 'env',
      cwd: root,
      timeoutMs: 5000,
      envAllow: ['GITHUB_TOKEN'],
    });
    expect(allowed.output).toContain('GITHUB_TOKEN=ghp_test_token_value');
    expect(allowed.output).not.toContain('sk-ant-api03');
  });
});

describe('OS sandbox (item 5)', () => {
  const bwrap = { kind: 'bwrap' as const, binary: '/usr/bin/bwrap' };
  const mac = { kind: 'sandbox-exec' as const, binary: '/usr/bin/sandbox-exec' };

  it('auto sandboxes the modes without a person on every command; on refuses without one', () => {
    expect(chooseSandbox('auto', 'auto', bwrap).plan).toBe(bwrap);
    expect(chooseSandbox('auto', 'accept-edits', bwrap).plan).toBe(bwrap);
    expect(chooseSandbox('auto', 'ask', bwrap).plan).toBeUndefined();
    expect(chooseSandbox('auto', 'auto', undefined)).toEqual({});
    expect(chooseSandbox('off', 'auto', bwrap)).toEqual({});
    expect(chooseSandbox('on', 'ask', bwrap).plan).toBe(bwrap);
    expect(chooseSandbox('on', 'auto', undefined).refuse).toMatch(/no sandbox is available/);
  });

  it('builds a bwrap command: read-only root, writable workspace and tmp, own pid namespace', () => {
    const { file, args } = sandboxCommand(bwrap, {
      shell: '/bin/bash',
      command: 'npm test',
      cwd: '/w',
      writable: ['/w', '/tmp'],
    });
    expect(file).toBe('/usr/bin/bwrap');
    expect(args).toEqual([
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--bind',
      '/w',
      '/w',
      '--bind',
      '/tmp',
      '/tmp',
      '--unshare-pid',
      '--die-with-parent',
      '--chdir',
      '/w',
      '--',
      '/bin/bash',
      '-c',
      'npm test',
    ]);
  });

  it('builds a sandbox-exec profile that only writes where allowed, quoting paths', () => {
    const { args } = sandboxCommand(mac, {
      shell: '/bin/bash',
      command: 'make',
      cwd: '/Users/a/p "x"',
      writable: ['/Users/a/p "x"'],
    });
    expect(args[0]).toBe('-p');
    expect(args[1]).toContain('(deny file-write*)');
    expect(args[1]).toContain('(subpath "/Users/a/p \\"x\\"")');
    expect(args.slice(2)).toEqual(['/bin/bash', '-c', 'make']);
    expect(macProfile(['/tmp'])).toMatch(/^\(version 1\)\n\(allow default\)/);
  });

  const found = findSandbox();
  it.runIf(found?.kind === 'bwrap')(
    'runs under bwrap: writes outside the workspace fail',
    async () => {
      const result = await runProcess({
        command: 'touch /etc/kirikae-sandbox-probe; touch inside && echo wrote-inside',
        cwd: root,
        timeoutMs: 10_000,
        sandbox: found!,
      });
      expect(result.output).toMatch(/Read-only file system/);
      expect(result.output).toContain('wrote-inside');
      expect(existsSync('/etc/kirikae-sandbox-probe')).toBe(false);
      expect(existsSync(join(root, 'inside'))).toBe(true);
    },
  );

  it('hides service folders after the writable binds, and binds a writable path inside one again', () => {
    const { args } = sandboxCommand(bwrap, {
      shell: '/bin/bash',
      command: 'make',
      cwd: '/w',
      writable: ['/w', '/run/user/1000/tmp'],
      services: {
        folders: ['/run/user/1000'],
        sockets: ['/run/docker.sock'],
        keep: ['/run/user/1000/ssh-agent.socket'],
      },
    });
    expect(args.slice(7, args.indexOf('--unshare-pid'))).toEqual([
      '--bind',
      '/w',
      '/w',
      '--bind',
      '/run/user/1000/tmp',
      '/run/user/1000/tmp',
      '--tmpfs',
      '/run/user/1000',
      '--ro-bind',
      '/dev/null',
      '/run/docker.sock',
      '--bind',
      '/run/user/1000/tmp',
      '/run/user/1000/tmp',
      '--bind',
      '/run/user/1000/ssh-agent.socket',
      '/run/user/1000/ssh-agent.socket',
    ]);
  });

  it('finds the runtime folder and service sockets to hide, keeping an SSH agent inside it', () => {
    const present = new Set([
      '/run/user/1000',
      '/run/user/1000/ssh-agent.socket',
      '/run/docker.sock',
    ]);
    const exists = (path: string) => present.has(path);
    expect(
      localServiceSockets({ SSH_AUTH_SOCK: '/run/user/1000/ssh-agent.socket' }, exists, 1000),
    ).toEqual({
      folders: ['/run/user/1000'],
      sockets: ['/run/docker.sock'],
      keep: ['/run/user/1000/ssh-agent.socket'],
    });
    // An agent elsewhere is reachable anyway; no runtime folder, nothing to hide there.
    expect(localServiceSockets({ SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1' }, exists, 1000).keep).toEqual(
      [],
    );
    expect(localServiceSockets({}, () => false, 1000)).toEqual({
      folders: [],
      sockets: [],
      keep: [],
    });
  });

  // A review reached a Unix socket on the read-only / from inside the sandbox: a session bus or
  // docker.sock there runs what the sandbox forbids. The runtime folder is hidden, the SSH agent kept.
  it.runIf(found?.kind === 'bwrap')(
    'under bwrap, sockets in the hidden runtime folder cannot be reached; the kept one can',
    async () => {
      const runtime = mkdtempSync(join(tmpdir(), 'kirikae-runtime-'));
      const servers = ['bus', 'agent'].map((name) => {
        const server = createServer((c) => c.end('hi\n'));
        server.listen(join(runtime, name));
        return server;
      });
      try {
        await Promise.all(servers.map((s) => once(s, 'listening')));
        const probe = (name: string) =>
          `node -e "require('net').connect('${join(runtime, name)}').on('data',d=>console.log('${name}',String(d).trim())).on('error',e=>console.log('${name}',e.code))"`;
        const { file, args } = sandboxCommand(found!, {
          shell: '/bin/bash',
          command: `${probe('bus')}; ${probe('agent')}`,
          cwd: root,
          // /tmp writable, as every sandboxed command has it: the runtime folder under it stays hidden.
          writable: [root, tmpdir()],
          services: { folders: [runtime], sockets: [], keep: [join(runtime, 'agent')] },
        });
        // Not execFileSync: these servers answer from this process's event loop.
        const { stdout: output } = await promisify(execFile)(file, args, {
          encoding: 'utf8',
          timeout: 10_000,
        });
        expect(output).toContain('bus ENOENT');
        expect(output).toContain('agent hi');
      } finally {
        servers.forEach((s) => s.close());
        rmSync(runtime, { recursive: true, force: true });
      }
    },
  );

  /** The bash tool under a session gate, as the loop prepares it. */
  async function viaGate(
    mode: PermissionMode,
    sandbox: SandboxSetting,
    command: string,
    available = found ?? null,
  ) {
    const gate = createPermissionGate({
      mode,
      rules: { allow: [], ask: [], deny: [] },
      sandbox,
      availableSandbox: available,
    });
    const ctx = { workspace: openWorkspace(root), bashTimeoutMs: 10_000, policy: gate.toolPolicy };
    return (await bashTool.prepare({ command }, ctx)).run(new AbortController().signal);
  }

  it.runIf(found?.kind === 'bwrap')(
    'the session gate sandboxes bash in auto mode, not in ask mode (where a person reads it)',
    async () => {
      // In its own PID namespace the shell is pid 1 or 2; outside it is a large number.
      const inside = await viaGate('auto', 'auto', 'echo $$');
      expect(Number(inside.content.split('\n')[0])).toBeLessThan(10);
      const direct = await viaGate('ask', 'auto', 'echo $$');
      expect(Number(direct.content.split('\n')[0])).toBeGreaterThan(10);
    },
  );

  it('agent.sandbox "on" without a sandbox refuses to run the command', async () => {
    await expect(viaGate('auto', 'on', 'touch ran', null)).rejects.toThrow(/no sandbox/);
    expect(existsSync(join(root, 'ran'))).toBe(false);
  });
});
