import { z } from 'zod';
import { TIERS } from '../core/tier.js';
import type { CacheEntry } from './types.js';

/*
 * One JSONL line per store operation. A `put` carries the whole entry, the vector as base64 of
 * its little-endian float32 bytes (4 KB for 768 dimensions instead of ~15 KB of decimals); a
 * `drop` removes an entry and marks its neighbourhood as one where answers went wrong.
 */

const putSchema = () =>
  z.object({
    v: z.literal(1),
    op: z.literal('put'),
    id: z.string().min(1),
    storedAt: z.number().nonnegative(),
    question: z.string(),
    vector: z.string().min(1),
    answer: z.string(),
    model: z.string().min(1),
    tier: z.literal(TIERS).nullable(),
    usd: z.number().nonnegative().nullable(),
    context: z.object({
      conversation: z.string(),
      files: z.record(z.string(), z.string()),
      gitHead: z.string().nullable(),
    }),
  });

const dropSchema = () =>
  z.object({
    v: z.literal(1),
    op: z.literal('drop'),
    id: z.string().min(1),
    /** The answer was wrong (`x` on a hit), not just evicted. */
    wrong: z.boolean(),
    /** A wrong answer's question vector: its neighbourhood then needs a closer match. */
    vector: z.string().min(1).optional(),
  });

// Built on first use: every start loads this module, few read the cache (`kirikae route` never).
let lineSchema: ReturnType<typeof buildLineSchema> | undefined;
const buildLineSchema = () => z.discriminatedUnion('op', [putSchema(), dropSchema()]);

export type StoreOp =
  | { op: 'put'; entry: CacheEntry }
  | { op: 'drop'; id: string; wrong: boolean; vector?: Float32Array };

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeVector(text: string): Float32Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  // Copied into its own buffer: Buffer's pool offset need not be 4-aligned.
  const copy = new Uint8Array(bytes);
  const vector = new Float32Array(copy.buffer);
  for (const x of vector) if (!Number.isFinite(x)) return undefined;
  return vector;
}

export function encodeOp(op: StoreOp): string {
  if (op.op === 'drop') {
    const vector = op.vector ? { vector: encodeVector(op.vector) } : {};
    return `${JSON.stringify({ v: 1, op: 'drop', id: op.id, wrong: op.wrong, ...vector })}\n`;
  }
  const e = op.entry;
  const line = {
    v: 1,
    op: 'put',
    id: e.id,
    storedAt: e.storedAt,
    question: e.question,
    vector: encodeVector(e.vector),
    answer: e.answer,
    model: e.model,
    tier: e.tier,
    usd: e.usd,
    context: e.context,
  };
  return `${JSON.stringify(line)}\n`;
}

/** The operation on one line, or undefined for a line that is not one (counted as corrupt). */
export function decodeOp(line: string): StoreOp | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = (lineSchema ??= buildLineSchema()).safeParse(value);
  if (!parsed.success) return undefined;
  const data = parsed.data;
  if (data.op === 'drop') {
    if (data.vector === undefined) return { op: 'drop', id: data.id, wrong: data.wrong };
    const vector = decodeVector(data.vector);
    return vector ? { op: 'drop', id: data.id, wrong: data.wrong, vector } : undefined;
  }
  const vector = decodeVector(data.vector);
  if (!vector) return undefined;
  return {
    op: 'put',
    entry: {
      id: data.id,
      storedAt: data.storedAt,
      question: data.question,
      vector,
      answer: data.answer,
      model: data.model,
      tier: data.tier,
      usd: data.usd,
      context: data.context,
    },
  };
}
