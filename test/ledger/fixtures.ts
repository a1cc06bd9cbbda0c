import type {
  CacheHitRecord,
  CallRecord,
  LedgerRecord,
  TaskRecord,
  VerifyRecord,
} from '../../src/core/records.js';
import { TASK_TYPES } from '../../src/core/task.js';
import { TIERS } from '../../src/core/tier.js';
import type { Usage } from '../../src/core/usage.js';

export function usage(partial: Partial<Usage>): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, ...partial };
}

export function call(partial: Partial<CallRecord> & Pick<CallRecord, 'ts'>): CallRecord {
  return {
    v: 1,
    type: 'call',
    session: 's1',
    task: 't1',
    turn: 1,
    tier: 1,
    model: 'anthropic/claude-sonnet-4-6',
    decision: 'accepted',
    fallbackHops: [],
    usage: usage({}),
    costUsd: 0,
    priceSource: 'catalog',
    priceVersion: 'genai-prices@0.1.8',
    durationMs: 1000,
    outcome: 'ok',
    ...partial,
  };
}

export function task(partial: Partial<TaskRecord> & Pick<TaskRecord, 'ts' | 'task'>): TaskRecord {
  return {
    v: 1,
    type: 'task',
    session: 's1',
    tier: 1,
    outcome: 'completed',
    attempts: 1,
    models: [],
    ...partial,
  };
}

export function cacheHit(
  partial: Partial<CacheHitRecord> & Pick<CacheHitRecord, 'ts'>,
): CacheHitRecord {
  return {
    v: 1,
    type: 'cache_hit',
    session: 's1',
    task: 't1',
    turn: 1,
    tier: 4,
    model: 'openrouter/deepseek/deepseek-v4-flash',
    costUsd: 0,
    savedUsd: 0.004,
    similarity: 0.93,
    originalTs: '2026-03-01T07:00:00.000Z',
    ...partial,
  };
}

export function verify(partial: Partial<VerifyRecord> & Pick<VerifyRecord, 'ts'>): VerifyRecord {
  return {
    v: 1,
    type: 'verify',
    session: 's1',
    task: 't1',
    turn: 1,
    tier: 1,
    model: 'anthropic/claude-sonnet-4-6',
    command: 'npm test',
    passed: true,
    durationMs: 2000,
    ...partial,
  };
}

/*
 * The golden month (March 2026). Every costUsd below is worked out by hand from the list
 * prices per million tokens; golden.test.ts checks each against the catalog too.
 *
 *   Sonnet 4.6                 in 3     out 15     cache read 0.30  cache write 3.75
 *   Sonnet 4.5 above 200K in   in 6     out 22.50  cache read 0.60  cache write 7.50
 *   Haiku 4.5                  in 1     out 5      cache read 0.10  cache write 1.25
 *   Opus 4.6 (what-if)         in 5     out 25     cache read 0.50  cache write 6.25
 *   Ollama                     0
 */
export const QWEN = 'ollama/qwen3-coder:30b';
export const SONNET46 = 'anthropic/claude-sonnet-4-6';
export const SONNET45 = 'anthropic/claude-sonnet-4-5';
export const HAIKU = 'anthropic/claude-haiku-4-5';
export const UNPRICED = 'openrouter/acme/unpriced-model';

