import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCosts, type CostsArgs } from '../../src/commands/costs.js';
import { ledgerDir, openLedger } from '../../src/ledger/store.js';
import { goldenRecords } from './fixtures.js';

/*
 * The whole text of `kirikae costs` over the golden month, pinned in files next to this test.
 * A change to how money, tokens or shares print shows up as a diff of these files, so every
 * change to the output is a deliberate one (update with `npx vitest run -u` and read the diff).
 */

let root: string;
let env: NodeJS.ProcessEnv;
const now = new Date('2026-03-11T12:00:00Z');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kirikae-costs-golden-'));
  env = {
    KIRIKAE_DATA_DIR: join(root, 'data'),
    KIRIKAE_CONFIG_DIR: join(root, 'config'),
    KIRIKAE_BUDGET_USD: '50',
  };
  const ledger = openLedger(ledgerDir(env), { now: () => now });
  for (const record of goldenRecords) ledger.append(record);
  ledger.close();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function output(args: CostsArgs): Promise<string> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await runCosts(args, { stdout, stderr: new PassThrough(), env, now });
  expect(code).toBe(0);
  // The ledger lives in a fresh temp folder on every run.
  return out.replaceAll(ledgerDir(env), '<ledger>');
}

describe('kirikae costs output (golden)', () => {
  it.each(['tier', 'model', 'day', 'task'] as const)('text by %s', async (by) => {
    await expect(await output({ by })).toMatchFileSnapshot(`golden/costs-by-${by}.txt`);
  });

  it('json', async () => {
    await expect(await output({ json: true })).toMatchFileSnapshot('golden/costs-json.txt');
  });
});
