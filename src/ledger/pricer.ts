import { priceUsage, type PriceOptions } from '../catalog/prices.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';
import type { Cost, Usage } from '../core/usage.js';

/*
 * Re-pricing a month of calls means up to 100,000 catalog look-ups, and each priceUsage call
 * resolves the model in the price tables again (~30 µs). A price is linear in the four token
 * counts once the context size (all input) is fixed; only the context size picks the tier
 * (e.g. Sonnet 4.5 above 200K input). So the unit prices are probed once per tier, the tier
 * boundaries found by bisection, and each call becomes a dot product. Each tier's first call is
 * also priced by priceUsage: on any disagreement the pricer falls back to priceUsage for every
 * call, so a price table shaped differently can cost speed, never accuracy.
 */

export interface Pricer {
  readonly model: string;
  price(usage: Usage): Cost;
}

interface Units {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

interface Segment {
  /** First context size (tokens of all input) this tier applies to. */
  from: number;
  units: Units;
  checked: boolean;
}

/** Context sizes probed: past every long-context tier in the price data. */
const MAX_CONTEXT = 10_000_000;
const PROBE_OUTPUT = 1_000_000;

const ZERO: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function sameUnits(a: Units, b: Units): boolean {
  return (
    close(a.input, b.input) &&
    close(a.cacheRead, b.cacheRead) &&
    close(a.cacheWrite, b.cacheWrite) &&
    close(a.output, b.output)
  );
}

function dot(units: Units, u: Usage): number {
  return (
    units.input * u.input +
    units.cacheRead * u.cacheRead +
    units.cacheWrite * u.cacheWrite +
    units.output * u.output
  );
}

const unknownPricer = (model: string): Pricer => ({ model, price: () => 'unknown' });

/** A fast, exact stand-in for `priceUsage(model, usage, options)` over many calls. */
export function makePricer(model: string, options: PriceOptions = {}): Pricer {
  let ref: ModelRef;
  try {
    ref = parseModelRef(model);
  } catch {
    return unknownPricer(model);
  }
  const exact = (usage: Usage): Cost => priceUsage(ref, usage, options).usd;
  const usd = (usage: Partial<Usage>): number | undefined => {
    const cost = exact({ ...ZERO, ...usage });
    return cost === 'unknown' ? undefined : cost;
  };
  /** Per-token prices at context size `n`, or undefined when any is unknown. */
  const unitsAt = (n: number): Units | undefined => {
    const input = usd({ input: n });
    const cacheRead = usd({ cacheRead: n });
    const cacheWrite = usd({ cacheWrite: n });
    const withOutput = usd({ input: n, output: PROBE_OUTPUT });
    if (input === undefined || cacheRead === undefined || cacheWrite === undefined)
      return undefined;
    if (withOutput === undefined) return undefined;
    return {
      input: input / n,
      cacheRead: cacheRead / n,
      cacheWrite: cacheWrite / n,
      output: (withOutput - input) / PROBE_OUTPUT,
    };
  };

  const first = unitsAt(1);
  const last = unitsAt(MAX_CONTEXT);
  if (!first || !last) return unknownPricer(model);
  const segments: Segment[] = [{ from: 0, units: first, checked: false }];
  // Bisect [lo, hi] until every change of unit prices is pinned to one token count.
  const split = (lo: number, loUnits: Units, hi: number, hiUnits: Units): boolean => {
    if (sameUnits(loUnits, hiUnits)) return true;
    if (hi - lo <= 1) {
      segments.push({ from: hi, units: hiUnits, checked: false });
      return true;
    }
    const mid = Math.floor((lo + hi) / 2);
    const midUnits = unitsAt(mid);
    if (!midUnits) return false;
    return split(lo, loUnits, mid, midUnits) && split(mid, midUnits, hi, hiUnits);
  };
  if (!split(1, first, MAX_CONTEXT, last)) return { model, price: exact };

  let fallback = false;
  return {
    model,
    price(usage: Usage): Cost {
      if (fallback) return exact(usage);
      const context = usage.input + usage.cacheRead + usage.cacheWrite;
      let index = segments.length - 1;
      while (index > 0 && segments[index]!.from > context) index -= 1;
      const segment = segments[index]!;
      const fast = dot(segment.units, usage);
      if (!segment.checked) {
        const slow = exact(usage);
        if (slow === 'unknown' || !close(slow, fast)) {
          fallback = true;
          return slow;
        }
        segment.checked = true;
      }
      return fast;
    },
  };
}