export const golden = {
  // T1 (implement): local first attempt, then escalated to Sonnet 4.6.
  c2: call({
    ts: '2026-03-02T09:00:00.000Z',
    task: 'T1',
    turn: 1,
    taskType: 'implement',
    tier: 3,
    model: QWEN,
    usage: usage({ input: 20_000, output: 1_500 }),
    costUsd: 0,
    priceSource: 'local',
    durationMs: 12_000,
    tokPerSec: 40,
  }),
  // 10,000 × 3 + 2,000 × 15 + 50,000 × 0.30 + 4,000 × 3.75 = 30,000 + 30,000 + 15,000 + 15,000
  // = 90,000 / 1e6 → $0.09
  c1: call({
    ts: '2026-03-02T09:05:00.000Z',
    task: 'T1',
    turn: 2,
    taskType: 'implement',
    tier: 1,
    model: SONNET46,
    usage: usage({ input: 10_000, output: 2_000, cacheRead: 50_000, cacheWrite: 4_000 }),
    costUsd: 0.09,
    durationMs: 8_000,
    tokPerSec: 60,
  }),
  // T2 (long-context) on Sonnet 4.5; all input = 140K + 60K + 10K = 210K > 200K → long tier:
  // 140,000 × 6 + 60,000 × 0.6 + 10,000 × 7.5 + 3,000 × 22.5
  // = 840,000 + 36,000 + 75,000 + 67,500 = 1,018,500 / 1e6 → $1.0185
  c3: call({
    ts: '2026-03-03T14:00:00.000Z',
    task: 'T2',
    turn: 1,
    taskType: 'long-context',
    tier: 1,
    model: SONNET45,
    usage: usage({ input: 140_000, output: 3_000, cacheRead: 60_000, cacheWrite: 10_000 }),
    costUsd: 1.0185,
    durationMs: 30_000,
  }),
  // T3 (docs): the local model errored, the turn fell back to Haiku.
  c7: call({
    ts: '2026-03-09T10:00:00.000Z',
    task: 'T3',
    turn: 1,
    taskType: 'docs',
    tier: 3,
    model: QWEN,
    usage: usage({ input: 1_000 }),
    costUsd: 0,
    priceSource: 'local',
    outcome: 'error',
    errorKind: 'network',
    durationMs: 500,
  }),
  // 8,000 × 1 + 1,000 × 5 + 20,000 × 0.10 = 8,000 + 5,000 + 2,000 = 15,000 / 1e6 → $0.015
  c4: call({
    ts: '2026-03-09T10:00:05.000Z',
    task: 'T3',
    turn: 1,
    taskType: 'docs',
    tier: 2,
    model: HAIKU,
    decision: 'fallback',
    fallbackHops: [QWEN],
    usage: usage({ input: 8_000, output: 1_000, cacheRead: 20_000 }),
    costUsd: 0.015,
    durationMs: 3_000,
  }),
  // T4 (research) on a model with no known price: costUsd null, 5,000 + 500 = 5,500 tokens.
  c5: call({
    ts: '2026-03-10T08:00:00.000Z',
    task: 'T4',
    turn: 1,
    taskType: 'research',
    tier: 4,
    model: UNPRICED,
    usage: usage({ input: 5_000, output: 500 }),
    costUsd: null,
    priceSource: 'unknown',
    durationMs: 6_000,
  }),
  // T5 (quick-fix) locally; its electricity is kept apart from provider spend.
  c6: call({
    ts: '2026-03-10T09:00:00.000Z',
    task: 'T5',
    turn: 1,
    taskType: 'quick-fix',
    tier: 3,
    model: QWEN,
    usage: usage({ input: 3_000, output: 400 }),
    costUsd: 0,
    priceSource: 'local',
    durationMs: 3_000,
    tokPerSec: 45,
    energyWh: 3,
    energyUsd: 0.001,
  }),
  // T6 (implement), abandoned: 2,000 × 3 + 1,000 × 15 = 6,000 + 15,000 = 21,000 / 1e6 → $0.021
  c8: call({
    ts: '2026-03-10T11:00:00.000Z',
    task: 'T6',
    turn: 1,
    taskType: 'implement',
    tier: 1,
    model: SONNET46,
    usage: usage({ input: 2_000, output: 1_000 }),
    costUsd: 0.021,
    durationMs: 4_000,
    tokPerSec: 50,
  }),
};

export const goldenTasks: TaskRecord[] = [
  task({
    ts: '2026-03-02T09:10:00.000Z',
    task: 'T1',
    taskType: 'implement',
    tier: 1,
    attempts: 2,
    models: [QWEN, SONNET46],
  }),
  task({
    ts: '2026-03-03T14:05:00.000Z',
    task: 'T2',
    taskType: 'long-context',
    tier: 1,
    models: [SONNET45],
  }),
  task({
    ts: '2026-03-09T10:01:00.000Z',
    task: 'T3',
    taskType: 'docs',
    tier: 2,
    models: [QWEN, HAIKU],
  }),
  task({
    ts: '2026-03-10T08:05:00.000Z',
    task: 'T4',
    taskType: 'research',
    tier: 4,
    models: [UNPRICED],
  }),
  task({
    ts: '2026-03-10T09:05:00.000Z',
    task: 'T5',
    taskType: 'quick-fix',
    tier: 3,
    models: [QWEN],
  }),
  task({
    ts: '2026-03-10T11:05:00.000Z',
    task: 'T6',
    taskType: 'implement',
    tier: 1,
    outcome: 'abandoned',
    models: [SONNET46],
  }),
];

export const goldenCalls: CallRecord[] = [
  golden.c2,
  golden.c1,
  golden.c3,
  golden.c7,
  golden.c4,
  golden.c5,
  golden.c6,
  golden.c8,
];

