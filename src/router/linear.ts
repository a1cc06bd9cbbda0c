import type { FeatureVector } from './features.js';

/**
 * One softmax head of the trained router: weights laid out feature-major (`dim × classes`), so a
 * prompt's few hundred active slots each touch one contiguous row.
 */
export interface LinearHead<C extends string | number = string | number> {
  classes: readonly C[];
  dim: number;
  /** Float32 while training; the committed int8 values as they are, times `scale`. */
  weights: Float32Array | Int8Array;
  /** Multiplies the weights (1 for float weights). */
  scale?: number;
  bias: Float32Array;
  /** Softmax temperature fitted on held-out folds: > 1 softens an over-confident model. */
  temperature: number;
  /**
   * `softmax`: one class is the answer. `sigmoid`: each class is a yes/no of its own ("is tier t
   * acceptable for this prompt?"), so several may be.
   */
  link?: 'softmax' | 'sigmoid';
}

/** A head as committed to JSON: int8 weights in base64 with one scale. */
export interface StoredHead<C extends string | number = string | number> {
  classes: C[];
  bias: number[];
  scale: number;
  /** Int8 rows in base64; absent when the model file stores the heads fused. */
  weights?: string;
  temperature: number;
  link?: 'softmax' | 'sigmoid';
}

export function logits(head: LinearHead, x: FeatureVector): Float64Array {
  const k = head.classes.length;
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) out[c] = head.bias[c]!;
  const w = head.weights;
  const acc = new Float64Array(k);
  for (let i = 0; i < x.index.length; i++) {
    const row = x.index[i]! * k;
    const v = x.value[i]!;
    for (let c = 0; c < k; c++) acc[c] += v * w[row + c]!;
  }
  const scale = head.scale ?? 1;
  for (let c = 0; c < k; c++) out[c] += scale * acc[c]!;
  return out;
}

/** Softmax of `z / temperature`, in place-safe fresh array. */
export function softmax(z: ArrayLike<number>, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, z[i]! / temperature);
  const p = new Float64Array(z.length);
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    p[i] = Math.exp(z[i]! / temperature - max);
    sum += p[i]!;
  }
  for (let i = 0; i < p.length; i++) p[i]! /= sum;
  return p;
}

export function sigmoid(z: ArrayLike<number>, temperature = 1): Float64Array {
  const p = new Float64Array(z.length);
  for (let i = 0; i < p.length; i++) p[i] = 1 / (1 + Math.exp(-z[i]! / temperature));
  return p;
}

export function activate(
  link: LinearHead['link'],
  z: ArrayLike<number>,
  temperature = 1,
): Float64Array {
  return link === 'sigmoid' ? sigmoid(z, temperature) : softmax(z, temperature);
}

export function predict(head: LinearHead, x: FeatureVector): Float64Array {
  return activate(head.link, logits(head, x), head.temperature);
}

/**
 * Several int8 heads over the same features, their rows interleaved (`dim × Σclasses`): a
 * prompt's active slots each touch one contiguous row instead of one per head, and the weights
 * were most of a classification's cache misses.
 */
export interface FusedHeads {
  heads: readonly LinearHead[];
  width: number;
  weights: Int8Array;
  /**
   * Slot → row of `weights`, or -1 for a slot without one, when only the slots with a weight are
   * stored (loadFused). Absent: row = slot.
   */
  rowOf?: (slot: number) => number;
}

export function fuseHeads(heads: readonly LinearHead[]): FusedHeads | undefined {
  if (!heads.every((h) => h.weights instanceof Int8Array && h.dim === heads[0]!.dim)) return;
  const width = heads.reduce((n, h) => n + h.classes.length, 0);
  const dim = heads[0]!.dim;
  const weights = new Int8Array(dim * width);
  let offset = 0;
  for (const h of heads) {
    const k = h.classes.length;
    const w = h.weights;
    for (let r = 0; r < dim; r++) {
      for (let c = 0; c < k; c++) weights[r * width + offset + c] = w[r * k + c]!;
    }
    offset += k;
  }
  return { heads, width, weights };
}

