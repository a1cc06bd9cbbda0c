// The bundles carry only the genai-prices providers kirikae prices through
// (scripts/genai-prices-slim.mjs). That is only sound while every lookup kirikae makes answers
// the same from the cut data as from the package's own: checked here on the installed package.
import * as genai from '@pydantic/genai-prices';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_OVERRIDES } from '../../src/catalog/overrides.js';
import { PRICE_PROVIDER, priceDataProviders } from '../../src/catalog/price-providers.js';
// @ts-expect-error -- a build script in plain JavaScript
import { providersToKeep, slimPriceSource } from '../../scripts/genai-prices-slim.mjs';

type Genai = typeof genai;
const keep = providersToKeep as (ids: string[], find: Genai['findProvider']) => genai.Provider[];
const slim = slimPriceSource as (source: string, providers: genai.Provider[]) => string;

const packageSource = (): string => {
  const file = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
  return readFileSync(file.replace(/index\.cjs$/, 'index.js'), 'utf8');
};

describe('genai-prices cut to the providers kirikae prices through', () => {
  let dir: string;
  let cut: Genai;
  let kept: genai.Provider[];

  beforeAll(async () => {
    kept = keep(priceDataProviders(), genai.findProvider);
    dir = mkdtempSync(join(tmpdir(), 'kirikae-genai-slim-'));
    const file = join(dir, 'index.mjs');
    writeFileSync(file, slim(packageSource(), kept));
    cut = (await import(pathToFileURL(file).href)) as Genai;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('fails the build on a provider the package no longer has, or a source it cannot cut', () => {
    expect(() => keep(['anthropic', 'no-such-provider'], genai.findProvider)).toThrow(
      /no provider "no-such-provider"/,
    );
    expect(() => slim('export const x = 1;', kept)).toThrow(/is not in the package's source once/);
  });
});