export const goldenRecords = [
  ...goldenCalls,
  ...goldenTasks,
  verify({ ts: '2026-03-02T09:08:00.000Z', task: 'T1', turn: 2 }),
];

/** A small deterministic generator: the same "random" values on every run. */
export function generator(seed: number) {
  return (max: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % max;
  };
}

const MESSY_MODELS = [
  'anthropic/claude-sonnet-4-6',
  'ollama/qwen3-coder:30b',
  'anthropic/claude-haiku-4-5',
  'openrouter/acme/unpriced',
  'local-no-slash',
];

/** A messy month: other months, offsets across midnight, unset tiers, unpriced and local calls. */
export function messyRecords(count: number, seed: number): LedgerRecord[] {
  const next = generator(seed);
  const records: LedgerRecord[] = [];
  for (let i = 0; i < count; i++) {
    const month = ['2026-02', '2026-03', '2026-03', '2026-03', '2026-04'][next(5)]!;
    const day = String(1 + next(28)).padStart(2, '0');
    const time = `${String(next(24)).padStart(2, '0')}:${String(next(60)).padStart(2, '0')}:0${next(10)}`;
    // Some local times with an offset: 23:30-02:00 on the 28th is the next UTC day.
    const ts =
      next(10) === 0
        ? `${month}-${next(2) ? '28' : '01'}T${next(2) ? '23:30:00' : '00:30:00'}${next(2) ? '-02:00' : '+02:00'}`
        : `${month}-${day}T${time}.${String(next(1000)).padStart(3, '0')}Z`;
    const taskId = `t${next(40)}`;
    const tier = next(7) === 0 ? null : TIERS[next(TIERS.length)]!;
    const taskType = next(6) === 0 ? undefined : TASK_TYPES[next(TASK_TYPES.length)]!;
    const kind = next(12);
    if (kind === 0) {
      records.push(
        task({
          ts,
          task: taskId,
          tier,
          ...(taskType ? { taskType } : {}),
          outcome: (['completed', 'abandoned', 'failed'] as const)[next(3)]!,
          models: [MESSY_MODELS[next(MESSY_MODELS.length)]!],
        }),
      );
      continue;
    }
    if (kind === 1) {
      records.push(verify({ ts, task: taskId, turn: next(5), passed: next(2) === 0 }));
      continue;
    }
    if (i % 13 === 7) {
      // A turn served from the semantic cache; some originals were unpriced.
      records.push(
        cacheHit({
          ts,
          task: taskId,
          turn: next(5),
          tier,
          ...(taskType ? { taskType } : {}),
          savedUsd: i % 5 === 0 ? null : next(1000) / 10_000,
        }),
      );
      continue;
    }
    const model = MESSY_MODELS[next(MESSY_MODELS.length)]!;
    const unpriced = model.startsWith('openrouter/');
    const extra: Partial<CallRecord> = {};
    if (taskType) extra.taskType = taskType;
    if (next(3)) extra.tokPerSec = next(10_000) / 97;
    if (next(5) === 0) extra.energyUsd = next(100) / 7_000;
    if (next(9) === 0) extra.usageEstimated = true;
    // Now and then the model classifier's call (no PRNG draw: the other records stay as they were).
    if (i % 23 === 11) extra.role = 'classifier';
    if (next(11) === 0) {
      // Half of them within 5 % of the table (kept by a writer, not over the threshold).
      const tableUsd = next(1_000) / 997;
      extra.billedDisagreement = {
        reportedUsd: tableUsd * [0, 0.97, 1.2, 1.04][next(4)]!,
        tableUsd,
      };
    }
    records.push(
      call({
        ts,
        task: taskId,
        // A few large turn numbers: sparse arrays in the local-share bookkeeping.
        turn: next(20) === 0 ? 1_000 + next(5) : next(6),
        tier,
        model,
        usage: usage({
          input: next(30_000),
          output: next(4_000),
          cacheRead: next(3) ? next(90_000) : 0,
          cacheWrite: next(4) ? next(6_000) : 0,
        }),
        costUsd: unpriced ? null : next(100_000) / 1_000_003,
        priceSource: unpriced ? 'unknown' : 'catalog',
        durationMs: next(5) === 0 ? next(3) * 1_000 : 300 + next(40_000),
        outcome: (['ok', 'ok', 'ok', 'error', 'aborted'] as const)[next(5)]!,
        ...extra,
      }),
    );
  }
  return records;
}
