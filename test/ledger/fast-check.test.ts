import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src/core/records.js';
import { decodeLines } from '../../src/ledger/codec.js';
import { fastPathEnabled, fastRecord } from '../../src/ledger/fast-check.js';
import { checkRecord } from '../../src/ledger/schema.js';
import { cacheHit, call, golden, task, usage, verify } from './fixtures.js';

/*
 * The hand-written check may only ever say "valid, and zod would return an equal object".
 * Every record here, valid or malformed, goes through both: whenever the fast check accepts,
 * zod must accept and return a strictly equal object. And for the records encodeRecord
 * writes, the fast check must accept, or it would save no time at all.
 */

/** What reading a line yields: the value JSON.parse returns for the record. */
function asRead(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function agree(value: unknown): 'fast' | 'zod' | 'rejected' {
  const fast = fastRecord(value);
  const checked = checkRecord(value);
  if (fast) {
    expect(checked.ok, JSON.stringify(value)).toBe(true);
    if (checked.ok) expect(fast).toStrictEqual(checked.record);
    return 'fast';
  }
  return checked.ok ? 'zod' : 'rejected';
}

const FULL_CALL = call({
  ts: '2026-03-02T09:05:00.000Z',
  task: 'T1',
  turn: 2,
  taskType: 'implement',
  tier: 1,
  proposed: 'ollama/qwen3-coder:30b',
  decision: 'fallback',
  fallbackHops: ['ollama/qwen3-coder:30b'],
  usage: usage({ input: 10, output: 2, cacheRead: 5, cacheWrite: 4, reasoning: 1 }),
  costUsd: 0.09,
  durationMs: 8_000,
  tokPerSec: 60.5,
  energyWh: 1.5,
  energyUsd: 0.001,
  outcome: 'error',
  errorKind: 'network',
  estimate: { inputTokens: 19, outputTokens: 2, usdP50: 0.05, usdP90: 0.1 },
});

// Every optional field added since the first release, set.
const LATER_CALL = call({
  ts: '2026-03-02T09:06:00.000Z',
  usage: {
    ...usage({ input: 50_000, output: 20, cacheWrite: 3_000 }),
    cacheWrite1h: 1_000,
    estimated: true,
  },
  costUsd: 0.088,
  outcome: 'aborted',
  usageEstimated: true,
  role: 'executor',
  host: 'http://10.0.0.2:11434',
  billedDisagreement: { reportedUsd: 0, tableUsd: 0.088 },
  warnings: [{ kind: 'billed-disagreement', detail: 'reported $0' }, { kind: 'estimated' }],
});

const VALID: LedgerRecord[] = [
  FULL_CALL,
  LATER_CALL,
  call({ ts: '2026-03-02T09:07:00Z', usageEstimated: false, role: 'solo', warnings: [] }),
  golden.c5, // unpriced: costUsd null
  call({ ts: '2026-03-02T09:05:00Z', tier: null, estimate: { inputTokens: 1, outputTokens: 2 } }),
  verify({ ts: '2026-03-02T09:08:00.000Z', taskType: 'docs' }),
  verify({ ts: '2026-03-02T09:08:00.000+02:00', tier: null }),
  task({ ts: '2026-03-02T09:10:00.000Z', task: 'T1', models: ['a', 'b'], taskType: 'test' }),
  task({ ts: '2026-03-02T09:10:00.1234Z', task: 'T1', outcome: 'failed', tier: 0 }),
  cacheHit({ ts: '2026-03-02T09:11:00.000Z', taskType: 'research' }),
  cacheHit({ ts: '2026-03-02T09:12:00Z', tier: null, savedUsd: null, similarity: 1 }),
];

// Values that break one field or another: wrong types, out of range, JSON's odd corners.
const PALETTE: unknown[] = [
  undefined,
  null,
  0,
  -0,
  1,
  -1,
  1.5,
  4,
  5,
  2 ** 53,
  1e300,
  '',
  'x',
  '1',
  true,
  false,
  [],
  ['x'],
  [1],
  {},
  { input: 1 },
  'call',
  'task',
  'verify',
  'cache_hit',
  0.93,
  'ok',
  'completed',
  'implement',
  'network',
  'catalog',
  'accepted',
  'planner',
  { kind: 'x' },
  { kind: 'x', detail: 1 },
  { reportedUsd: 1, tableUsd: 2 },
  '2026-03-02T09:05:00.000Z',
  '2026-02-29T09:05:00.000Z',
  '2026-03-02 09:05:00Z',
  '2026-03-02T09:05:00.000',
];

/** Every record with one key deleted, replaced by each palette value, or one key added. */
function* mutations(record: object): Generator<unknown> {
  const base = record as Record<string, unknown>;
  for (const key of Object.keys(base)) {
    const { [key]: _dropped, ...without } = base;
    yield without;
    for (const value of PALETTE) yield { ...base, [key]: value };
    const nested = base[key];
    if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
      for (const inner of mutations(nested)) yield { ...base, [key]: inner };
    }
    if (Array.isArray(nested)) {
      for (const value of PALETTE) yield { ...base, [key]: [...(nested as unknown[]), value] };
    }
  }
  yield { ...base, extra: 'sk-ant-not-a-key' };
  yield { ...base, __proto__: null };
  yield JSON.parse(JSON.stringify(base).replace(/^\{/, '{"__proto__":{"polluted":1},'));
  yield [base];
}

describe('fast record check', () => {
  it('is enabled: the schema exposes the timestamp pattern it needs', () => {
    expect(fastPathEnabled).toBe(true);
  });

  it('accepts every record shape encodeRecord writes, exactly as zod returns it', () => {
    for (const record of VALID) {
      expect(agree(asRead(checkRecord(record).ok && record))).toBe('fast');
    }
  });

  it('never accepts what zod rejects or would change (thousands of malformed records)', () => {
    const outcomes = { fast: 0, zod: 0, rejected: 0 };
    for (const record of VALID) {
      for (const mutated of mutations(record)) {
        outcomes[agree(mutated)] += 1;
        // A line on disk has gone through JSON: undefined dropped, -0 read back as 0.
        outcomes[agree(asRead(mutated))] += 1;
      }
    }
    // All three kinds of answer occurred, so the comparison was not vacuous.
    expect(outcomes.fast).toBeGreaterThan(100);
    expect(outcomes.zod).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(1_000);
  });

  it('agrees with zod on timestamps: every day of leap and common years, times, offsets', () => {
    const stamps: string[] = [];
    for (const year of ['1900', '2000', '2024', '2026', '2100', '0000', '9996']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          stamps.push(`${date}T12:00:00.000Z`, `${date}T00:00:00Z`);
        }
      }
    }
    for (const time of [
      '23:59:59.999Z',
      '24:00:00.000Z',
      '23:60:00.000Z',
      '23:59:60.000Z',
      '09:05:00.Z',
      '09:05:00.1Z',
      '09:05:00.123456789Z',
      '09:05Z',
      '09:05:00.000z',
      '09:05:00.000+02:00',
      '09:05:00-23:59',
      '09:05:00+24:00',
      '09:05:00.000+0200',
      '09:05:00.000Z ',
      '９9:05:00.000Z',
    ]) {
      stamps.push(`2026-03-02T${time}`);
    }
    stamps.push('', 'T', '2026-03-02', ' 2026-03-02T09:05:00Z', '2026-03-02t09:05:00Z');
    let fast = 0;
    for (const ts of stamps) {
      const records = [
        call({ ts }),
        verify({ ts }),
        task({ ts, task: 'T' }),
        cacheHit({ ts }),
        cacheHit({ ts: '2026-03-02T09:05:00Z', originalTs: ts }),
      ];
      for (const record of records) {
        if (agree(record) === 'fast') fast += 1;
      }
    }
    expect(fast).toBeGreaterThan(1_000);
  });

  it('reading a file gives the same records and skip count as zod alone', () => {
    const lines: string[] = [];
    for (const record of VALID) {
      lines.push(JSON.stringify(record));
      for (const mutated of mutations(record)) lines.push(JSON.stringify(mutated) ?? 'undefined');
    }
    lines.push('not json', '', '   ', '{"v":1,"type":"call","ts":"2026-03-0', '[]', 'null');
    lines.push(`{"v":1,"type":"call","ts":"20${JSON.stringify(FULL_CALL)}`); // glued onto a torn line
    const text = lines.join('\n');

    // The reader as it was before the fast path: JSON.parse and zod for every line.
    const expected = { records: [] as LedgerRecord[], skipped: 0 };
    const slow = (line: string): LedgerRecord | undefined => {
      try {
        const checked = checkRecord(JSON.parse(line));
        return checked.ok ? checked.record : undefined;
      } catch {
        return undefined;
      }
    };
    for (const line of text.split('\n')) {
      if (!line) continue;
      const record = slow(line);
      if (record) expected.records.push(record);
      else if (line.trim()) {
        expected.skipped += 1;
        const glued = line.lastIndexOf('{"v":1,"type":');
        const recovered = glued > 0 ? slow(line.slice(glued)) : undefined;
        if (recovered) expected.records.push(recovered);
      }
    }
    expect(expected.skipped).toBeGreaterThan(1_000);
    expect(decodeLines(text)).toStrictEqual(expected);
  });
});
