// One formatter per unit, for the CLI, the screen and reports alike. An unknown amount is
// always UNKNOWN ("?"), never "$0": a missing price must stay visible wherever money is shown.

/** The one marker for a figure kirikae does not know (an unpriced model, a missing reading). */
export const UNKNOWN = '?';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * USD with enough digits to tell $0.0004 from $0.004: sub-cent amounts keep two significant
 * digits, cents three decimals, dollars two, large sums are grouped. null/undefined/NaN → "?".
 */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (abs === 0) return '$0.00';
  // Two significant digits; written out in full below 1e-6, where a number prints as "5.7e-7".
  // Below a hundred-millionth (float leftovers of a sum) it is only said to be that small.
  if (abs < 1e-8) return `${sign}<$0.00000001`;
  if (abs < 1e-6) return `${sign}$${abs.toFixed(1 - Math.floor(Math.log10(abs)))}`;
  if (abs < 0.01) return `${sign}$${Number(abs.toPrecision(2))}`;
  if (abs < 1) return `${sign}$${abs.toFixed(3)}`;
  if (abs >= 10_000) return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
  return `${sign}$${abs.toFixed(2)}`;
}

/**
 * A dollar amount for JSON: sums of float prices carry noise in the last digits
 * (0.000029999999999999997); twelve significant digits keep every real cent fraction.
 */
export function usdJson(value: number): number {
  return Number(value.toPrecision(12));
}

/** A sum some of whose parts have no known price. */
export interface UsdSum {
  /** Sum of the priced parts. */
  usd: number;
  /** How many parts had no known price. */
  unknown: number;
}

export const ZERO_SUM: UsdSum = { usd: 0, unknown: 0 };

/** Adds one amount (null = unknown) to a sum. */
export function addUsd(sum: UsdSum, value: number | null | undefined): UsdSum {
  return value === null || value === undefined || !Number.isFinite(value)
    ? { usd: sum.usd, unknown: sum.unknown + 1 }
    : { usd: sum.usd + value, unknown: sum.unknown };
}

/** "$0.093", "$0.093 + ?" when some parts are unpriced, "?" when none is priced. */
export function usdSum(sum: UsdSum): string {
  if (sum.unknown === 0) return usd(sum.usd);
  if (sum.usd === 0) return UNKNOWN;
  return `${usd(sum.usd)} + ${UNKNOWN}`;
}

/** 950 → "950", 1234 → "1.2K", 56_789 → "57K", 2_500_000 → "2.5M". */
export function tokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  const abs = Math.abs(n);
  if (abs >= 10_000_000) return `${Math.round(n / 1_000_000)}M`;
  if (abs >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (abs >= 10_000) return `${Math.round(n / 1000)}K`;
  if (abs >= 1000) return `${(n / 1000).toFixed(1)}K`;
  return String(Math.round(n));
}

/**
 * Sizes in binary units, labelled as such: macOS reports memory in GiB (a "128 GB" Mac has
 * 128 GiB), and so do Ollama's sizes once divided by 1024³.
 */
export function bytes(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  if (value === 0) return '0 GiB';
  const abs = Math.abs(value);
  if (abs >= GiB) return `${(value / GiB).toFixed(digits)} GiB`;
  if (abs >= MiB) return `${Math.round(value / MiB)} MiB`;
  return `${Math.round(value / 1024)} KiB`;
}

/** 0.25 → "250 ms", 4.2 → "4.2 s", 42 → "42 s", 200 → "3 min 20 s". */
export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 10) return `${value.toFixed(1)} s`;
  if (value < 120) return `${Math.round(value)} s`;
  const whole = Math.round(value);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** 0.5 → "50%"; null → "?". */
export function percent(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return UNKNOWN;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Tokens per second: "42 tok/s", "7.5 tok/s"; unknown → "? tok/s". */
export function tokPerSec(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return `${UNKNOWN} tok/s`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} tok/s`;
}

/** A count with thousands separators, whatever the user's locale: "65,536", "1,124". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
