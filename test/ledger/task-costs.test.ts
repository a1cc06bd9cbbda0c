import { describe, expect, it } from 'vitest';
import { addTaskCall, newTaskCostOfCall } from '../../src/ledger/task-costs.js';
import { call } from './fixtures.js';

describe("a task's cost row", () => {
  it('takes its tier and models from the calls that worked on it, not the classifier', () => {
    const classifier = call({
      ts: '2026-03-11T09:00:00.000Z',
      task: 'T1',
      model: 'ollama/qwen3:8b',
      tier: null,
      role: 'classifier',
      costUsd: 0,
      usageEstimated: true,
    });
    const turn = call({
      ts: '2026-03-11T09:00:01.000Z',
      task: 'T1',
      model: 'anthropic/claude-sonnet-4-6',
      tier: 1,
      costUsd: 0.007,
    });
    const next = { ...classifier, ts: '2026-03-11T09:05:00.000Z', turn: 2 };
    const cost = newTaskCostOfCall(classifier);
    for (const c of [classifier, turn, next]) addTaskCall(cost, c);
    // Before, the row read "no tier" (the last call's) beside $0.007 a tier-1 turn spent.
    expect(cost).toMatchObject({
      tier: 1,
      models: ['anthropic/claude-sonnet-4-6'],
      calls: 3,
      usd: 0.007,
      // The $0 classifier calls' estimated tokens do not make the $0.007 approximate.
      estimatedCalls: 0,
    });
  });
});
