import { ledgerRecordSchema, type LedgerRecord } from '../core/records.js';

// The schemas themselves live in core/records.ts, where the record types are inferred from them.
export {
  callRecordSchema,
  ledgerRecordSchema,
  taskRecordSchema,
  verifyRecordSchema,
} from '../core/records.js';

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
