import { z } from 'zod';
import { ERROR_KINDS } from './errors.js';
import { TASK_TYPES } from './task.js';
import { TIERS } from './tier.js';
import type { Usage } from './usage.js';

/*
 * The ledger's record shapes, declared once: each type below is inferred from its zod schema.
 * The schemas are used both ways: on write they strip any field the type does not declare (so
 * nothing else, API keys included, can reach the file), on read they reject a line that is not
 * a record we understand. Fields are only ever added as optional, so every month already on
 * disk stays readable.
 */

const ts = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const tier = z.literal(TIERS).nullable();
const taskType = z.enum(TASK_TYPES).optional();

/** Token counts as written in a call record (see Usage in usage.ts for what each one means). */
export const recordUsageSchema = z.object({
  input: count,
  output: count,
  cacheRead: count,
  cacheWrite: count,
  reasoning: count,
  /** Part of `cacheWrite` written with the 1-hour TTL (priced at 2× input instead of 1.25×). */
  cacheWrite1h: count.optional(),
  /** Some counts were estimated (an interrupted stream reported no usage). */
  estimated: z.boolean().optional(),
});

/** The fields every record starts with, in the order they are written (`v` and `type` first). */
function head<T extends string>(type: T) {
  return {
    v: z.literal(1),
    type: z.literal(type),
    ts,
    session: z.string(),
    task: z.string(),
  };
}

/** How the route of a call was settled. */
export const ROUTE_DECISIONS = ['accepted', 'override', 'auto', 'fallback', 'headless'] as const;
export const PRICE_SOURCES = ['catalog', 'override', 'local', 'billed', 'unknown'] as const;
/**
 * The call's part in a turn: planner and executor of a split turn, one model alone, or the model
 * classifier asked before the card (routing.modelClassifier).
 */
export const CALL_ROLES = ['planner', 'executor', 'solo', 'classifier'] as const;

/** One model call; `ts` is the time it ended. */
export const callRecordSchema = z.object({
  ...head('call'),
  turn: count,
  taskType,
  tier,
  /** `provider/model` actually called. */
  model: z.string().min(1),
  /** `provider/model` the router proposed for this turn. */
  proposed: z.string().optional(),
  decision: z.enum(ROUTE_DECISIONS),
  /** Models tried before this one in the same turn, which failed. */
  fallbackHops: z.array(z.string()),
  usage: recordUsageSchema,
  /** USD priced at write time; null when the model has no known price (never 0 for unknown). */
  costUsd: nonNegative.nullable(),
  priceSource: z.enum(PRICE_SOURCES),
  priceVersion: z.string(),
  durationMs: nonNegative,
  tokPerSec: nonNegative.optional(),
  /** Local turns: energy used and its price. */
  energyWh: nonNegative.optional(),
  energyUsd: nonNegative.optional(),
  outcome: z.enum(['ok', 'error', 'aborted']),
  errorKind: z.enum(ERROR_KINDS).optional(),
  /** What the router estimated, so estimates can be corrected by what really happened. */
  estimate: z
    .object({
      inputTokens: nonNegative,
      outputTokens: nonNegative,
      usdP50: nonNegative.optional(),
      usdP90: nonNegative.optional(),
    })
    .optional(),
  /** The input of an interrupted stream was estimated from the request: `costUsd` is approximate. */
  usageEstimated: z.boolean().optional(),
  /** The call's part in a delegated turn; absent on records written before roles (solo). */
  role: z.enum(CALL_ROLES).optional(),
  /**
   * A planner call: how many of its prompt tokens were executor results it carried (the re-read
   * overhead's raw figure, docs/delegation.md), and how many of those it was sent for the first time.
   */
  carriedTokens: count.optional(),
  carriedNew: count.optional(),
  /** The Ollama host that served a local call. */
  host: z.string().optional(),
  /** The provider's billed cost and the price table's differ by more than 5 %: both are kept. */
  billedDisagreement: z.object({ reportedUsd: nonNegative, tableUsd: nonNegative }).optional(),
  warnings: z.array(z.object({ kind: z.string(), detail: z.string().optional() })).optional(),
});

/** The result of the test gate after a turn that changed files. */
export const verifyRecordSchema = z.object({
  ...head('verify'),
  turn: count,
  taskType,
  tier,
  model: z.string().min(1),
  command: z.string(),
  passed: z.boolean(),
  durationMs: nonNegative,
});

/** A task ended: /done (completed), /new (abandoned) or the retry cap (failed). */
export const taskRecordSchema = z.object({
  ...head('task'),
  taskType,
  /** Tier of the attempt that finished the task. */
  tier,
  outcome: z.enum(['completed', 'abandoned', 'failed']),
  attempts: count,
  /** Every model used, in order. */
  models: z.array(z.string()),
});

/**
 * A turn answered from the semantic cache (issue 18): nothing was called, so it costs 0; the
 * original call's price is what it saved. `tier` and `model` are those of the original answer.
 */
export const cacheHitRecordSchema = z.object({
  ...head('cache_hit'),
  turn: count,
  taskType,
  tier,
  model: z.string().min(1),
  costUsd: z.literal(0),
  /** What the original answer cost; null when its model had no known price. */
  savedUsd: nonNegative.nullable(),
  similarity: z.number().min(0).max(1),
  /** When the original answer was given. */
  originalTs: ts,
});

export const ledgerRecordSchema = z.discriminatedUnion('type', [
  callRecordSchema,
  verifyRecordSchema,
  taskRecordSchema,
  cacheHitRecordSchema,
]);

export type RouteDecision = (typeof ROUTE_DECISIONS)[number];
export type PriceSource = (typeof PRICE_SOURCES)[number];
export type CallRole = (typeof CALL_ROLES)[number];
export type RecordUsage = z.infer<typeof recordUsageSchema>;
/** One model call, written when it ends (ok, error or aborted). One JSONL line in the ledger. */
export type CallRecord = z.infer<typeof callRecordSchema>;
export type VerifyRecord = z.infer<typeof verifyRecordSchema>;
export type TaskRecord = z.infer<typeof taskRecordSchema>;
export type CacheHitRecord = z.infer<typeof cacheHitRecordSchema>;
export type LedgerRecord = CallRecord | VerifyRecord | TaskRecord | CacheHitRecord;
export type CallWarning = NonNullable<CallRecord['warnings']>[number];

// Compile-time guard: a provider's Usage can be written as a record's usage unchanged.
const _usageFits: (u: Usage) => RecordUsage = (u) => u;
void _usageFits;
