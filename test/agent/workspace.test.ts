import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WorkspaceError,
  isSecretPath,
  openWorkspace,
  resolveInWorkspace,
  type Workspace,
} from '../../src/agent/workspace.js';
import { tempDir } from './helpers.js';

describe('workspace confinement', () => {
  let root: string;
  let outside: string;
  let ws: Workspace;
  const cleanups: Array<() => void> = [];

  beforeEach(() => {
    const a = tempDir();
    const b = tempDir('kirikae-outside-');
    cleanups.push(a.cleanup, b.cleanup);
    root = join(a.dir, 'project');
    outside = b.dir;
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), 'a');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    ws = openWorkspace(root);
  });
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('resolves relative and absolute paths inside the root', async () => {
    expect(await resolveInWorkspace(ws, 'src/a.ts')).toEqual({
      abs: join(root, 'src', 'a.ts'),
      rel: 'src/a.ts',
      realRel: 'src/a.ts',
    });
    expect((await resolveInWorkspace(ws, join(root, 'src/a.ts'))).rel).toBe('src/a.ts');
    expect((await resolveInWorkspace(ws, '.')).rel).toBe('.');
    expect((await resolveInWorkspace(ws, 'new/dir/file.ts')).rel).toBe('new/dir/file.ts');
  });

  it('refuses ../ escapes, even ones that come back in', async () => {
    await expect(resolveInWorkspace(ws, '../outside.txt')).rejects.toThrow(WorkspaceError);
    await expect(resolveInWorkspace(ws, 'src/../../x')).rejects.toThrow(/outside the workspace/);
    // Lexically `../project/src/a.ts` is inside again: that one is fine.
    expect((await resolveInWorkspace(ws, '../project/src/a.ts')).rel).toBe('src/a.ts');
  });

  it('refuses absolute paths elsewhere and home paths', async () => {
    await expect(resolveInWorkspace(ws, join(outside, 'secret.txt'))).rejects.toThrow(
      /outside the workspace/,
    );
    await expect(resolveInWorkspace(ws, '/etc/passwd')).rejects.toThrow(WorkspaceError);
    await expect(resolveInWorkspace(ws, '~/.ssh/id_rsa')).rejects.toThrow(WorkspaceError);
  });

  it('refuses symlinks that lead out: to a file, to a folder, and new files below one', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'out'));
    await expect(resolveInWorkspace(ws, 'link.txt')).rejects.toThrow(/symlink/);
    await expect(resolveInWorkspace(ws, 'out/secret.txt')).rejects.toThrow(/symlink/);
    await expect(resolveInWorkspace(ws, 'out/new/file.txt')).rejects.toThrow(/symlink/);
  });

  it('allows symlinks that stay inside', async () => {
    symlinkSync(join(root, 'src'), join(root, 'alias'));
    expect((await resolveInWorkspace(ws, 'alias/a.ts')).rel).toBe('alias/a.ts');
  });

  it('knows .env-like files', () => {
    for (const p of ['.env', 'config/.env.local', 'cert.pem', 'id_rsa', 'x/credentials.json']) {
      expect(isSecretPath(p), p).toBe(true);
    }
    for (const p of ['.env.example', 'src/env.ts', 'id_rsa.pub', 'README.md']) {
      expect(isSecretPath(p), p).toBe(false);
    }
  });
});
