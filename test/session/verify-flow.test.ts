// The test gate's watch over a turn: which shell commands count as a change, in a repo or not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { watchTurnChanges } from '../../src/session/verify-flow.js';
import { commitAll } from '../support/git-repo.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(git: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'kirikae-watch-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'words.txt'), 'b\na\n');
  if (git) commitAll(dir);
  return dir;
}

const config = configSchema.parse({ verify: { command: 'node --test' } });
const later = () => new Promise((r) => setTimeout(r, 20));

describe('watchTurnChanges', () => {
  it('in a git repository, a change by a command taken to only read is still seen', async () => {
    const dir = project(true);
    const watch = watchTurnChanges(config, dir);
    await watch.beforeShell();
    await later();
    writeFileSync(join(dir, 'words.txt'), 'a\nb\n');
    // The loop counted it as run but not writing (a reader the list got wrong).
    const changes = await watch.after({ filesChanged: [], commandsRun: 1, writingCommands: 0 });
    expect(changes).toEqual({ paths: ['words.txt'], changed: true });
  });

  it('outside git, only a command that may have written counts as a change', async () => {
    const dir = project(false);
    const reads = watchTurnChanges(config, dir);
    await reads.beforeShell();
    expect(await reads.after({ filesChanged: [], commandsRun: 2, writingCommands: 0 })).toEqual({
      paths: [],
      changed: false,
    });
    const writes = watchTurnChanges(config, dir);
    await writes.beforeShell();
    expect(
      (await writes.after({ filesChanged: [], commandsRun: 2, writingCommands: 1 })).changed,
    ).toBe(true);
  });
});
