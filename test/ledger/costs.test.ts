import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { whatIfModelOf } from '../../src/ledger/whatif.js';
import { runCosts, type CostsArgs, type CostsJson } from '../../src/commands/costs.js';
import { ledgerDir, monthFile, openLedger } from '../../src/ledger/store.js';
import { cacheHit, call, goldenRecords } from './fixtures.js';

let root: string;
let env: NodeJS.ProcessEnv;
const now = new Date('2026-03-11T12:00:00Z');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kirikae-costs-'));
  env = { KIRIKAE_DATA_DIR: join(root, 'data'), KIRIKAE_CONFIG_DIR: join(root, 'config') };
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

async function run(args: CostsArgs, extraEnv: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCosts(args, { stdout, stderr, env: { ...env, ...extraEnv }, now });
  return { code, out, err };
}

describe('kirikae costs --json: dollars', () => {
  it('keeps a fraction of a micro-dollar that --csv and -p --json keep too', async () => {
    // It rounded to 6 decimals: a month of small local-tier calls read 0 here and not in -p.
    rmSync(join(root, 'data'), { recursive: true, force: true });
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    ledger.append(
      call({ ts: '2026-03-10T09:00:00.000Z', model: 'openrouter/qwen/qwen3-8b', costUsd: 3.2e-7 }),
    );
    ledger.close();
    const json = JSON.parse((await run({ json: true })).out) as CostsJson;
    expect(json.totalUsd).toBe(3.2e-7);
    expect(json.byModel[0]?.usd).toBe(3.2e-7);
    // In CSV as a plain decimal: some spreadsheets do not read 3.2e-7.
    const csv = (await run({ csv: true, by: 'model' })).out;
    expect(csv).toContain('openrouter/qwen/qwen3-8b,1,0.00000032,');
  });
});

describe('kirikae costs: the semantic cache', () => {
  it('shows its hits, their rate among turns and the saving beside the prompt-cache line', async () => {
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    ledger.append(cacheHit({ ts: '2026-03-10T09:00:00.000Z', task: 'T9', savedUsd: 0.004 }));
    ledger.append(
      cacheHit({ ts: '2026-03-10T10:00:00.000Z', task: 'T9', turn: 2, savedUsd: 0.0021 }),
    );
    ledger.append(
      cacheHit({ ts: '2026-03-10T11:00:00.000Z', task: 'T9', turn: 3, savedUsd: null }),
    );
    ledger.close();
    const json = JSON.parse((await run({ json: true })).out) as CostsJson;
    // The golden month has 7 turns answered by a model.
    expect(json.semanticCache).toEqual({
      hits: 3,
      modelTurns: 7,
      rate: 0.3,
      savedUsd: 0.0061,
      unpricedHits: 1,
    });
    // A hit costs nothing: the month's total is the golden one.
    expect(json.totalUsd).toBe(1.1445);
    const { out } = await run({});
    const lines = out.split('\n');
    const prompt = lines.findIndex((l) => l.startsWith('Cache hits'));
    expect(lines[prompt + 1]).toBe(
      'Answer cache    3 turns answered from the semantic cache (30% of turns), saved $0.0061 + ?',
    );
  });

  it('says nothing of it when it is off and never hit', async () => {
    expect((await run({})).out).not.toContain('Answer cache');
  });

  it('shows it with no hits when cache.semantic.enabled', async () => {
    const { out } = await run({}, { KIRIKAE_CONFIG_DIR: join(root, 'config-on') });
    expect(out).not.toContain('Answer cache');
    mkdirSync(join(root, 'config-on'), { recursive: true });
    writeFileSync(
      join(root, 'config-on', 'config.json'),
      JSON.stringify({ cache: { semantic: { enabled: true } } }),
    );
    const on = await run({}, { KIRIKAE_CONFIG_DIR: join(root, 'config-on') });
    expect(on.out).toContain(
      'Answer cache    0 turns answered from the semantic cache (0% of turns), saved $0.00',
    );
  });
});

describe('the what-if model', () => {
  it('is the first model of tier 0 as configured, and an empty month has nothing to compare', async () => {
    const bare = { KIRIKAE_CONFIG_DIR: join(root, 'no-config') };
    const json = JSON.parse((await run({ json: true }, bare)).out) as CostsJson;
    expect(json.whatif.model).toBe(whatIfModelOf(defaultConfig().tiers));
    const empty = await run({ month: '2026-02' });
    expect(empty.out).toContain('What-if         anthropic/claude-opus-4-6: no calls to compare');
  });
});

