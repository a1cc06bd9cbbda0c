// What a shell changed during a turn: the file tools' list misses `sed -i` and `printf > x`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedSince, workspaceStamps } from '../../src/agent/workspace-changes.js';
import { commandDefiningFiles } from '../../src/agent/verify.js';
import { tempDir } from './helpers.js';
import { commitAll } from '../support/git-repo.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function repo(git: boolean): string {
  const { dir, cleanup } = tempDir('kirikae-changes-');
  cleanups.push(cleanup);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'math.js'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(join(dir, 'test.sh'), '#!/bin/sh\nnode --test\n');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  if (git) commitAll(dir);
  return dir;
}

// mtime has a coarse grain on some file systems: a later write must not be missed for it.
const later = () => new Promise((r) => setTimeout(r, 20));

describe('workspace changes a shell made', () => {
  it('in a git repository: an edited tracked file, a new file and a deleted one', async () => {
    const dir = repo(true);
    const before = await workspaceStamps(dir, './test.sh');
    expect(before.git).toBe(true);
    await later();
    writeFileSync(join(dir, 'src', 'math.js'), 'export const add = (a, b) => a + b;\n');
    writeFileSync(join(dir, 'notes.md'), 'new\n');
    rmSync(join(dir, 'README.md'));
    expect(changedSince(before, await workspaceStamps(dir, './test.sh'))).toEqual([
      'README.md',
      'notes.md',
      'src/math.js',
    ]);
  });

  it('a file already changed before the turn counts only if the turn changed it again', async () => {
    const dir = repo(true);
    writeFileSync(join(dir, 'src', 'math.js'), 'dirty before the turn\n');
    const before = await workspaceStamps(dir, 'npm test');
    expect(changedSince(before, await workspaceStamps(dir, 'npm test'))).toEqual([]);
    await later();
    writeFileSync(join(dir, 'src', 'math.js'), 'changed by the turn, and longer\n');
    expect(changedSince(before, await workspaceStamps(dir, 'npm test'))).toEqual(['src/math.js']);
  });

  it('a dirty file the turn committed (clean again, same content) is not counted as changed', async () => {
    const dir = repo(true);
    writeFileSync(join(dir, 'src', 'math.js'), 'dirty before the turn\n');
    const before = await workspaceStamps(dir, 'npm test');
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'wip'], {
      cwd: dir,
      stdio: 'ignore',
    });
    const after = await workspaceStamps(dir, 'npm test', before);
    expect(changedSince(before, after)).toEqual([]);
    // git answered for one snapshot only: only the files both stamped are compared.
    expect(changedSince(before, { stamps: new Map(), git: false })).toEqual([]);
  });

  it('outside git: the test script the command names, rewritten by the turn, is seen', async () => {
    const dir = repo(false);
    const before = await workspaceStamps(dir, './test.sh');
    expect(before.git).toBe(false);
    await later();
    writeFileSync(join(dir, 'test.sh'), '#!/bin/sh\necho REWRITTEN\nexit 0\n');
    expect(changedSince(before, await workspaceStamps(dir, './test.sh'))).toEqual(['test.sh']);
    expect(commandDefiningFiles('sh ../outside.sh')).not.toContain('../outside.sh');
  });
});
