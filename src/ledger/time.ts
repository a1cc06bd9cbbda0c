/**
 * Calendar helpers for the ledger. Every day and month is a UTC calendar day/month: providers
 * bill in UTC, and a UTC key does not move when the laptop changes time zone, so the same
 * record always lands in the same file and the same day bucket.
 */

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM` with a real month number. */
export function isMonth(value: string): boolean {
  return MONTH_RE.test(value);
}

/**
 * The timestamp as a UTC ISO string: `ts` itself (no copy) when already in UTC, which is how
 * records are written. Day and month keys are its first 10 and 7 characters.
 */
export function utcIso(ts: string): string {
  // Fast path: records are written with toISOString(), which is already UTC.
  if (ts.length >= 20 && ts.endsWith('Z')) return ts;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString();
}

/** UTC `YYYY-MM` of an ISO timestamp. */
export function monthOfTs(ts: string): string {
  return utcIso(ts).slice(0, 7);
}

/** `monthOfTs(ts) === month` for a timestamp already passed through utcIso, without a copy. */
export function isoInMonth(iso: string, month: string): boolean {
  return month.length === 7 ? iso.startsWith(month) : iso.slice(0, 7) === month;
}

/** `monthOfTs(ts) === month`, without a copy for the usual UTC timestamp. */
export function tsInMonth(ts: string, month: string): boolean {
  return isoInMonth(utcIso(ts), month);
}

/** UTC `YYYY-MM-DD` of an ISO timestamp. */
export function dayOfTs(ts: string): string {
  return utcIso(ts).slice(0, 10);
}

export function monthOfDate(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function dayOfDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function monthParts(month: string): [number, number] {
  const match = MONTH_RE.exec(month);
  if (!match) throw new RangeError(`"${month}" is not a YYYY-MM month`);
  return [Number(match[1]), Number(match[2])];
}

/** Midnight UTC on the first day of the month, in ms. */
export function monthStartMs(month: string): number {
  const [year, mon] = monthParts(month);
  return Date.UTC(year, mon - 1, 1);
}

export function daysInMonth(month: string): number {
  const [year, mon] = monthParts(month);
  return new Date(Date.UTC(year, mon, 0)).getUTCDate();
}

/** Every `YYYY-MM-DD` of the month, in order. */
export function monthDays(month: string): string[] {
  const start = monthStartMs(month);
  return Array.from({ length: daysInMonth(month) }, (_, i) =>
    new Date(start + i * DAY_MS).toISOString().slice(0, 10),
  );
}

export function addMonths(month: string, delta: number): string {
  const [year, mon] = monthParts(month);
  return monthOfDate(new Date(Date.UTC(year, mon - 1 + delta, 1)));
}

/** Months from `from` to `to`, both included (empty when `to` is before `from`). */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** ISO-8601 week key of a `YYYY-MM-DD` day: `2026-W09` (weeks start on Monday). */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = date.getUTCDay() || 7;
  // The Thursday of this week decides the ISO year.
  const thursday = new Date(date.getTime() + (4 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Fraction of the UTC day that has passed at `now`, 0 ≤ f < 1. */
export function dayFraction(now: Date): number {
  return (now.getTime() % DAY_MS) / DAY_MS;
}
