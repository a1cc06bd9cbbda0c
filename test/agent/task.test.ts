import { describe, expect, it } from 'vitest';
import { createTaskTracker, reduceTask, startTask } from '../../src/agent/task.js';
import type { LedgerRecord } from '../../src/core/records.js';

const TS = '2026-01-21T10:00:00.000Z';
const failing = { passed: false, command: 'npm test', durationMs: 1200, summary: '1 failing test' };
const passing = { ...failing, passed: true, summary: 'passed' };

function tracker(retryCap = 2) {
  const records: LedgerRecord[] = [];
  const t = createTaskTracker({
    session: 's1',
    retryCap,
    record: (r) => records.push(r),
    now: () => new Date(TS),
    newId: (() => {
      let n = 0;
      return () => `t${++n}`;
    })(),
  });
  return { t, records };
}

describe('task state machine', () => {
  it('completes on /done with attempts and every model used', () => {
    const { t, records } = tracker();
    t.turn({ turn: 1, model: 'ollama/qwen3-coder:30b', tier: 3, taskType: 'bugfix' });
    t.verify({ turn: 1, model: 'ollama/qwen3-coder:30b', tier: 3, result: failing });
    // The retry after a failure is attempt 2, on a higher tier.
    t.turn({ turn: 2, model: 'anthropic/claude-haiku-4-5', tier: 2 });
    t.verify({ turn: 2, model: 'anthropic/claude-haiku-4-5', tier: 2, result: passing });
    // A follow-up turn without a failure is the same attempt.
    t.turn({ turn: 3, model: 'anthropic/claude-haiku-4-5', tier: 2 });
    t.done();
    expect(records).toEqual([
      {
        v: 1,
        type: 'verify',
        ts: TS,
        session: 's1',
        task: 't1',
        turn: 1,
        taskType: 'bugfix',
        tier: 3,
        model: 'ollama/qwen3-coder:30b',
        command: 'npm test',
        passed: false,
        durationMs: 1200,
      },
      expect.objectContaining({ type: 'verify', turn: 2, passed: true, tier: 2 }),
      {
        v: 1,
        type: 'task',
        ts: TS,
        session: 's1',
        task: 't1',
        taskType: 'bugfix',
        tier: 2,
        outcome: 'completed',
        attempts: 2,
        models: ['ollama/qwen3-coder:30b', 'anthropic/claude-haiku-4-5'],
      },
    ]);
    expect(t.current()).toBeUndefined();
  });

  it('fails when the retry cap is used up, and ignores what follows', () => {
    const { t, records } = tracker(2);
    for (let turn = 1; turn <= 3; turn++) {
      t.turn({ turn, model: `m${turn}`, tier: 3 });
      t.verify({ turn, model: `m${turn}`, tier: 3, result: failing });
    }
    const task = records.filter((r) => r.type === 'task');
    expect(task).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 3 })]);
    expect(t.current()).toBeUndefined();
    expect(t.done()).toBeUndefined();
    expect(records.filter((r) => r.type === 'task')).toHaveLength(1);
    // The next prompt starts a new task.
    expect(t.turn({ turn: 4, model: 'm', tier: 1 }).id).toBe('t2');
  });

  it('broken tool calls count as a failed attempt', () => {
    const { t, records } = tracker(0);
    t.turn({ turn: 1, model: 'ollama/glm-4.7', tier: 3 });
    t.attemptFailed('3 malformed tool calls in a row');
    expect(records).toEqual([
      expect.objectContaining({ type: 'task', outcome: 'failed', attempts: 1 }),
    ]);
  });

  it('/new abandons the task; a task that never ran records nothing', () => {
    const { t, records } = tracker();
    t.turn({ turn: 1, model: 'm', tier: 1 });
    t.abandon();
    expect(records).toEqual([expect.objectContaining({ outcome: 'abandoned', attempts: 1 })]);
    const idle = reduceTask(startTask({ id: 'x', session: 's' }), { type: 'abandon' }, TS);
    expect(idle.records).toEqual([]);
    expect(idle.state.status).toBe('abandoned');
  });
});