/**
 * predict() of every fused head, in order; the same sums in the same order, so equal results.
 * Six columns at a time in locals: V8 keeps them in registers, where a loop over all the
 * columns stores each product to the accumulator array (~40 % slower on 1,400 features × 30).
 */
export function predictFused(f: FusedHeads, x: FeatureVector): Float64Array[] {
  const { width, weights, rowOf } = f;
  const acc = new Float64Array(width);
  const { index, value } = x;
  // Each active slot's row offset, looked up once rather than once per six columns; a slot
  // without a row adds nothing and is left out.
  const at = new Int32Array(index.length);
  const v = new Float64Array(index.length);
  let n = 0;
  for (let i = 0; i < index.length; i++) {
    const row = rowOf ? rowOf(index[i]!) : index[i]!;
    if (row < 0) continue;
    at[n] = row * width;
    v[n++] = value[i]!;
  }
  let c = 0;
  for (; c + 6 <= width; c += 6) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    for (let i = 0; i < n; i++) {
      const r = at[i]! + c;
      const vi = v[i]!;
      a0 += vi * weights[r]!;
      a1 += vi * weights[r + 1]!;
      a2 += vi * weights[r + 2]!;
      a3 += vi * weights[r + 3]!;
      a4 += vi * weights[r + 4]!;
      a5 += vi * weights[r + 5]!;
    }
    acc[c] = a0;
    acc[c + 1] = a1;
    acc[c + 2] = a2;
    acc[c + 3] = a3;
    acc[c + 4] = a4;
    acc[c + 5] = a5;
  }
  for (; c < width; c++) {
    let a = 0;
    for (let i = 0; i < n; i++) a += v[i]! * weights[at[i]! + c]!;
    acc[c] = a;
  }
  let offset = 0;
  return f.heads.map((h) => {
    const k = h.classes.length;
    const z = new Float64Array(k);
    const scale = h.scale ?? 1;
    for (let c = 0; c < k; c++) z[c] = h.bias[c]! + scale * acc[offset + c]!;
    offset += k;
    return activate(h.link, z, h.temperature);
  });
}

/** Int8 with one scale per head: 4× smaller than float32, and the argmax barely moves. */
export function storeHead<C extends string | number>(head: LinearHead<C>): StoredHead<C> {
  let max = 0;
  for (const w of head.weights) max = Math.max(max, Math.abs(w));
  const scale = (max > 0 ? max / 127 : 1) * (head.scale ?? 1);
  const q = new Int8Array(head.weights.length);
  for (let i = 0; i < q.length; i++)
    q[i] = Math.round((head.weights[i]! * (head.scale ?? 1)) / scale);
  return {
    classes: [...head.classes],
    bias: Array.from(head.bias, (b) => Math.round(b * 1e4) / 1e4),
    scale,
    weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'),
    temperature: Math.round(head.temperature * 1e3) / 1e3,
    ...(head.link === 'sigmoid' ? { link: 'sigmoid' as const } : {}),
  };
}

/** Decoding is a base64 read: the int8 values are used in place, scaled in `logits`. */
export function loadHead<C extends string | number>(
  stored: StoredHead<C>,
  dim: number,
): LinearHead<C> {
  if (stored.weights === undefined) throw new Error('router weights: a head without weights');
  const bytes = Buffer.from(stored.weights, 'base64');
  const weights = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (weights.length !== dim * stored.classes.length) {
    throw new Error(
      `router weights: ${weights.length} values for ${dim} × ${stored.classes.length}`,
    );
  }
  return {
    classes: stored.classes,
    dim,
    weights,
    scale: stored.scale,
    bias: Float32Array.from(stored.bias),
    temperature: stored.temperature,
    link: stored.link ?? 'softmax',
  };
}

/**
 * The fused rows as the committed binary file stores them: a bitmap of the `dim` slots whose row
 * has a non-zero weight (bit `slot & 7` of byte `slot >> 3`), then those rows in slot order. A
 * slot no training feature reached has no row: over 65,536 slots about 44 % of them.
 */
