import { z } from 'zod';
import { ERROR_KINDS } from '../core/errors.js';
import type { CallRecord, LedgerRecord, TaskRecord, VerifyRecord } from '../core/records.js';
import { TASK_TYPES } from '../core/task.js';
import { TIERS } from '../core/tier.js';

/*
 * zod mirrors of the record types in core/records.ts. They are used both ways: on write they
 * strip any field the type does not declare (so nothing else, API keys included, can reach
 * the file), on read they reject a line that is not a record we understand.
 */

const ts = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const tier = z.literal(TIERS).nullable();
const taskType = z.enum(TASK_TYPES).optional();

const usage = z.object({
  input: count,
  output: count,
  cacheRead: count,
  cacheWrite: count,
  reasoning: count,
});

export const callRecordSchema = z.object({
  v: z.literal(1),
  type: z.literal('call'),
  ts,
  session: z.string(),
  task: z.string(),
  turn: count,
  taskType,
  tier,
  model: z.string().min(1),
  proposed: z.string().optional(),
  decision: z.enum(['accepted', 'override', 'auto', 'fallback', 'headless']),
  fallbackHops: z.array(z.string()),
  usage,
  costUsd: nonNegative.nullable(),
  priceSource: z.enum(['catalog', 'override', 'local', 'billed', 'unknown']),
  priceVersion: z.string(),
  durationMs: nonNegative,
  tokPerSec: nonNegative.optional(),
  energyWh: nonNegative.optional(),
  energyUsd: nonNegative.optional(),
  outcome: z.enum(['ok', 'error', 'aborted']),
  errorKind: z.enum(ERROR_KINDS).optional(),
  estimate: z
    .object({
      inputTokens: nonNegative,
      outputTokens: nonNegative,
      usdP50: nonNegative.optional(),
      usdP90: nonNegative.optional(),
    })
    .optional(),
});

export const verifyRecordSchema = z.object({
  v: z.literal(1),
  type: z.literal('verify'),
  ts,
  session: z.string(),
  task: z.string(),
  turn: count,
  taskType,
  tier,
  model: z.string().min(1),
  command: z.string(),
  passed: z.boolean(),
  durationMs: nonNegative,
});

export const taskRecordSchema = z.object({
  v: z.literal(1),
  type: z.literal('task'),
  ts,
  session: z.string(),
  task: z.string(),
  taskType,
  tier,
  outcome: z.enum(['completed', 'abandoned', 'failed']),
  attempts: count,
  models: z.array(z.string()),
});

export const ledgerRecordSchema = z.discriminatedUnion('type', [
  callRecordSchema,
  verifyRecordSchema,
  taskRecordSchema,
]);

// Compile-time guard: the schemas must describe exactly the core types (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _callMatches: Same<z.infer<typeof callRecordSchema>, CallRecord> = true;
const _verifyMatches: Same<z.infer<typeof verifyRecordSchema>, VerifyRecord> = true;
const _taskMatches: Same<z.infer<typeof taskRecordSchema>, TaskRecord> = true;
void [_callMatches, _verifyMatches, _taskMatches];

export type RecordCheck = { ok: true; record: LedgerRecord } | { ok: false; problems: string[] };

/** Validates a value as a ledger record and drops every field the record type does not declare. */
export function checkRecord(value: unknown): RecordCheck {
  const parsed = ledgerRecordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`,
    ),
  };
}
