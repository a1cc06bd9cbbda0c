// The month of ledger records the costs screen tests draw: a local call, a cached cloud call, a
// frontier call and an unpriced one (with their tasks), in March 2026.
import type { LedgerRecord } from '../../src/core/records.js';
import { call, task, usage } from '../ledger/fixtures.js';

export const NOW = new Date('2026-03-20T12:00:00.000Z');

export const RECORDS: LedgerRecord[] = [
  call({
    ts: '2026-03-02T09:00:00.000Z',
    task: 'T1',
    taskType: 'implement',
    tier: 3,
    model: 'ollama/qwen3-coder:30b',
    usage: usage({ input: 20_000, output: 2_000 }),
    costUsd: 0,
    priceSource: 'local',
  }),
  call({
    ts: '2026-03-02T09:05:00.000Z',
    task: 'T1',
    turn: 2,
    taskType: 'implement',
    tier: 1,
    usage: usage({ input: 10_000, cacheRead: 40_000, output: 3_000 }),
    costUsd: 0.087,
  }),
  task({ ts: '2026-03-02T09:10:00.000Z', task: 'T1', taskType: 'implement', tier: 1 }),
  call({
    ts: '2026-03-10T15:00:00.000Z',
    task: 'T2',
    taskType: 'architecture',
    tier: 0,
    model: 'anthropic/claude-opus-4-6',
    usage: usage({ input: 50_000, output: 8_000 }),
    costUsd: 0.45,
  }),
  call({
    ts: '2026-03-12T10:00:00.000Z',
    task: 'T3',
    taskType: 'research',
    tier: 4,
    model: 'openrouter/acme/unpriced-model',
    usage: usage({ input: 5_000, output: 1_000 }),
    costUsd: null,
    priceSource: 'unknown',
  }),
];
