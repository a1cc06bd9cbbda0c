/**
 * Issue 11 items 1–3, as an attacker-controlled model would try them: file tools called
 * through symlinks (dangling, chained, looping, in-workspace aliases of protected files) and
 * searches across links and deny rules, with the built-in grep and with ripgrep.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionGate, type ApprovalRequest } from '../../src/agent/approvals.js';
import type { PermissionMode } from '../../src/agent/permissions.js';
import { editFileTool } from '../../src/agent/tools/edit-file.js';
import { listFilesTool } from '../../src/agent/tools/list-files.js';
import { createGrepTool, findRipgrep } from '../../src/agent/tools/grep.js';
import { readFileTool } from '../../src/agent/tools/read-file.js';
import type { Tool, ToolContext } from '../../src/agent/tools/types.js';
import { writeFileTool } from '../../src/agent/tools/write-file.js';
import { writeApproved } from '../../src/agent/confined-write.js';
import { openWorkspace, resolveInWorkspace } from '../../src/agent/workspace.js';
import { tempDir } from './helpers.js';

const RULES = {
  allow: [],
  ask: [],
  deny: ['read(protected/**)', 'edit(protected/**)'],
};

let root: string;
let outside: string;
const cleanups: Array<() => void> = [];

beforeEach(() => {
  const a = tempDir();
  const b = tempDir('kirikae-outside-');
  cleanups.push(a.cleanup, b.cleanup);
  root = a.dir;
  outside = b.dir;
  mkdirSync(join(root, 'protected'));
  writeFileSync(join(root, 'protected', 'secret.txt'), 'TOKEN=hunter2\n');
  writeFileSync(join(root, '.env'), 'API_KEY=old-secret-value\n');
  writeFileSync(join(root, 'readme.md'), 'hello\n');
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  // notes.md → a file that does not exist yet, outside (issue: ~/.ssh/authorized_keys).
  symlinkSync(join(outside, 'authorized_keys'), join(root, 'notes.md'));
  symlinkSync(join(outside, 'passwd'), join(root, 'abs_link'));
  symlinkSync('protected', join(root, 'plink'));
  symlinkSync('.env', join(root, 'envlink'));
  // A chain: hop1 → hop2 (inside) → a missing folder outside.
  symlinkSync('hop2', join(root, 'hop1'));
  symlinkSync(join(outside, 'newdir', 'x'), join(root, 'hop2'));
  symlinkSync(join(outside, 'missing-dir'), join(root, 'dangling_dir'));
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
});
afterEach(() => cleanups.splice(0).forEach((c) => c()));

type Outcome = { result: 'refused' | 'denied' | 'asked' | 'ran'; content: string };

async function attempt(
  tool: Tool,
  args: unknown,
  mode: PermissionMode,
  approve: 'no' | 'yes' = 'no',
): Promise<Outcome & { asked: ApprovalRequest[] }> {
  const gate = createPermissionGate({ mode, rules: RULES, availableSandbox: null });
  const ctx: ToolContext = {
    workspace: openWorkspace(root),
    bashTimeoutMs: 5000,
    policy: gate.toolPolicy,
  };
  const asked: ApprovalRequest[] = [];
  let prepared;
  try {
    prepared = await tool.prepare(args, ctx);
  } catch (error) {
    return { result: 'refused', content: String(error), asked };
  }
  const auth = await gate.authorize({ tool, args, prepared }, async (request) => {
    asked.push(request);
    return { decision: approve === 'yes' ? 'once' : 'deny' };
  });
  if (!auth.allowed) {
    return { result: asked.length ? 'asked' : 'denied', content: auth.message, asked };
  }
  const outcome = await prepared.run(new AbortController().signal);
  return { result: asked.length ? 'asked' : 'ran', content: outcome.content, asked };
}

describe('file tools through links (items 1 and 3)', () => {
  const cases: Array<{
    name: string;
    tool: Tool;
    args: Record<string, unknown>;
    mode: PermissionMode;
    expected: Outcome['result'];
  }> = [
    {
      name: 'write through a dangling link to a new file outside',
      tool: writeFileTool,
      args: { path: 'notes.md', content: 'ssh-ed25519 AAAA attacker' },
      mode: 'auto',
      expected: 'refused',
    },
    {
      name: 'write below a dangling link to a missing folder outside',
      tool: writeFileTool,
      args: { path: 'dangling_dir/file', content: 'x' },
      mode: 'auto',
      expected: 'refused',
    },
    {
      name: 'write through a chain of links that ends outside',
      tool: writeFileTool,
      args: { path: 'hop1', content: 'x' },
      mode: 'auto',
      expected: 'refused',
    },
    {
      name: 'write through a link loop',
      tool: writeFileTool,
      args: { path: 'loop1', content: 'x' },
      mode: 'auto',
      expected: 'refused',
    },
    {
      name: 'read a link to a file outside',
      tool: readFileTool,
      args: { path: 'abs_link' },
      mode: 'auto',
      expected: 'refused',
    },
    {
      name: 'read a denied file through an in-workspace link to its folder',
      tool: readFileTool,
      args: { path: 'plink/secret.txt' },
      mode: 'auto',
      expected: 'denied',
    },
    {
      name: 'edit a denied file through an in-workspace link',
      tool: editFileTool,
      args: { path: 'plink/secret.txt', old_string: 'hunter2', new_string: 'x' },
      mode: 'auto',
      expected: 'denied',
    },
    {
      name: 'read .env through a link',
      tool: readFileTool,
      args: { path: 'envlink' },
      mode: 'auto',
      expected: 'asked',
    },
    {
      name: 'overwrite .env in auto mode',
      tool: writeFileTool,
      args: { path: '.env', content: 'API_KEY=mine\n' },
      mode: 'auto',
      expected: 'asked',
    },
    {
      name: 'overwrite .env through a link in accept-edits mode',
      tool: writeFileTool,
      args: { path: 'envlink', content: 'API_KEY=mine\n' },
      mode: 'accept-edits',
      expected: 'asked',
    },
    {
      name: 'edit .env in auto mode',
      tool: editFileTool,
      args: { path: '.env', old_string: 'old', new_string: 'new' },
      mode: 'auto',
      expected: 'asked',
    },
    {
      name: 'an ordinary write still runs',
      tool: writeFileTool,
      args: { path: 'src/new.ts', content: 'x' },
      mode: 'auto',
      expected: 'ran',
    },
  ];

  it.each(cases)('$name → $expected', async ({ tool, args, mode, expected }) => {
    const outcome = await attempt(tool, args, mode);
    expect(outcome.result, outcome.content).toBe(expected);
    // Nothing was created outside, whatever the verdict.
    expect(existsSync(join(outside, 'authorized_keys'))).toBe(false);
    expect(existsSync(join(outside, 'missing-dir'))).toBe(false);
    expect(existsSync(join(outside, 'newdir'))).toBe(false);
    expect(readFileSync(join(root, 'protected', 'secret.txt'), 'utf8')).toBe('TOKEN=hunter2\n');
  });

  it('an approved write of .env does not hand the old secret back in the diff', async () => {
    const outcome = await attempt(
      writeFileTool,
      { path: '.env', content: 'API_KEY=mine\n' },
      'auto',
      'yes',
    );
    expect(outcome.result).toBe('asked');
    // The person saw the diff in the dialog; the model does not.
    expect(outcome.asked[0]!.diff).toContain('old-secret-value');
    expect(outcome.content).not.toContain('old-secret-value');
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe('API_KEY=mine\n');
  });
});

// A review won a race: a loop swapping a link in while write_file ran wrote outside on the
// second try. The write now opens what was approved without following a link and checks it is
// the same file; each swap is made here at the worst moment, after the approval's check.
describe('a link swapped in after the approval', () => {
  async function approved(path: string) {
    const ws = openWorkspace(root);
    return { ws, resolved: await resolveInWorkspace(ws, path) };
  }

  it('a new file replaced by a link to outside: nothing is written there', async () => {
    const { ws, resolved } = await approved('new.txt');
    symlinkSync(join(outside, 'pwned.txt'), join(root, 'new.txt'));
    expect(await writeApproved(ws, resolved, 'owned', undefined)).toBe('changed');
    expect(existsSync(join(outside, 'pwned.txt'))).toBe(false);
  });

  it('an existing file replaced by a link to outside: refused, the outside file untouched', async () => {
    const { ws, resolved } = await approved('readme.md');
    rmSync(join(root, 'readme.md'));
    symlinkSync(join(outside, 'passwd'), join(root, 'readme.md'));
    await expect(writeApproved(ws, resolved, 'owned', Buffer.from('hello\n'))).rejects.toThrow(
      /became a symbolic link/,
    );
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toMatch(/^root:/);
  });

  it('a folder on the way replaced by a link to outside: refused, the outside file untouched', async () => {
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'a.txt'), 'same\n');
    const { ws, resolved } = await approved('sub/a.txt');
    mkdirSync(join(outside, 'sub'));
    writeFileSync(join(outside, 'sub', 'a.txt'), 'same\n');
    rmSync(join(root, 'sub'), { recursive: true });
    symlinkSync(join(outside, 'sub'), join(root, 'sub'));
    await expect(writeApproved(ws, resolved, 'owned', Buffer.from('same\n'))).rejects.toThrow(
      /no longer leads to sub\/a.txt inside the workspace/,
    );
    expect(readFileSync(join(outside, 'sub', 'a.txt'), 'utf8')).toBe('same\n');
  });

  it('with nothing swapped, the approved content is written', async () => {
    const { ws, resolved } = await approved('readme.md');
    expect(await writeApproved(ws, resolved, 'bye\n', Buffer.from('hello\n'))).toBe('written');
    expect(readFileSync(join(root, 'readme.md'), 'utf8')).toBe('bye\n');
    expect(await writeApproved(ws, resolved, 'x', Buffer.from('hello\n'))).toBe('changed');
  });
});

// A review chained accept-edits and `bash(git status*)`: write core.fsmonitor into .git/config,
// and the next allowed `git status` runs it. Files other programs run ask in every mode.
describe('files that make other programs run commands', () => {
  it.each([
    ['.git/config', '[core]\n\tfsmonitor = "touch pwned; false"\n'],
    ['.git/hooks/pre-commit', '#!/bin/sh\ntouch pwned\n'],
    ['.envrc', 'touch pwned\n'],
    ['.husky/pre-commit', 'touch pwned\n'],
    ['.vscode/tasks.json', '{}\n'],
  ])('%s: a change asks in accept-edits and auto mode, saying why', async (path, content) => {
    mkdirSync(join(root, '.git', 'hooks'), { recursive: true });
    for (const mode of ['accept-edits', 'auto'] as const) {
      const outcome = await attempt(writeFileTool, { path, content }, mode);
      expect(outcome.result, `${path} in ${mode}`).toBe('asked');
      expect(outcome.asked[0]!.reason).toMatch(/can make git, direnv or an editor run commands/);
    }
    expect(existsSync(join(root, path))).toBe(false);
  });

  it('an ordinary file is still written without asking in accept-edits mode', async () => {
    const outcome = await attempt(
      writeFileTool,
      { path: 'src/gitconfig.ts', content: 'x' },
      'accept-edits',
    );
    expect(outcome.result).toBe('ran');
  });
});

const rg = findRipgrep();
const searches: Array<[string, string | null]> = [['built-in grep', null]];
if (rg) searches.push(['ripgrep', rg]);

describe.each(searches)('searches with %s (item 2)', (_name, ripgrep) => {
  const grep = createGrepTool({ ripgrep });

  it('does not follow a link out of the workspace', async () => {
    const outcome = await attempt(grep, { pattern: 'root:x' }, 'auto');
    expect(outcome.result).toBe('ran');
    expect(outcome.content).toBe('No matches.');
  });

  it('leaves out files that deny rules protect, and secrets', async () => {
    writeFileSync(join(root, 'readme.md'), 'hunter2 is the password; old-secret-value too\n');
    const outcome = await attempt(grep, { pattern: 'hunter2|old-secret' }, 'auto');
    expect(outcome.result).toBe('ran');
    expect(outcome.content).toBe('readme.md:1:hunter2 is the password; old-secret-value too');
  });

  it('refuses a search of a protected folder named through a link', async () => {
    expect((await attempt(grep, { pattern: 'hunter2', path: 'plink' }, 'auto')).result).toBe(
      'denied',
    );
    expect((await attempt(grep, { pattern: 'x', path: 'abs_link' }, 'auto')).result).toBe(
      'refused',
    );
  });

  it('keeps a file under an ask rule out of an unasked search', async () => {
    mkdirSync(join(root, 'private'));
    writeFileSync(join(root, 'private', 'notes.txt'), 'needle\n');
    writeFileSync(join(root, 'open.txt'), 'needle\n');
    const gate = createPermissionGate({
      mode: 'auto',
      rules: { allow: [], ask: ['read(private/**)'], deny: [] },
      availableSandbox: null,
    });
    const ctx = { workspace: openWorkspace(root), bashTimeoutMs: 5000, policy: gate.toolPolicy };
    const prepared = await grep.prepare({ pattern: 'needle' }, ctx);
    const outcome = await prepared.run(new AbortController().signal);
    expect(outcome.content).toBe('open.txt:1:needle');
  });
});

describe('listing', () => {
  it('does not name files a deny rule protects', async () => {
    const outcome = await attempt(listFilesTool, {}, 'auto');
    expect(outcome.result).toBe('ran');
    expect(outcome.content.split('\n')).toContain('readme.md');
    expect(outcome.content).not.toContain('protected/secret.txt');
  });

  it('does not name a denied file through a link to its folder', async () => {
    const gate = createPermissionGate({
      mode: 'auto',
      rules: { allow: [], ask: [], deny: ['read(protected/secret.txt)'] },
      availableSandbox: null,
    });
    writeFileSync(join(root, 'protected', 'public.txt'), 'ok\n');
    const ctx: ToolContext = {
      workspace: openWorkspace(root),
      bashTimeoutMs: 5000,
      policy: gate.toolPolicy,
    };
    const prepared = await listFilesTool.prepare({ path: 'plink' }, ctx);
    const outcome = await prepared.run(new AbortController().signal);
    expect(outcome.content).toContain('plink/public.txt');
    expect(outcome.content).not.toContain('secret.txt');
  });

  it('read_file refuses a FIFO instead of blocking on it', async () => {
    if (process.platform === 'win32') return;
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const ctx: ToolContext = { workspace: openWorkspace(root), bashTimeoutMs: 5000 };
    const prepared = await readFileTool.prepare({ path: 'pipe' }, ctx);
    await expect(prepared.run(new AbortController().signal)).rejects.toThrow(
      /pipe is not a regular file/,
    );
  });
});
