// The bundles carry genai-prices as scripts/genai-prices-for-kirikae.mjs changes it: only the
// providers kirikae prices through, no collator, the unit table's ancestors worked out at build
// time. That is only sound while every lookup kirikae makes answers the same as the package's
// own: checked here on the installed package, through the whole change the build makes.
import * as genai from '@pydantic/genai-prices';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_OVERRIDES } from '../../src/catalog/overrides.js';
import { PRICE_PROVIDER, priceDataProviders } from '../../src/catalog/price-providers.js';
import {
  priceSourceForKirikae,
  providersToKeep,
  slimPriceSource,
  unitAncestors,
  // @ts-expect-error -- a build script in plain JavaScript
} from '../../scripts/genai-prices-for-kirikae.mjs';

type Genai = typeof genai;
type Ancestors = Record<string, string[]>;
const keep = providersToKeep as (ids: string[], find: Genai['findProvider']) => genai.Provider[];
const slim = slimPriceSource as (source: string, providers: genai.Provider[]) => string;
const ancestorsOf = unitAncestors as (source: string) => Promise<Ancestors>;
const forKirikae = priceSourceForKirikae as (
  source: string,
  patch: { providers: genai.Provider[]; ancestors: Ancestors },
) => string;

/** The unit table a module's source builds (`X`), exported for the comparison. */
interface Units {
  getAllUsageKeys(): Set<string>;
  ancestorUsageKeys(key: string): Set<string>;
}
const UNITS_EXPORT = '\nexport { X as __units };\n';

const packageSource = (): string => {
  const file = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
  return readFileSync(file.replace(/index\.cjs$/, 'index.js'), 'utf8');
};

describe('genai-prices as the bundles carry it', () => {
  let dir: string;
  let cut: Genai & { __units: Units };
  let original: { __units: Units };
  let kept: genai.Provider[];

  const load = async <T>(name: string, source: string): Promise<T> => {
    const file = join(dir, name);
    writeFileSync(file, source);
    return (await import(pathToFileURL(file).href)) as T;
  };

  beforeAll(async () => {
    kept = keep(priceDataProviders(), genai.findProvider);
    dir = mkdtempSync(join(tmpdir(), 'kirikae-genai-'));
    const source = packageSource();
    const ancestors = await ancestorsOf(source);
    cut = await load(
      'kirikae.mjs',
      forKirikae(source, { providers: kept, ancestors }) + UNITS_EXPORT,
    );
    original = await load('package.mjs', source + UNITS_EXPORT);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the same unit table, each unit with the same ancestors in the same order', () => {
    const keys = [...original.__units.getAllUsageKeys()];
    expect(keys.length).toBeGreaterThan(40);
    expect([...cut.__units.getAllUsageKeys()]).toEqual(keys);
    let related = 0;
    for (const key of keys) {
      const ancestors = [...original.__units.ancestorUsageKeys(key)];
      expect([...cut.__units.ancestorUsageKeys(key)], key).toEqual(ancestors);
      related += ancestors.length;
    }
    // A real relation, not empty sets on both sides.
    expect(related).toBeGreaterThan(50);
  });

  it('keeps every provider a lookup starts from, and what they fall back to', () => {
    const ids = kept.map((p) => p.id);
    for (const id of Object.values(PRICE_PROVIDER)) expect(ids).toContain(id);
    for (const o of CATALOG_OVERRIDES) if (o.priceAs) expect(ids).toContain(o.priceAs.providerId);
    for (const p of kept)
      for (const f of p.fallback_model_providers ?? []) expect(ids).toContain(f);
    // And far less than the package's 40-odd.
    expect(ids.length).toBeLessThan(10);
  });

  it('finds the same provider entries as the package', () => {
    for (const { id } of kept) {
      expect(cut.findProvider({ providerId: id })).toEqual(genai.findProvider({ providerId: id }));
    }
    expect(genai.findProvider({ providerId: 'mistral' })).toBeDefined();
    expect(cut.findProvider({ providerId: 'mistral' })).toBeUndefined();
  });

  it('prices every model of every kept provider as the package does, at two dates', () => {
    const usage = { input_tokens: 300_000, output_tokens: 2_000, cache_read_tokens: 10_000 };
    let priced = 0;
    for (const provider of kept) {
      for (const model of provider.models) {
        for (const timestamp of [
          new Date('2026-06-01T03:00:00Z'),
          new Date('2026-12-01T15:00:00Z'),
        ]) {
          const options = { providerId: provider.id, timestamp };
          const tryPrice = (g: Genai) => {
            try {
              return g.calcPrice(usage, model.id, options);
            } catch (error) {
              return String(error);
            }
          };
          const expected = tryPrice(genai);
          expect(tryPrice(cut)).toEqual(expected);
          if (expected && typeof expected === 'object') priced += 1;
        }
      }
    }
    expect(priced).toBeGreaterThan(200);
  });

  it('prices through a provider’s fallbacks, and a dated id, as the package does', () => {
    const usage = { input_tokens: 10_000, output_tokens: 500 };
    const timestamp = new Date('2026-12-01');
    let checked = 0; // prices found through a fallback
    for (const provider of kept) {
      for (const fallback of provider.fallback_model_providers ?? []) {
        const models = kept.find((p) => p.id === fallback)!.models;
        for (const model of models) {
          for (const id of [model.id, `${model.id}-20251001`]) {
            const options = { providerId: provider.id, timestamp };
            const expected = genai.calcPrice(usage, id, options);
            expect(cut.calcPrice(usage, id, options)).toEqual(expected);
            if (expected) checked += 1;
          }
        }
      }
    }
    // Google's entries fall back to Anthropic's in 0.1.8 (Claude on Vertex).
    expect(checked).toBeGreaterThan(10);
  });

  it('prices the catalog overrides that borrow another provider’s entry', () => {
    for (const o of CATALOG_OVERRIDES) {
      if (!o.priceAs) continue;
      const options = { providerId: o.priceAs.providerId, timestamp: new Date('2026-12-01') };
      const usage = { input_tokens: 1_000, output_tokens: 100 };
      expect(cut.calcPrice(usage, o.priceAs.model, options)).toEqual(
        genai.calcPrice(usage, o.priceAs.model, options),
      );
    }
  });

  it('fails the build on a provider the package no longer has, or a source it cannot change', async () => {
    expect(() => keep(['anthropic', 'no-such-provider'], genai.findProvider)).toThrow(
      /no provider "no-such-provider"/,
    );
    expect(() => slim('export const x = 1;', kept)).toThrow(/is not in the package's source once/);
    const source = packageSource();
    const ancestors = await ancestorsOf(source);
    for (const gone of [
      't.localeCompare(a)',
      'const X = new Y(J);',
      '$(o, i)).map((o) => o.usageKey)',
    ]) {
      expect(source.split(gone)).toHaveLength(2);
      expect(() =>
        forKirikae(source.replace(gone, 'changed()'), { providers: kept, ancestors }),
      ).toThrow(/is not in the package's source once/);
    }
  });
});
