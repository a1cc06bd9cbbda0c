// RouterSession.stats folds the records appended since its last answer instead of reading the
// whole month again (78–87 ms per decision at 100k records): the figures must be the ones a
// full pass over the same history gives, after appends, and after the history store trims its
// oldest records in place.
import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/core/records.js';
import { TASK_TYPES } from '../../src/core/task.js';
import { RouterSession } from '../../src/router/session.js';
import { insertSorted } from '../../src/router/learn.js';
import { seedConfig } from '../fixtures/seed-config.js';
import { HAIKU, QWEN, SONNET46, call, task, usage, verify } from '../ledger/fixtures.js';

const MODELS = [QWEN, SONNET46, HAIKU];

function record(i: number): LedgerRecord {
  const ts = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
  const model = MODELS[i % 3]!;
  const taskType = TASK_TYPES[i % TASK_TYPES.length]!;
  if (i % 7 === 3) return verify({ ts, model, taskType, tier: (i % 5) as 0, passed: i % 2 === 0 });
  if (i % 11 === 5)
    return task({
      ts,
      task: `t${i}`,
      taskType,
      tier: 1,
      outcome: i % 3 ? 'completed' : 'failed',
      models: [model, SONNET46],
    });
  return call({
    ts,
    model,
    taskType,
    tokPerSec: 20 + (i % 40),
    usage: usage({ input: 900 + i, output: 100 + ((i * 37) % 900) }),
    estimate: { inputTokens: 1000, outputTokens: 300 },
  });
}

describe('RouterSession.stats over an append-only history', () => {
  it('gives after every append what a full pass over the same records gives', () => {
    const config = seedConfig();
    const history: LedgerRecord[] = [];
    const session = new RouterSession();
    for (let i = 0; i < 400; i++) {
      history.push(record(i));
      // Batches of 37 (sorted once), then one record at a time (inserted in place).
      if (i % 37 !== 0 && i < 380) continue;
      const incremental = session.stats(history, config, i);
      const full = new RouterSession().stats([...history], config, i);
      expect(incremental).toEqual(full);
    }
  });

  it('reads the whole history again when the store trimmed its oldest records in place', () => {
    const config = seedConfig();
    const history = Array.from({ length: 300 }, (_, i) => record(i));
    const session = new RouterSession();
    session.stats(history, config, 1);
    // As HistoryStore's trim: splice from the front, then the next append.
    history.splice(0, 100);
    history.push(record(300));
    expect(session.stats(history, config, 2)).toEqual(
      new RouterSession().stats([...history], config, 2),
    );
  });

  it('a table handed out does not change when more records are folded in later', () => {
    const config = seedConfig();
    const history = Array.from({ length: 100 }, (_, i) => record(i));
    const session = new RouterSession();
    const before = session.stats(history, config, 1);
    const frozen = JSON.stringify([...before.success.byModel]);
    history.push(
      verify({
        ts: '2026-11-30T00:00:00Z',
        model: QWEN,
        taskType: 'bugfix',
        tier: 3,
        passed: false,
      }),
    );
    session.stats(history, config, 2);
    expect(JSON.stringify([...before.success.byModel])).toBe(frozen);
  });
});

describe('insertSorted (the folds keep outputs sorted instead of sorting per read)', () => {
  it('keeps any sequence in the order Array.sort gives, duplicates included', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const sorted: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const value = Math.round(next() * 300) / 3;
      all.push(value);
      insertSorted(sorted, value);
    }
    expect(sorted).toEqual([...all].sort((a, b) => a - b));
  });
});
