// Task files and --configs: the three shipped tasks are valid and their setups and checks do
// what they say on the fixture project (no model involved); bad input is refused with why.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { parseConfigs } from '../../src/trial/configs.js';
import { readTaskFile } from '../../src/trial/task-file.js';
import { addWorktree, runCheck, runSetup } from '../../src/trial/worktree.js';

const FIXTURES = resolve(__dirname, '../../fixtures/trial');

function repo(): { path: string; cleanup: () => void } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'kirikae-trial-files-')));
  const path = join(root, 'repo');
  cpSync(join(FIXTURES, 'project'), path, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', path, ...args]);
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'fixture');
  return { path, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

describe('the shipped trial tasks', () => {
  it('each setup breaks or extends the fixture so that its check fails until the work is done', async () => {
    const { path, cleanup } = repo();
    try {
      for (const name of ['breakage-recovery', 'move-refactor', 'small-feature']) {
        const task = readTaskFile(join(FIXTURES, 'tasks', `${name}.json`));
        const tree = await addWorktree(path, task);
        await runSetup(task, tree.path);
        expect((await runCheck(task, tree.path)).passed, `${name} before`).toBe(false);
        // The work a model would do, by hand.
        if (name === 'breakage-recovery') {
          const file = join(tree.path, 'src/math.js');
          writeFileSync(file, readFileSync(file, 'utf8').replace('a - b', 'a + b'));
        } else if (name === 'move-refactor') {
          mkdirSync(join(tree.path, 'src/format'), { recursive: true });
          execFileSync('git', ['-C', tree.path, 'mv', 'src/util/format.js', 'src/format/index.js']);
          const report = join(tree.path, 'src/report.js');
          writeFileSync(
            report,
            readFileSync(report, 'utf8').replace('./util/format.js', './format/index.js'),
          );
        } else {
          const file = join(tree.path, 'src/strings.js');
          writeFileSync(
            file,
            `${readFileSync(file, 'utf8')}\nexport function slugify(text) {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');\n}\n`,
          );
        }
        expect((await runCheck(task, tree.path)).passed, `${name} after`).toBe(true);
        if (name === 'small-feature') {
          // Editing the fingerprinted test is caught, even when the suite passes.
          writeFileSync(
            join(tree.path, 'test/slugify.test.js'),
            "import { test } from 'node:test';\ntest('x', () => {});\n",
          );
          expect((await runCheck(task, tree.path)).passed).toBe(false);
        }
        await tree.remove();
      }
    } finally {
      cleanup();
    }
  }, 90_000);
});

describe('bad input', () => {
  it('refuses a task file that is not valid, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirikae-task-'));
    const file = join(dir, 'task.json');
    writeFileSync(file, JSON.stringify({ name: 'x', type: 'debug', prompt: 'p' }));
    expect(() => readTaskFile(file)).toThrow(/check: /);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a configuration that is not solo:<model> or delegate:<planner>+<executor>', () => {
    const config = configSchema.parse({});
    expect(() => parseConfigs('delegate:opus', config)).toThrow(/is not solo:<model>/);
    expect(() => parseConfigs('solo:nosuchmodel', config)).toThrow(/No configured model matches/);
  });
});
