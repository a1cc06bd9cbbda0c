import type { ModelPrice } from '@pydantic/genai-prices';

/** USD per token of each kind, valid for one range of total input tokens. */
export interface UnitRates {
  input: number;
  output: number;
  cacheRead: number;
  /** Cache writes kept 5 minutes (Anthropic's default; the only kind elsewhere). */
  cacheWrite: number;
  /** Cache writes kept 1 hour (Anthropic's `ttl: "1h"`). */
  cacheWrite1h: number;
}

export interface PriceStep {
  /** These rates apply when the call's total input (uncached + cache read + cache write) ≥ from. */
  from: number;
  rates: UnitRates;
}

type Tiered = { base: number; tiers: readonly { start: number; price: number }[] };
type PriceValue = number | Tiered | undefined;

/** Price per MTok at a total input size: a tier applies once the input EXCEEDS its start. */
function mtokAt(value: PriceValue, totalInput: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  let price = value.base;
  for (const tier of value.tiers) if (totalInput > tier.start) price = tier.price;
  return price;
}

function tierStarts(value: PriceValue): number[] {
  return value !== undefined && typeof value === 'object' ? value.tiers.map((t) => t.start) : [];
}

const KEYS = [
  'input_mtok',
  'output_mtok',
  'cache_read_mtok',
  'cache_write_mtok',
  'cache_write_1h_mtok',
] as const;

export interface StepOptions {
  /**
   * 1 h writes priced at this multiple of input when the data has no 1 h price (Anthropic
   * documents 2×; elsewhere there is no 1 h cache and such writes are plain cache writes).
   */
  cacheWrite1hRatio?: number;
}

/**
 * A model's prices as steps over total input size, read from genai-prices' data shape with its
 * own rules: a missing cache price means those tokens are billed as input, and each tier applies
 * once the total input exceeds its start (so it begins at start + 1).
 */
export function stepsFromModelPrice(price: ModelPrice, options: StepOptions = {}): PriceStep[] {
  const values = price as Record<string, PriceValue>;
  const starts = new Set<number>([0]);
  for (const key of KEYS) for (const s of tierStarts(values[key])) starts.add(s + 1);
  return [...starts]
    .sort((a, b) => a - b)
    .map((from) => {
      const at = (key: (typeof KEYS)[number]): number | undefined => mtokAt(values[key], from);
      const input = at('input_mtok') ?? 0;
      const cacheWrite = at('cache_write_mtok') ?? input;
      const ratio1h = options.cacheWrite1hRatio;
      const cacheWrite1h =
        at('cache_write_1h_mtok') ?? (ratio1h !== undefined ? input * ratio1h : cacheWrite);
      return {
        from,
        rates: {
          input: input / 1e6,
          output: (at('output_mtok') ?? 0) / 1e6,
          cacheRead: (at('cache_read_mtok') ?? input) / 1e6,
          cacheWrite: cacheWrite / 1e6,
          cacheWrite1h: cacheWrite1h / 1e6,
        },
      };
    });
}

/** Fixed USD per request (a few OpenRouter routes bill per call as well as per token). */
export function requestUsdOf(price: ModelPrice): number {
  const perK = (price as Record<string, PriceValue>).requests_kcount;
  return typeof perK === 'number' ? perK / 1000 : 0;
}
