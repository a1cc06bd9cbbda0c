import { costOfTokens, priceCurve } from '../catalog/price-curve.js';
import type { CacheTtl, PriceOverride } from '../config/schema.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';
import type { CallRecord } from '../core/records.js';
import { cachePolicy, cacheTtlMs } from './cache.js';

/*
 * Would the 1-hour prompt cache have been cheaper? A session that pauses longer than 5 minutes
 * pays a fresh cache write after every pause; with the 1-hour TTL each write costs 2× input
 * instead of 1.25×, but a pause under an hour finds the prefix still cached (read at 0.1×).
 * The recorded calls are replayed under both TTLs: per session and model, a call whose gap since
 * the previous call is within the TTL reads the prefix the previous call left cached (the smaller
 * of the two calls' cached spans) and writes the rest; after a longer gap it writes everything.
 */

export interface CacheTtlAdvice {
  /** Calls on models with an explicit (Anthropic) cache that were compared. */
  calls: number;
  /** Pauses between consecutive calls of one session on one model. */
  gaps: { upTo5m: number; upTo1h: number; longer: number };
  usd5m: number;
  usd1h: number;
  /** usd5m − usd1h: positive when the 1-hour TTL would have saved money. */
  savedUsd: number;
  suggest: CacheTtl;
}

export interface CacheTtlOptions {
  overrides?: Record<string, PriceOverride>;
  /** Suggest 1 h only when it saves at least this share of the 5-minute cost (default 1 %). */
  minSavingShare?: number;
}

interface Replayed {
  ref: ModelRef;
  call: CallRecord;
  /** Milliseconds since the previous call of the same session and model ended; undefined: first. */
  gapMs?: number;
  /** Tokens that call left cached. */
  previousSpan?: number;
}

const span = (c: CallRecord): number => c.usage.cacheRead + c.usage.cacheWrite;

function replayable(calls: readonly CallRecord[]): Replayed[] {
  const out: Replayed[] = [];
  const last = new Map<string, CallRecord>();
  const sorted = [...calls].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  for (const call of sorted) {
    let ref: ModelRef;
    try {
      ref = parseModelRef(call.model);
    } catch {
      continue;
    }
    if (cachePolicy(ref).kind !== 'explicit') continue;
    const key = `${call.session}\u0000${call.model}`;
    const previous = last.get(key);
    last.set(key, call);
    if (!previous) {
      out.push({ ref, call });
      continue;
    }
    const started = Date.parse(call.ts) - call.durationMs;
    out.push({
      ref,
      call,
      gapMs: Math.max(0, started - Date.parse(previous.ts)),
      previousSpan: span(previous),
    });
  }
  return out;
}

/** USD of one replayed call under a TTL, or null when the model has no known price. */
function costUnder(r: Replayed, ttl: CacheTtl, overrides: Record<string, PriceOverride>) {
  const u = r.call.usage;
  const cached = span(r.call);
  let read = u.cacheRead;
  if (r.gapMs !== undefined) {
    const warm = r.gapMs <= cacheTtlMs(ttl);
    read = warm ? Math.min(cached, r.previousSpan ?? 0) : 0;
  }
  const write = cached - read;
  const curve = priceCurve(r.ref, overrides, Date.parse(r.call.ts));
  return costOfTokens(curve, u.input, read, write, u.output, ttl === '1h' ? write : 0);
}

/** Measures the pauses in recorded calls and says whether `cache.ttl: "1h"` would have paid. */
export function adviseCacheTtl(
  calls: readonly CallRecord[],
  options: CacheTtlOptions = {},
): CacheTtlAdvice {
  const overrides = options.overrides ?? {};
  const gaps = { upTo5m: 0, upTo1h: 0, longer: 0 };
  let usd5m = 0;
  let usd1h = 0;
  let compared = 0;
  for (const r of replayable(calls)) {
    const five = costUnder(r, '5m', overrides);
    const hour = costUnder(r, '1h', overrides);
    if (five === null || hour === null) continue;
    compared += 1;
    usd5m += five;
    usd1h += hour;
    if (r.gapMs === undefined) continue;
    if (r.gapMs <= cacheTtlMs('5m')) gaps.upTo5m += 1;
    else if (r.gapMs <= cacheTtlMs('1h')) gaps.upTo1h += 1;
    else gaps.longer += 1;
  }
  const savedUsd = usd5m - usd1h;
  const share = options.minSavingShare ?? 0.01;
  return {
    calls: compared,
    gaps,
    usd5m,
    usd1h,
    savedUsd,
    suggest: compared > 0 && savedUsd > share * usd5m ? '1h' : '5m',
  };
}
