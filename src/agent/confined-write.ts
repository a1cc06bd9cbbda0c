import { constants } from 'node:fs';
import { mkdir, open, realpath, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { inside, WorkspaceError, type ResolvedPath, type Workspace } from './workspace.js';

// Windows has no O_NOFOLLOW; there a final symlink is caught by the inode check below.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Writes an approved file without following a link swapped in after the check (by a command
 * still running, say): the file the approval resolved to is opened without following a final
 * symlink, and what was opened must be the file that path really names inside the workspace
 * (same device and inode) before a byte of it changes. A review won this race on the second
 * try when the write reopened the path by name. `previous` is the content the approval saw
 * (undefined: the file must not exist yet); 'changed' means it is no longer that, and nothing
 * was written.
 */
export async function writeApproved(
  ws: Workspace,
  approved: ResolvedPath,
  content: string,
  previous: Buffer | undefined,
): Promise<'written' | 'changed'> {
  const target = resolve(ws.realRoot, approved.realRel);
  let handle: FileHandle;
  try {
    if (previous === undefined) {
      await mkdir(dirname(target), { recursive: true });
      handle = await open(
        target,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW,
        0o666,
      );
    } else {
      handle = await open(target, constants.O_RDWR | NOFOLLOW);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') return 'changed';
    if (code === 'ELOOP') {
      throw new WorkspaceError(
        `${approved.rel} became a symbolic link after it was approved; nothing was written`,
      );
    }
    throw error;
  }
  try {
    await checkOpened(ws, approved, handle, previous === undefined);
    if (previous !== undefined && !(await handle.readFile()).equals(previous)) return 'changed';
    await handle.truncate(0);
    const bytes = Buffer.from(content);
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, offset);
      offset += bytesWritten;
    }
    return 'written';
  } finally {
    await handle.close();
  }
}

async function checkOpened(
  ws: Workspace,
  approved: ResolvedPath,
  handle: FileHandle,
  created: boolean,
): Promise<void> {
  const opened = await handle.stat();
  const target = resolve(ws.realRoot, approved.realRel);
  const real = await realpath(target).catch(() => undefined);
  const within = real !== undefined && inside(ws.realRoot, real) !== undefined;
  const now = within ? await stat(real).catch(() => undefined) : undefined;
  if (now?.dev === opened.dev && now.ino === opened.ino) return;
  // A folder on the way was swapped for a link: what was opened is elsewhere, and stays as it
  // was (a file this call created there stays empty). One created under the approved name is
  // taken away again.
  if (created) await unlinkIfSame(target, opened);
  throw new WorkspaceError(
    `${approved.rel} no longer leads to ${approved.realRel} inside the workspace; nothing was written`,
  );
}

async function unlinkIfSame(path: string, opened: { dev: number; ino: number }): Promise<void> {
  const there = await stat(path).catch(() => undefined);
  if (there?.dev === opened.dev && there.ino === opened.ino) await unlink(path).catch(() => {});
}
