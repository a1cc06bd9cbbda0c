import type { PriceOverride } from '../config/schema.js';
import type { ModelRef } from '../core/model-ref.js';
import type { PriceStep, UnitRates } from './price-steps.js';

/*
 * A user's price override (config `prices`) need not repeat what the catalog knows: every field
 * left out takes the catalog's figure for that model (tier by tier), and for a model the catalog
 * lacks the cache prices follow the vendor's documented ratio to input.
 */

export type OverrideField =
  'inputMtok' | 'outputMtok' | 'cacheReadMtok' | 'cacheWriteMtok' | 'cacheWrite1hMtok';

const FIELD_RATE: Record<OverrideField, keyof UnitRates> = {
  inputMtok: 'input',
  outputMtok: 'output',
  cacheReadMtok: 'cacheRead',
  cacheWriteMtok: 'cacheWrite',
  cacheWrite1hMtok: 'cacheWrite1h',
};

export const OVERRIDE_FIELDS = Object.keys(FIELD_RATE) as OverrideField[];

/** Cache prices as multiples of input, as each vendor documents them. */
export interface CacheRatios {
  vendor: string;
  read: number;
  write: number;
  write1h: number;
  source: string;
}

const RATIOS: Record<string, CacheRatios> = {
  // Reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2× input.
  anthropic: {
    vendor: 'Anthropic',
    read: 0.1,
    write: 1.25,
    write1h: 2,
    source: 'https://platform.claude.com/docs/en/build-with-claude/prompt-caching#pricing',
  },
  // GPT-6 models: cached input 10 % of input, cache writes 1.25×; no 1-hour cache.
  openai: {
    vendor: 'OpenAI',
    read: 0.1,
    write: 1.25,
    write1h: 1.25,
    source: 'https://developers.openai.com/api/docs/guides/prompt-caching',
  },
  // V4: a cache hit costs 1/50 of a miss; nothing is charged for writing.
  deepseek: {
    vendor: 'DeepSeek',
    read: 0.02,
    write: 1,
    write1h: 1,
    source: 'https://api-docs.deepseek.com/quick_start/pricing',
  },
};

/** Whose cache rules a model follows: the provider, or the vendor behind an OpenRouter id. */
export function cacheVendor(ref: ModelRef): string {
  if (ref.provider !== 'openrouter') return ref.provider;
  return ref.model.slice(0, ref.model.indexOf('/'));
}

export function vendorRatios(ref: ModelRef): CacheRatios | undefined {
  return RATIOS[cacheVendor(ref)];
}

/** How one field of an override was settled. */
export interface FieldOrigin {
  field: OverrideField;
  from: 'given' | 'catalog' | 'ratio' | 'input';
  /** "0.1 × input (Anthropic)" etc., for the config check and doctor. */
  note?: string;
}

export interface InheritedOverride {
  /** undefined: neither the override nor the catalog gives an input and output price. */
  steps: PriceStep[] | undefined;
  fields: FieldOrigin[];
}

const perToken = (mtok: number): number => mtok / 1e6;

/** The override's steps: given fields flat, the rest inherited from `base` or derived. */
export function inheritOverride(
  ref: ModelRef,
  override: PriceOverride,
  base: readonly PriceStep[] | undefined,
): InheritedOverride {
  const given = (f: OverrideField): number | undefined => override[f];
  if (base?.length) {
    const fields = OVERRIDE_FIELDS.map((field): FieldOrigin => ({
      field,
      from: given(field) === undefined ? 'catalog' : 'given',
    }));
    const steps = base.map((step) => {
      const rates = { ...step.rates };
      for (const field of OVERRIDE_FIELDS) {
        const value = given(field);
        if (value !== undefined) rates[FIELD_RATE[field]] = perToken(value);
      }
      return { from: step.from, rates };
    });
    return { steps, fields };
  }
  const input = given('inputMtok');
  const output = given('outputMtok');
  const ratios = vendorRatios(ref);
  const derive = (
    field: OverrideField,
    ratio: number | undefined,
  ): FieldOrigin & { mtok?: number } => {
    const value = given(field);
    if (value !== undefined) return { field, from: 'given', mtok: value };
    if (input === undefined) return { field, from: 'input' };
    if (ratio === undefined)
      return {
        field,
        from: 'input',
        note: 'no documented cache price: billed as input',
        mtok: input,
      };
    return {
      field,
      from: 'ratio',
      note: `${ratio} × input (${ratios!.vendor})`,
      mtok: input * ratio,
    };
  };
  const read = derive('cacheReadMtok', ratios?.read);
  const write = derive('cacheWriteMtok', ratios?.write);
  const write1h = derive('cacheWrite1hMtok', ratios?.write1h);
  const fields: FieldOrigin[] = [
    { field: 'inputMtok', from: input === undefined ? 'input' : 'given' },
    { field: 'outputMtok', from: output === undefined ? 'input' : 'given' },
    ...[read, write, write1h].map(({ field, from, note }) => ({
      field,
      from,
      ...(note ? { note } : {}),
    })),
  ];
  if (input === undefined || output === undefined) return { steps: undefined, fields };
  return {
    steps: [
      {
        from: 0,
        rates: {
          input: perToken(input),
          output: perToken(output),
          cacheRead: perToken(read.mtok ?? input),
          cacheWrite: perToken(write.mtok ?? input),
          cacheWrite1h: perToken(write1h.mtok ?? input),
        },
      },
    ],
    fields,
  };
}
