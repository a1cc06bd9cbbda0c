// `kirikae route` reads the router's figures from the ledger's checkpoints
// (src/ledger/router-figures.ts); the route card folds the HistoryStore's records. They must
// agree exactly, whatever the state of the checkpoints.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { LedgerRecord } from '../../src/core/records.js';
import { TASK_TYPES } from '../../src/core/task.js';
import { HistoryStore } from '../../src/ledger/history.js';
import { readRouterFigures } from '../../src/ledger/router-figures.js';
import { monthSpendOf } from '../../src/ledger/spend.js';
import { RouterSession } from '../../src/router/session.js';
import { call, task, usage, verify } from './fixtures.js';

const NOW = new Date('2026-12-10T12:00:00.000Z');
const MODELS = [
  'anthropic/claude-sonnet-5-5',
  'anthropic/claude-haiku-5-5',
  'ollama/qwen3-coder:30b',
  'openrouter/deepseek/deepseek-v4-flash',
];

/** A varied month: calls of every kind the folds read, tests, tasks that failed over. */
function month(prefix: string, n: number, seed: number): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  for (let i = 0; i < n; i++) {
    const k = i * 7 + seed;
    const ts = `${prefix}-${String(1 + (i % 27)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000Z`;
    const model = MODELS[k % MODELS.length]!;
    const taskType = TASK_TYPES[k % TASK_TYPES.length]!;
    if (i % 9 === 4) {
      records.push(
        verify({ ts, task: `T${k % 50}`, taskType, tier: 3, model, passed: k % 3 !== 0 }),
      );
    } else if (i % 11 === 6) {
      records.push(
        task({
          ts,
          task: `T${k % 50}`,
          taskType,
          tier: 1,
          outcome: k % 4 === 0 ? 'failed' : k % 5 === 0 ? 'abandoned' : 'completed',
          attempts: 2,
          models: [MODELS[(k + 1) % MODELS.length]!, model],
        }),
      );
    } else {
      records.push(
        call({
          ts,
          task: `T${k % 50}`,
          taskType,
          model,
          tier: ([1, 2, 3, 4] as const)[k % 4],
          usage: usage({ input: 1_000 + (k % 700), output: 100 + ((k * 37) % 3_000) }),
          costUsd: k % 13 === 0 ? null : (k % 100) / 1_000,
          tokPerSec: 20 + (k % 60),
          estimate: { inputTokens: 900 + (k % 500), outputTokens: 800 },
          ...(i % 17 === 3 ? { role: 'classifier' as const } : {}),
          ...(i % 19 === 5 ? { outcome: 'error' as const, errorKind: 'server' as const } : {}),
        }),
      );
    }
  }
  return records;
}

