import { describe, expect, it } from 'vitest';
import type { LedgerRecord, TaskRecord, VerifyRecord } from '../../src/core/records.js';
import type { TaskType } from '../../src/core/task.js';
import type { Tier } from '../../src/core/tier.js';
import {
  explainSuccess,
  mergePriors,
  PRIOR_STRENGTH,
  successOf,
  successRates,
} from '../../src/router/calibration.js';
import { DEFAULT_SUCCESS_PRIORS } from '../../src/router/priors.js';
import { RouterSession } from '../../src/router/session.js';
import { defaultConfig } from '../../src/config/schema.js';

function verify(
  taskType: TaskType,
  tier: Tier,
  passed: boolean,
  model = 'x/y',
  ts = '2026-03-01T10:00:00Z',
): VerifyRecord {
  return {
    v: 1,
    type: 'verify',
    ts,
    session: 's',
    task: 't',
    turn: 1,
    taskType,
    tier,
    model,
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

  it('counts task outcomes: completed wins, failed loses, abandoned (/new) teaches nothing', () => {
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
    // Moving on without /done is unknown, not a failure: neither the tier nor the model moves.
    expect(abandoned.refactor[1]).toEqual({ p: base, n: 0 });
    expect(abandoned.byModel.size).toBe(0);
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

describe('success per model', () => {
  const priors = mergePriors();
  const QWEN = 'ollama/qwen3-coder:30b';
  const GLM = 'ollama/glm-4.7-flash';

  it('a model that never ran keeps its tier’s prior when a tier-mate fails', () => {
    const table = successRates(priors, [
      verify('bugfix', 3, false, GLM),
      verify('bugfix', 3, false, GLM),
      verify('bugfix', 3, false, GLM),
    ]);
    expect(successOf(table, QWEN, 3, 'bugfix')).toEqual({ p: priors.bugfix[3], n: 0 });
    const k = PRIOR_STRENGTH;
    expect(successOf(table, GLM, 3, 'bugfix').p).toBeCloseTo((priors.bugfix[3] * k) / (k + 3), 12);
    // The tier row still pools both, for the tier comparisons and escalation.
    expect(table.bugfix[3].n).toBe(3);
  });

  it('learns a model from its own tests and tasks, including being escalated away from', () => {
    const table = successRates(
      priors,
      [
        verify('bugfix', 3, true, QWEN),
        task('bugfix', 1, 'completed', [QWEN, 'anthropic/claude-sonnet-4-6']),
      ],
      (m) => (m.startsWith('ollama/') ? 3 : 1),
    );
    const k = PRIOR_STRENGTH;
    expect(successOf(table, QWEN, 3, 'bugfix').p).toBeCloseTo(
      (priors.bugfix[3] * k + 1) / (k + 2),
      12,
    );
    expect(successOf(table, 'anthropic/claude-sonnet-4-6', 1, 'bugfix').n).toBe(1);
    // Another task type of the same model is untouched.
    expect(successOf(table, QWEN, 3, 'docs')).toEqual({ p: priors.docs[3], n: 0 });
  });
});

describe('explainSuccess', () => {
  const QWEN = 'ollama/qwen3-coder:30b';
  const now = new Date('2026-11-30T12:00:00Z');
  // A prior of 0.59 with weight 8 and 2 passes in 4 runs gives (4.72 + 2) / 12 = 56 %.
  const priors = mergePriors({ bugfix: { '3': 0.59 } });

  it('names the rate, the counts this week and what they count', () => {
    const table = successRates(priors, [
      verify('bugfix', 3, true, QWEN, '2026-11-10T09:00:00Z'), // in the rate, not in this week's count
      verify('bugfix', 3, true, QWEN, '2026-11-25T09:00:00Z'),
      verify('bugfix', 3, false, QWEN, '2026-11-26T09:00:00Z'),
      verify('bugfix', 3, true, QWEN, '2026-11-28T09:00:00Z'),
      verify('bugfix', 3, false, QWEN, '2026-11-29T09:00:00Z'),
    ]);
    expect(explainSuccess({ success: table }, QWEN, 3, 'bugfix', now)).toBe(
      'success 59% — 2 of 4 bugfixes by qwen3-coder:30b passed their tests this week',
    );
    const week = successRates(priors, [
      verify('bugfix', 3, true, QWEN, '2026-11-25T09:00:00Z'),
      verify('bugfix', 3, false, QWEN, '2026-11-26T09:00:00Z'),
      verify('bugfix', 3, true, QWEN, '2026-11-28T09:00:00Z'),
      verify('bugfix', 3, false, QWEN, '2026-11-29T09:00:00Z'),
    ]);
    expect(explainSuccess({ success: week }, QWEN, 3, 'bugfix', now)).toBe(
      'success 56% — 2 of 4 bugfixes by qwen3-coder:30b passed their tests this week',
    );
  });

  it('falls back to all history, then to finished tasks, then to the tier prior', () => {
    const old = successRates(priors, [verify('bugfix', 3, false, QWEN, '2026-10-01T09:00:00Z')]);
    expect(explainSuccess({ success: old }, QWEN, 3, 'bugfix', now)).toBe(
      'success 52% — 0 of 1 bugfixes by qwen3-coder:30b passed their tests',
    );
    const tasks = successRates(priors, [
      { ...task('bugfix', 3, 'completed', [QWEN]), ts: '2026-11-29T09:00:00Z' },
    ]);
    expect(explainSuccess({ success: tasks }, QWEN, 3, 'bugfix', now)).toBe(
      'success 64% — 1 of 1 bugfixes by qwen3-coder:30b were completed this week',
    );
    expect(explainSuccess({ success: tasks }, 'ollama/glm-4.7-flash', 3, 'bugfix', now)).toBe(
      "success 59% — the local tier's prior for bugfixes; no results for glm-4.7-flash yet",
    );
  });
});

describe('the rate the route is priced with', () => {
  const QWEN = 'ollama/qwen3-coder:30b';
  const now = new Date('2026-11-30T12:00:00Z');
  const table = successRates(mergePriors({ bugfix: { '3': 0.59 } }), []);

  it("leads with the figure the card's cost line shows, and says what complexity did to it", () => {
    // The card read "success 98%" on its cost line and "success 96% — the standard tier's
    // prior" under it: two figures for one route.
    expect(
      explainSuccess({ success: table }, QWEN, 3, 'bugfix', now, {
        p: 0.75,
        before: 0.59,
        complexity: 1,
      }),
    ).toBe(
      "success 75% — the local tier's prior for bugfixes (59%, raised for complexity 1); no results for qwen3-coder:30b yet",
    );
    expect(
      explainSuccess({ success: table }, QWEN, 3, 'bugfix', now, {
        p: 0.4,
        before: 0.59,
        complexity: 4,
      }),
    ).toMatch(/^success 40% — .* \(59%, lowered for complexity 4\);/);
    // At complexity 3 nothing moves and nothing is said about it.
    expect(
      explainSuccess({ success: table }, QWEN, 3, 'bugfix', now, {
        p: 0.59,
        before: 0.59,
        complexity: 3,
      }),
    ).toBe("success 59% — the local tier's prior for bugfixes; no results for qwen3-coder:30b yet");
  });
});

describe('through the router session', () => {
  it('the stats the router already builds answer successOf and explainSuccess', () => {
    const QWEN = 'ollama/qwen3-coder:30b';
    const stats = new RouterSession().stats(
      [verify('bugfix', 3, false, 'ollama/glm-4.7-flash'), verify('bugfix', 3, true, QWEN)],
      defaultConfig(),
    );
    const prior = mergePriors(defaultConfig().routing.successPriors).bugfix[3];
    expect(successOf(stats.success, QWEN, 3, 'bugfix').p).toBeGreaterThan(prior);
    expect(successOf(stats.success, 'ollama/qwen3:8b', 3, 'bugfix').p).toBe(prior);
    // The tier row, which route.ts reads today, is still there.
    expect(stats.success.bugfix[3].n).toBe(2);
    expect(explainSuccess(stats, QWEN, 3, 'bugfix', new Date('2026-03-02T00:00:00Z'))).toMatch(
      /— 1 of 1 bugfixes by qwen3-coder:30b passed their tests this week$/,
    );
  });
});
