// `kirikae --version` and `--help` cost what a bare `node -e 0` costs only if the launcher loads
// nothing of node's own that `node -e 0` does not: the modules each start loaded are compared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './helpers.js';

let dir: string;
let probe: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'kirikae-launcher-modules-'));
  probe = join(dir, 'probe.cjs');
  // Preloaded: at exit, the list of node's internal modules and bindings the process loaded.
  writeFileSync(
    probe,
    "process.on('exit', () => require('fs').writeSync(2, JSON.stringify(process.moduleLoadList)));\n",
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What node loaded for these arguments, and what the process printed. */
function loaded(args: string[]): { modules: string[]; stdout: string } {
  const run = spawnSync(process.execPath, ['--require', probe, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  expect(run.status).toBe(0);
  return { modules: JSON.parse(run.stderr) as string[], stdout: run.stdout };
}

describe('the launcher fast path', () => {
  it.each([['--version'], ['-v'], ['--help'], ['-h']])(
    '%s loads none of node that a bare node -e 0 does not (no stdout stream, no net)',
    (flag) => {
      const bare = new Set(loaded(['-e', '0']).modules);
      const { modules, stdout } = loaded(['bin/kirikae.js', flag]);
      expect(stdout.length).toBeGreaterThan(0);
      expect(modules.filter((m) => !bare.has(m))).toEqual([]);
    },
  );
});