describe('kirikae costs', () => {
  it('--json prints one object with the golden figures', async () => {
    const { code, out, err } = await run({ json: true }, { KIRIKAE_BUDGET_USD: '50' });
    expect(code).toBe(0);
    expect(err).toBe('');
    const json = JSON.parse(out) as CostsJson;
    // Figures worked out in fixtures.ts / golden.test.ts.
    expect(json.month).toBe('2026-03');
    expect(json.totalUsd).toBe(1.1445);
    expect(json.budgetUsd).toBe(50);
    expect(json.unknownCost).toEqual({ calls: 1, tokens: 5_500 });
    expect(json.skippedLines).toBe(0);
    expect(json.byTier.map((r) => [r.key, r.usd])).toEqual([
      ['1', 1.1295],
      ['2', 0.015],
      ['3', 0],
      ['4', null], // only unpriced calls: null, never 0
    ]);
    expect(json.byModel[0]).toMatchObject({ key: 'anthropic/claude-sonnet-4-5', usd: 1.0185 });
    expect(json.byTaskType.find((r) => r.key === 'implement')!.usd).toBe(0.111);
    expect(json.perCompletedTask.find((r) => r.key === 'implement/1')).toMatchObject({
      meanUsd: 0.09,
      usdPerCompletedInclWaste: 0.111,
    });
    expect(json.localShare.turns).toEqual({ local: 2, total: 7, share: 2 / 7 });
    expect(json.cacheHitRate.rate).toBeCloseTo(130_000 / 309_000, 12);
    // Opus what-if: 1.295 vs 1.1445 actual → saved 0.1505 / 1.295
    expect(json.whatif.model).toBe('anthropic/claude-opus-4-6');
    expect(json.whatif.totalUsd).toBe(1.295);
    expect(json.whatif.savedPct).toBeCloseTo((0.1505 / 1.295) * 100, 8);
    expect(json.projection.budgetUsd).toBe(50);
    expect(json.topTasks.map((t) => t.task)).toEqual(['T2', 'T1', 'T6', 'T3', 'T4']);
    // 1.1445 / 50 = 2.289 % of the budget
    expect(json.budget.fraction).toBeCloseTo(1.1445 / 50, 6);
  });

  it("leaves the model classifier's calls out of the local share, and a $0 estimate out of '~'", async () => {
    // A local classifier call that timed out: estimated usage, $0, before a cloud turn.
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    ledger.append(
      call({
        ts: '2026-03-11T09:00:00.000Z',
        task: 'T9',
        model: 'ollama/qwen3-coder:30b',
        tier: null,
        role: 'classifier',
        outcome: 'aborted',
        usageEstimated: true,
        costUsd: 0,
        usage: { input: 50_000, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      }),
    );
    ledger.close();
    const json = JSON.parse((await run({ json: true })).out) as CostsJson;
    // The golden month's shares, as without it (the 2-of-7 above).
    expect(json.localShare.turns).toEqual({ local: 2, total: 7, share: 2 / 7 });
    expect(json.localShare.calls.total).toBe(json.byModel.reduce((n, r) => n + r.calls, 0) - 1);
    const text = (await run({})).out;
    expect(text).toContain('Spent       $1.14 + ? of $200.00');
  });

  it('prints the month as text: budget bar, groups, tasks, shares, projection and savings', async () => {
    const { code, out } = await run({ by: 'model' });
    expect(code).toBe(0);
    expect(out).toContain('Spent       $1.14 + ? of $200.00');
    expect(out).toMatch(/█|░/);
    expect(out).toMatch(/anthropic\/claude-sonnet-4-5 +1 +\$1\.02/);
    expect(out).toMatch(/openrouter\/acme\/unpriced-model +1 +\?/);
    expect(out).toContain('Unpriced    1 call(s), 5.5K tokens');
    expect(out).toContain('29% of turns');
    expect(out).toContain('42% of cloud input');
    expect(out).toContain('routing saved 12%');
    expect(out).toContain('Most expensive tasks');
  });

  it('--csv prints the grouped rows', async () => {
    const { code, out } = await run({ csv: true, by: 'day' });
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(
      'day,calls,usd,unknown_price_calls,unknown_price_tokens,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens',
    );
    // 2 March: c2 (local) + c1: input 20,000 + 10,000; output 1,500 + 2,000
    expect(lines[1]).toBe('2026-03-02,2,0.09,0,0,30000,3500,50000,4000');
    expect(lines).toHaveLength(5);
  });

  it('rejects a bad --month, --by or --whatif with exit 2', async () => {
    const month = await run({ month: '2026-13' });
    expect(month.code).toBe(2);
    expect(month.err).toMatch(/--month must be a month as YYYY-MM/);
    expect(month.out).toBe('');
    expect((await run({ by: 'week' as never })).code).toBe(2);
    const model = await run({ whatif: 'opus' });
    expect(model.code).toBe(2);
    expect(model.err).toContain('not a model id');
    expect((await run({ json: true, csv: true })).code).toBe(2);
  });

  it('warns about corrupted lines on stderr and still reports', async () => {
    appendFileSync(monthFile(ledgerDir(env), '2026-03'), '{"v":1,"type":"call","ts":\n');
    const { code, out, err } = await run({ json: true });
    expect(code).toBe(0);
    expect(err).toMatch(/warning: 1 corrupted ledger line\(s\) skipped/);
    expect((JSON.parse(out) as CostsJson).skippedLines).toBe(1);
  });

  it('reports an empty month without failing', async () => {
    const { code, out } = await run({ month: '2025-12', json: true });
    expect(code).toBe(0);
    const json = JSON.parse(out) as CostsJson;
    expect(json.totalUsd).toBe(0);
    expect(json.whatif).toMatchObject({ totalUsd: null, savedPct: null });
  });

  it('uses the previous month to project the first days of a month', async () => {
    // April: $7 on each of its last 10 days. Now 1 May, 00:00: no finished May day yet.
    const ledger = openLedger(ledgerDir(env), { now: () => now });
    for (let day = 21; day <= 30; day++) {
      ledger.recordCall(call({ ts: `2026-04-${day}T10:00:00.000Z`, costUsd: 7 }));
    }
    ledger.close();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await runCosts(
      { json: true },
      { stdout, stderr: new PassThrough(), env, now: new Date('2026-05-01T00:00:00Z') },
    );
    const { projection } = JSON.parse(out) as CostsJson;
    // 0 finished May days, the last 7 April days borrowed ($7 each); 31 days left → 7 × 31 = 217
    expect(projection.sampleDays).toBe(7);
    expect(projection.p50Usd).toBe(217);
    expect(projection.willExceedBudget).toBe(true);
  });
});
