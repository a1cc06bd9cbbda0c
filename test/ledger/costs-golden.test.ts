import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCosts, type CostsArgs, type CostsJson } from '../../src/commands/costs.js';
import { ledgerDir, openLedger } from '../../src/ledger/store.js';
import { call, goldenRecords, usage } from './fixtures.js';

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
  // The fixtures are of March 2026, when Opus 4.6 led tier 0: the what-if compares with it.
  mkdirSync(join(root, 'config'));
  writeFileSync(
    join(root, 'config', 'config.json'),
    JSON.stringify({ tiers: { 0: ['anthropic/claude-opus-4-6'] } }),
  );
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

describe('kirikae costs: estimated and disagreeing records (golden)', () => {
  beforeEach(() => {
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    // An interrupted codex stream: input estimated from the request (50,000 tokens at
    // $1.75/M = $0.0875, 20 output tokens at $14/M = $0.00028: $0.08778).
    ledger.append(
      call({
        ts: '2026-03-10T12:00:00.000Z',
        task: 'T7',
        taskType: 'implement',
        model: 'openai/gpt-5.3-codex',
        usage: usage({ input: 50_000, output: 20 }),
        costUsd: 0.08778,
        outcome: 'aborted',
        errorKind: 'aborted',
        usageEstimated: true,
      }),
    );
    // A proxy reported cost 0 for a Sonnet call the table prices at $0.021: kept, shown by --check.
    ledger.append(
      call({
        ts: '2026-03-10T13:00:00.000Z',
        task: 'T8',
        usage: usage({ input: 2_000, output: 1_000 }),
        costUsd: 0.021,
        billedDisagreement: { reportedUsd: 0, tableUsd: 0.021 },
      }),
    );
    // Within 5 % ($0.0205 against $0.021): not listed.
    ledger.append(
      call({
        ts: '2026-03-10T14:00:00.000Z',
        task: 'T9',
        usage: usage({ input: 2_000, output: 1_000 }),
        costUsd: 0.021,
        billedDisagreement: { reportedUsd: 0.0205, tableUsd: 0.021 },
      }),
    );
    ledger.close();
  });

  it('text by tier marks estimated amounts with ~ and counts them', async () => {
    const out = await output({ by: 'tier' });
    expect(out).toContain('Estimated   1 call with estimated usage (cut short): amounts marked ~');
    await expect(out).toMatchFileSnapshot('golden/costs-estimated.txt');
  });

  it('--check lists the call billed more than 5 % off the table, and only it', async () => {
    const out = await output({ check: true });
    expect(out).toContain('T8');
    expect(out).not.toContain('T9');
    await expect(out).toMatchFileSnapshot('golden/costs-check.txt');
  });

  it('--json gives null with costKnown false for unpriced amounts, and the estimated count', async () => {
    const json = JSON.parse(await output({ json: true })) as CostsJson;
    expect(json.costKnown).toBe(false);
    expect(json.estimatedCalls).toBe(1);
    const budget = json.byTier.find((row) => row.key === '4')!;
    expect(budget).toMatchObject({ usd: null, costKnown: false, unknownCalls: 1 });
    const standard = json.byTier.find((row) => row.key === '1')!;
    // 1.1295 + 0.08778 + 0.021 + 0.021 = 1.25928
    expect(standard).toMatchObject({ usd: 1.25928, costKnown: true, estimatedCalls: 1 });
    expect(json.billedDisagreements).toEqual([
      {
        ts: '2026-03-10T13:00:00.000Z',
        task: 'T8',
        model: 'anthropic/claude-sonnet-4-6',
        costUsd: 0.021,
        reportedUsd: 0,
        tableUsd: 0.021,
      },
    ]);
  });
});
