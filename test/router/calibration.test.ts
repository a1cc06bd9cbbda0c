import { describe, expect, it } from 'vitest';
import type { LedgerRecord, TaskRecord, VerifyRecord } from '../../src/core/records.js';
import type { TaskType } from '../../src/core/task.js';
import type { Tier } from '../../src/core/tier.js';
import { mergePriors, PRIOR_STRENGTH, successRates } from '../../src/router/calibration.js';
import { DEFAULT_SUCCESS_PRIORS } from '../../src/router/priors.js';

function verify(taskType: TaskType, tier: Tier, passed: boolean): VerifyRecord {
  return {
    v: 1,
    type: 'verify',
    ts: '2026-03-01T10:00:00Z',
    session: 's',
    task: 't',
    turn: 1,
    taskType,
    tier,
    model: 'x/y',
    command: 'npm test',
    passed,
    durationMs: 1000,
  };
}

function task(
  taskType: TaskType,
  tier: Tier,
  outcome: TaskRecord['outcome'],
  models: string[],
): TaskRecord {
  return {
    v: 1,
    type: 'task',
    ts: '2026-03-01T10:00:00Z',
    session: 's',
    task: 't',
    taskType,
    tier,
    outcome,
    attempts: models.length,
    models,
  };
}

describe('mergePriors', () => {
  it('lays routing.successPriors over the built-in table, tier keys as strings', () => {
    const priors = mergePriors({ docs: { '3': 0.95, '9': 0.1 } });
    expect(priors.docs[3]).toBe(0.95);
    expect(priors.docs[2]).toBe(DEFAULT_SUCCESS_PRIORS.docs[2]);
    expect(priors.architecture).toEqual(DEFAULT_SUCCESS_PRIORS.architecture);
  });

  it('ranks local low and frontier high for architecture and debugging', () => {
    const p = mergePriors();
    for (const type of ['architecture', 'debug'] as const) {
      expect(p[type][3]).toBeLessThan(0.35);
      expect(p[type][0]).toBeGreaterThan(p[type][1]);
      expect(p[type][1]).toBeGreaterThan(p[type][3]);
    }
  });
});

describe('successRates', () => {
  const priors = mergePriors();

  it('equals the priors with no records', () => {
    const table = successRates(priors, []);
    expect(table.docs[3]).toEqual({ p: priors.docs[3], n: 0 });
  });

  it('moves a rate by Beta smoothing: (prior·k + wins) / (k + trials)', () => {
    const records: LedgerRecord[] = [
      verify('docs', 3, true),
      verify('docs', 3, true),
      verify('docs', 3, true),
      verify('docs', 3, false),
    ];
    const table = successRates(priors, records);
    const k = PRIOR_STRENGTH;
    expect(table.docs[3].p).toBeCloseTo((priors.docs[3] * k + 3) / (k + 4), 12);
    expect(table.docs[3].n).toBe(4);
    // Other cells untouched.
    expect(table.docs[2].p).toBe(priors.docs[2]);
  });

  it('converges to the observed rate with many outcomes', () => {
    const records = Array.from({ length: 400 }, (_, i) => verify('architecture', 3, i % 10 < 9));
    const table = successRates(priors, records);
    expect(table.architecture[3].p).toBeGreaterThan(0.85);
    expect(table.architecture[3].p).toBeLessThan(0.9);
  });

  it('counts task outcomes: completed wins, failed loses, abandoned half a loss', () => {
    const base = priors.refactor[1];
    const k = PRIOR_STRENGTH;
    const done = successRates(priors, [
      task('refactor', 1, 'completed', ['anthropic/claude-sonnet-4-6']),
    ]);
    expect(done.refactor[1].p).toBeCloseTo((base * k + 1) / (k + 1), 12);
    const failed = successRates(priors, [
      task('refactor', 1, 'failed', ['anthropic/claude-sonnet-4-6']),
    ]);
    expect(failed.refactor[1].p).toBeCloseTo((base * k) / (k + 1), 12);
    const abandoned = successRates(priors, [
      task('refactor', 1, 'abandoned', ['anthropic/claude-sonnet-4-6']),
    ]);
    expect(abandoned.refactor[1].p).toBeCloseTo((base * k) / (k + 0.5), 12);
  });

  it('charges a failure to each earlier model of an escalated task, via tierOf', () => {
    const tierOf = (model: string): Tier | undefined =>
      model.startsWith('ollama/') ? 3 : model.includes('haiku') ? 2 : 1;
    const records = [
      task('bugfix', 1, 'completed', [
        'ollama/qwen3-coder:30b',
        'anthropic/claude-haiku-4-5',
        'anthropic/claude-sonnet-4-6',
      ]),
    ];
    const table = successRates(priors, records, tierOf);
    expect(table.bugfix[3].n).toBe(1);
    expect(table.bugfix[3].p).toBeLessThan(priors.bugfix[3]);
    expect(table.bugfix[2].n).toBe(1);
    expect(table.bugfix[1].p).toBeGreaterThan(priors.bugfix[1]);
  });

  it('ignores records without a task type or tier', () => {
    const records: LedgerRecord[] = [{ ...verify('docs', 3, false), taskType: undefined }];
    expect(successRates(priors, records).docs[3].n).toBe(0);
  });
});
