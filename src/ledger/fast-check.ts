import type {
  CacheHitRecord,
  CallRecord,
  LedgerRecord,
  TaskRecord,
  VerifyRecord,
} from '../core/records.js';
import { TIERS } from '../core/tier.js';
import { callRecordSchema, taskRecordSchema } from '../core/records.js';

/*
 * Reading a month means validating ~100,000 parsed lines. zod's safeParse costs ~1.7 µs per
 * record and copies every object (its output is a fresh, stripped object), which also doubles
 * the garbage the collector has to deal with. Almost every line is exactly what encodeRecord
 * wrote, so this checks that shape by hand, in ~0.2 µs, and hands the parsed object back
 * unchanged.
 *
 * zod stays the definition of a valid record: this check only ever answers "certainly valid,
 * and zod would return an equal object" or "not sure". Anything unusual (an unknown key, a
 * missing one, a wrong type, a bad date, a value out of range) is "not sure", and the caller
 * asks zod, which then accepts and strips it, or rejects it. So every check here must be at
 * least as strict as the schema; test/ledger/fast-check.test.ts feeds thousands of malformed
 * records through both and proves that whenever this one says yes, zod agrees exactly.
 *
 * Meant for values straight out of JSON.parse: plain data, no getters.
 */

interface ZodInternals {
  _zod?: { def?: { pattern?: unknown } };
}

/**
 * The exact regular expression zod checks `ts` with (ISO datetime with an offset), taken from
 * the schema itself so the two can never drift apart. Should a zod upgrade move it, this is
 * undefined and every record simply goes through zod.
 */
const tsPattern = (callRecordSchema.shape.ts as ZodInternals)._zod?.def?.pattern;
const TS_PATTERN =
  tsPattern instanceof RegExp && !tsPattern.global && !tsPattern.sticky ? tsPattern : undefined;

// The enums come from the schemas too, for the same reason.
const DECISIONS: ReadonlySet<unknown> = new Set(callRecordSchema.shape.decision.options);
const PRICE_SOURCES: ReadonlySet<unknown> = new Set(callRecordSchema.shape.priceSource.options);
const CALL_OUTCOMES: ReadonlySet<unknown> = new Set(callRecordSchema.shape.outcome.options);
const ERROR_KINDS: ReadonlySet<unknown> = new Set(
  callRecordSchema.shape.errorKind.unwrap().options,
);
const TASK_TYPES: ReadonlySet<unknown> = new Set(callRecordSchema.shape.taskType.unwrap().options);
const TASK_OUTCOMES: ReadonlySet<unknown> = new Set(taskRecordSchema.shape.outcome.options);
const ROLES: ReadonlySet<unknown> = new Set(callRecordSchema.shape.role.unwrap().options);
const TIER_SET: ReadonlySet<unknown> = new Set(TIERS);

type Obj = Record<string, unknown>;

/** A plain object, as JSON.parse makes them (zod would return one with another prototype). */
function isObject(value: unknown): value is Obj {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}

/** Own enumerable keys. A plain object from JSON.parse has nothing inherited to count. */
function keyCount(o: Obj): number {
  let n = 0;
  for (const _key in o) n += 1;
  return n;
}