const jsonl = (records: LedgerRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

/** What the session computes: a HistoryStore loaded at NOW, folded by RouterSession. */
async function fromRecords(dir: string, config: Config) {
  const history = new HistoryStore();
  await history.load(dir, NOW);
  return {
    stats: new RouterSession().stats(history.records(), config),
    spend: monthSpendOf(history.since('2026-12-01T00:00:00.000Z'), '2026-12'),
  };
}

async function expectSame(dir: string, config: Config = defaultConfig()) {
  const figures = await readRouterFigures(dir, config, NOW);
  const expected = await fromRecords(dir, config);
  expect(figures?.stats).toEqual(expected.stats);
  expect(figures?.spend).toEqual(expected.spend);
  return figures!;
}

describe('the router figures from the ledger checkpoints', () => {
  let dir: string;
  const file = (m: string) => join(dir, `${m}.jsonl`);
  const sidecar = (m: string) => join(dir, `${m}.router.fold`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kirikae-figures-'));
    mkdirSync(dir, { recursive: true });
    // Both months above the size a checkpoint is written at (256 KB), a torn line in the middle.
    writeFileSync(file('2026-11'), jsonl(month('2026-11', 1_200, 1)));
    writeFileSync(
      file('2026-12'),
      jsonl(month('2026-12', 700, 2)) + '{"v":1,"type":"ca\n' + jsonl(month('2026-12', 700, 3)),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('equal the session’s, with no checkpoint and then from the checkpoints it wrote', async () => {
    expect(existsSync(sidecar('2026-12'))).toBe(false);
    const first = await expectSame(dir);
    // Not the priors: the ledger moved them.
    expect(first.records).toBeGreaterThan(2_000);
    expect(first.stats.success.implement[3].n).toBeGreaterThan(0);
    expect(Object.keys(first.stats.decodeTokPerSec).length).toBe(MODELS.length);
    expect(existsSync(sidecar('2026-11'))).toBe(true);
    expect(existsSync(sidecar('2026-12'))).toBe(true);
    await expectSame(dir);
  });

  it('fold only what was appended since, and still agree', async () => {
    await expectSame(dir);
    appendFileSync(file('2026-12'), jsonl(month('2026-12', 300, 4)));
    await expectSame(dir);
    // The checkpoint is really read: an edit in place that keeps the file's length is the one
    // change it cannot see (checkpoint.ts), so its figures stay as they were.
    const before = await readRouterFigures(dir, defaultConfig(), NOW);
    const text = readFileSync(file('2026-12'), 'latin1');
    const at = text.indexOf('"passed":true', 20_000);
    expect(at).toBeGreaterThan(0);
    // The test run's record becomes invalid, so a full read skips it.
    writeFileSync(file('2026-12'), `${text.slice(0, at)}"passed":1234${text.slice(at + 13)}`);
    expect((await fromRecords(dir, defaultConfig())).stats).not.toEqual(before?.stats);
    const after = await readRouterFigures(dir, defaultConfig(), NOW);
    expect(after?.stats).toEqual(before?.stats);
    rmSync(sidecar('2026-12'));
    await expectSame(dir);
  });

  it('read everything again when last month’s file changed', async () => {
    await expectSame(dir);
    appendFileSync(
      file('2026-11'),
      jsonl([verify({ ts: '2026-11-30T23:59:00.000Z', taskType: 'chat', tier: 3, passed: false })]),
    );
    const figures = await expectSame(dir);
    expect(figures.stats.success.chat[3].n).toBeGreaterThan(0);
  });

  it('agree with a torn last line, later completed, and a record filed under the other month', async () => {
    // A this-month call in last month's file counts in this month's spend, as history.since does.
    appendFileSync(
      file('2026-11'),
      jsonl([call({ ts: '2026-12-01T00:00:01.000Z', costUsd: 0.5, taskType: 'docs' })]),
    );
    const last = jsonl([call({ ts: '2026-12-09T10:00:00.000Z', costUsd: 0.25 })]);
    appendFileSync(file('2026-12'), last.slice(0, 40));
    const torn = await expectSame(dir);
    expect(torn.spend.spentUsd).toBeGreaterThan(0.5);
    appendFileSync(file('2026-12'), last.slice(40));
    const whole = await expectSame(dir);
    expect(whole.spend.spentUsd).toBeCloseTo(torn.spend.spentUsd + 0.25, 9);
  });

  it('follow a change of the success priors or of the tiers', async () => {
    await expectSame(dir);
    const priors = defaultConfig();
    priors.routing.successPriors = { implement: { 3: 0.2 } };
    await expectSame(dir, priors);
    const tiers = defaultConfig();
    tiers.tiers['2'] = ['ollama/qwen3-coder:30b'];
    await expectSame(dir, tiers);
  });

  it('say nothing where the session would drop the oldest records', async () => {
    expect(await readRouterFigures(dir, defaultConfig(), NOW, { maxRecords: 1_000 })).toBe(
      undefined,
    );
  });

  it('are the priors with no ledger at all', async () => {
    rmSync(dir, { recursive: true, force: true });
    await expectSame(dir);
  });
});