export function encodeFused(f: FusedHeads, dim: number): { bytes: Uint8Array; rows: number } {
  const { width, weights } = f;
  const bitmap = new Uint8Array(Math.ceil(dim / 8));
  const kept: number[] = [];
  for (let slot = 0; slot < dim; slot++) {
    const row = f.rowOf ? f.rowOf(slot) : slot;
    if (row < 0) continue;
    const r = row * width;
    for (let c = 0; c < width; c++) {
      if (weights[r + c] !== 0) {
        bitmap[slot >> 3]! |= 1 << (slot & 7);
        kept.push(r);
        break;
      }
    }
  }
  const bytes = new Uint8Array(bitmap.length + kept.length * width);
  bytes.set(bitmap);
  const out = new Int8Array(bytes.buffer, bitmap.length);
  kept.forEach((r, i) => out.set(weights.subarray(r, r + width), i * width));
  return { bytes, rows: kept.length };
}

/** Set bits in a 32-bit word. */
function popcount(w: number): number {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Heads stored fused (encodeFused's layout), used in place: the weights are a view of the file's
 * rows, and a slot's row is its rank among the bitmap's set bits, counted per 32-bit word once.
 * Copying the rows and mapping all 65,536 slots up front was ~10 ms of a cold `kirikae route`,
 * which reads a few hundred slots. Inference reads the fused rows; a head's own rows (training
 * tools, tests that compare the two paths) are copied out of them the first time they are asked
 * for.
 */
export function loadFused(
  stored: readonly StoredHead[],
  bytes: Uint8Array,
  dim: number,
): FusedHeads {
  const width = stored.reduce((n, h) => n + h.classes.length, 0);
  const bitmapBytes = Math.ceil(dim / 8);
  const kept = (bytes.length - bitmapBytes) / width;
  if (!Number.isInteger(kept) || kept < 0) {
    throw new Error(
      `router weights: ${bytes.length} bytes are no rows of ${width} over ${dim} slots`,
    );
  }
  // The bitmap as little-endian words (bit `slot & 31` of word `slot >> 5`, as bit `slot & 7` of
  // byte `slot >> 3`), and the set bits before each word.
  const words = new Int32Array(Math.ceil(bitmapBytes / 4));
  const before = new Int32Array(words.length + 1);
  for (let w = 0; w < words.length; w++) {
    let word = 0;
    for (let b = 0; b < 4 && 4 * w + b < bitmapBytes; b++) word |= bytes[4 * w + b]! << (8 * b);
    words[w] = word;
    before[w + 1] = before[w]! + popcount(word);
  }
  if (before[words.length] !== kept) {
    throw new Error(`router weights: ${before[words.length]} slots marked for ${kept} rows`);
  }
  const weights = new Int8Array(bytes.buffer, bytes.byteOffset + bitmapBytes, kept * width);
  const rowOf = (slot: number): number => {
    const word = words[slot >>> 5]!;
    const bit = 1 << (slot & 31);
    return word & bit ? before[slot >>> 5]! + popcount(word & (bit - 1)) : -1;
  };
  let offset = 0;
  const heads = stored.map((h): LinearHead => {
    const k = h.classes.length;
    const from = offset;
    offset += k;
    let own: Int8Array | undefined;
    return {
      classes: h.classes,
      dim,
      get weights() {
        if (!own) {
          own = new Int8Array(dim * k);
          for (let slot = 0; slot < dim; slot++) {
            const row = rowOf(slot);
            if (row < 0) continue;
            const r = row * width + from;
            for (let c = 0; c < k; c++) own[slot * k + c] = weights[r + c]!;
          }
        }
        return own;
      },
      scale: h.scale,
      bias: Float32Array.from(h.bias),
      temperature: h.temperature,
      link: h.link ?? 'softmax',
    };
  });
  return { heads, width, weights, rowOf };
}
