/** Values sorted ascending; a typed array sorts numerically without a comparator (fast). */
export function sortedValues(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Nearest-rank percentile (p in 0..1) of values already sorted ascending; null when empty.
 * Nearest-rank returns a value that really occurred, which reads better than an interpolated
 * "$3.17 day" that never happened.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number | null {
  return percentileSorted(sortedValues(values), p);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** a / b, or null when b is 0 (a share of nothing is not 0 %). */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/**
 * Rearranges `a[lo..hi]` so that `a[k]` holds the value a sort would put there, with no larger
 * value before it and no smaller one after (Hoare's selection, median-of-three pivot).
 */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (lo < hi) {
    const x = medianOfThree(a[lo]!, a[(lo + hi) >>> 1]!, a[hi]!);
    let i = lo;
    let j = hi;
    do {
      while (a[i]! < x) i += 1;
      while (x < a[j]!) j -= 1;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i += 1;
        j -= 1;
      }
    } while (i <= j);
    // Now a[lo..j] <= x <= a[i..hi], and everything in between equals x.
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

/**
 * Nearest-rank percentiles (each p in 0..1) of unsorted values, as `percentile` gives them.
 * The latency table needs two or three per model over up to 100,000 calls, where sorting
 * costs ~90 ns per value (13 ms for a month) and selection a tenth of that.
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): (number | null)[] {
  const n = values.length;
  if (n === 0) return ps.map(() => null);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    // Selection compares with <, which NaN and -0 do not answer the way a sort orders them.
    if (v !== v || (v === 0 && 1 / v < 0)) return ps.map((p) => percentile(Array.from(values), p));
    a[i] = v;
  }
  const ranks = ps.map((p) => Math.min(n, Math.max(1, Math.ceil(p * n))) - 1);
  // Selecting in ascending rank order lets each search start where the previous one ended.
  const order = ranks.map((_, i) => i).sort((x, y) => ranks[x]! - ranks[y]!);
  const result: (number | null)[] = new Array<number | null>(ps.length);
  let lo = 0;
  for (const i of order) {
    const k = ranks[i]!;
    select(a, k, lo, n - 1);
    result[i] = a[k]!;
    lo = k;
  }
  return result;
}

/**
 * A growing list of numbers in a Float64Array. A month's latency samples (up to 100,000 per
 * model) kept this way live outside the JS heap, so the collector never copies them, where a
 * plain array's backing store is copied on every growth and by every scavenge it survives.
 */
export class NumberList {
  private data = new Float64Array(64);
  length = 0;

  /** A list holding a copy of `values`. */
  static of(values: Float64Array): NumberList {
    const list = new NumberList();
    list.data = new Float64Array(Math.max(64, values.length));
    list.data.set(values);
    list.length = values.length;
    return list;
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The values so far (a view, not a copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
