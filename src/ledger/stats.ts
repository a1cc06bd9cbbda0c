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