/** zod's `z.number().int().nonnegative()`: a safe integer ≥ 0. */
function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** zod's `z.number().nonnegative()`: finite (NaN and ±Infinity are not numbers to zod) and ≥ 0. */
function isNonNegative(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isTier(value: unknown): boolean {
  return value === null || TIER_SET.has(value);
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

/** Fields every record type shares. Returns the number of keys it accounted for, or -1. */
function commonFields(o: Obj): number {
  if (o.v !== 1) return -1;
  const ts = o.ts;
  if (typeof ts !== 'string' || TS_PATTERN === undefined || !TS_PATTERN.test(ts)) return -1;
  if (typeof o.session !== 'string' || typeof o.task !== 'string' || !isTier(o.tier)) return -1;
  // v, type, ts, session, task, tier
  let n = 6;
  if (o.taskType !== undefined) {
    if (!TASK_TYPES.has(o.taskType)) return -1;
    n += 1;
  }
  return n;
}

function isUsage(value: unknown): boolean {
  if (
    !isObject(value) ||
    !isCount(value.input) ||
    !isCount(value.output) ||
    !isCount(value.cacheRead) ||
    !isCount(value.cacheWrite) ||
    !isCount(value.reasoning)
  ) {
    return false;
  }
  let n = 5;
  if (value.cacheWrite1h !== undefined) {
    if (!isCount(value.cacheWrite1h)) return false;
    n += 1;
  }
  const estimated = optionalBoolean(value.estimated);
  if (estimated < 0) return false;
  return keyCount(value) === n + estimated;
}

/** An optional boolean: 0 keys when absent, 1 when valid, -1 when not. */
function optionalBoolean(value: unknown): number {
  if (value === undefined) return 0;
  return typeof value === 'boolean' ? 1 : -1;
}

function isDisagreement(value: unknown): boolean {
  return (
    isObject(value) &&
    isNonNegative(value.reportedUsd) &&
    isNonNegative(value.tableUsd) &&
    keyCount(value) === 2
  );
}

function isWarnings(value: unknown): boolean {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  for (const item of value) {
    if (!isObject(item) || typeof item.kind !== 'string') return false;
    if (item.detail !== undefined && typeof item.detail !== 'string') return false;
    if (keyCount(item) !== (item.detail === undefined ? 1 : 2)) return false;
  }
  return true;
}

/**
 * The optional fields added after the first release, rarely present: counted in one place so
 * the common record pays one check per field. Returns the number of keys, or -1.
 */
function laterFields(o: Obj): number {
  const estimated = optionalBoolean(o.usageEstimated);
  if (estimated < 0) return -1;
  let n = estimated;
  if (o.role !== undefined) {
    if (!ROLES.has(o.role)) return -1;
    n += 1;
  }
  if (o.host !== undefined) {
    if (typeof o.host !== 'string') return -1;
    n += 1;
  }
  if (o.carriedTokens !== undefined) {
    if (!isCount(o.carriedTokens)) return -1;
    n += 1;
  }
  if (o.carriedNew !== undefined) {
    if (!isCount(o.carriedNew)) return -1;
    n += 1;
  }
  if (o.billedDisagreement !== undefined) {
    if (!isDisagreement(o.billedDisagreement)) return -1;
    n += 1;
  }
  if (o.warnings !== undefined) {
    if (!isWarnings(o.warnings)) return -1;
    n += 1;
  }
  return n;
}

function isEstimate(value: unknown): boolean {
  if (!isObject(value) || !isNonNegative(value.inputTokens) || !isNonNegative(value.outputTokens))
    return false;
  let n = 2;
  if (value.usdP50 !== undefined) {
    if (!isNonNegative(value.usdP50)) return false;
    n += 1;
  }
  if (value.usdP90 !== undefined) {
    if (!isNonNegative(value.usdP90)) return false;
    n += 1;
  }
  return keyCount(value) === n;
}

/** An optional non-negative number: 0 keys when absent, 1 when valid, -1 when not. */
function optionalNonNegative(value: unknown): number {
  if (value === undefined) return 0;
  return isNonNegative(value) ? 1 : -1;
}

function isCall(o: Obj): o is Obj & CallRecord {
  let n = commonFields(o);
  if (n < 0) return false;
  if (
    !isCount(o.turn) ||
    typeof o.model !== 'string' ||
    o.model.length === 0 ||
    !DECISIONS.has(o.decision) ||
    !isStringArray(o.fallbackHops) ||
    !isUsage(o.usage) ||
    !(o.costUsd === null || isNonNegative(o.costUsd)) ||
    !PRICE_SOURCES.has(o.priceSource) ||
    typeof o.priceVersion !== 'string' ||
    !isNonNegative(o.durationMs) ||
    !CALL_OUTCOMES.has(o.outcome)
  ) {
    return false;
  }
  // turn, model, decision, fallbackHops, usage, costUsd, priceSource, priceVersion,
  // durationMs, outcome
  n += 10;
  if (o.proposed !== undefined) {
    if (typeof o.proposed !== 'string') return false;
    n += 1;
  }
  const tokPerSec = optionalNonNegative(o.tokPerSec);
  const energyWh = optionalNonNegative(o.energyWh);
  const energyUsd = optionalNonNegative(o.energyUsd);
  if (tokPerSec < 0 || energyWh < 0 || energyUsd < 0) return false;
  n += tokPerSec + energyWh + energyUsd;
  if (o.errorKind !== undefined) {
    if (!ERROR_KINDS.has(o.errorKind)) return false;
    n += 1;
  }
  if (o.estimate !== undefined) {
    if (!isEstimate(o.estimate)) return false;
    n += 1;
  }
  const later = laterFields(o);
  if (later < 0) return false;
  return keyCount(o) === n + later;
}

/** `turn` (a count) and a non-empty `model`, as verify and cache_hit records hold them. */
function hasTurnAndModel(o: Obj): boolean {
  return isCount(o.turn) && typeof o.model === 'string' && o.model.length > 0;
}

function isVerify(o: Obj): o is Obj & VerifyRecord {
  const n = commonFields(o);
  if (n < 0) return false;
  return (
    hasTurnAndModel(o) &&
    typeof o.command === 'string' &&
    typeof o.passed === 'boolean' &&
    isNonNegative(o.durationMs) &&
    // turn, model, command, passed, durationMs
    keyCount(o) === n + 5
  );
}

function isTask(o: Obj): o is Obj & TaskRecord {
  const n = commonFields(o);
  if (n < 0) return false;
  return (
    TASK_OUTCOMES.has(o.outcome) &&
    isCount(o.attempts) &&
    isStringArray(o.models) &&
    // outcome, attempts, models
    keyCount(o) === n + 3
  );
}

/** A similarity as the schema allows it: a finite number in [0, 1]. */
function isSimilarity(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function isCacheHit(o: Obj): o is Obj & CacheHitRecord {
  const n = commonFields(o);
  if (n < 0) return false;
  return (
    hasTurnAndModel(o) &&
    o.costUsd === 0 &&
    (o.savedUsd === null || isNonNegative(o.savedUsd)) &&
    isSimilarity(o.similarity) &&
    typeof o.originalTs === 'string' &&
    TS_PATTERN !== undefined &&
    TS_PATTERN.test(o.originalTs) &&
    // turn, model, costUsd, savedUsd, similarity, originalTs
    keyCount(o) === n + 6
  );
}

/**
 * `value` itself when it is certainly a valid ledger record with no undeclared field (so
 * zod's output would equal it); undefined when unsure, and then only zod can tell.
 */
export function fastRecord(value: unknown): LedgerRecord | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'call':
      return isCall(value) ? value : undefined;
    case 'verify':
      return isVerify(value) ? value : undefined;
    case 'task':
      return isTask(value) ? value : undefined;
    case 'cache_hit':
      return isCacheHit(value) ? value : undefined;
    default:
      return undefined;
  }
}

/** Whether the fast path can accept anything at all (false only if zod hid its pattern). */
export const fastPathEnabled: boolean = TS_PATTERN !== undefined;
