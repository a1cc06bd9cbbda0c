// scripts/ink-output-cache.mjs: the build keeps Ink's per-frame output caches across frames.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without types
import { cacheInkOutput } from '../../scripts/ink-output-cache.mjs';

const require = createRequire(import.meta.url);
const inkOutput = join(dirname(require.resolve('ink')), 'output.js');

describe('cacheInkOutput', () => {
  it("patches the installed Ink's Output to take its caches from one bounded shared set", () => {
    const source = readFileSync(inkOutput, 'utf8');
    const patched = (cacheInkOutput as (s: string) => string)(source);
    expect(patched).not.toContain('caches = new OutputCaches();');
    expect(patched).toContain('caches = kirikaeSharedCaches();');
    // Dropped whole past the limit: streamed lines are new every frame.
    expect(patched).toMatch(/size > 256\) \{\s*kirikaeCaches = new OutputCaches\(\);/);
  });

  it('fails the build when Ink no longer has the line it patches', () => {
    expect(() =>
      (cacheInkOutput as (s: string) => string)('export default class Output {}'),
    ).toThrow(/ink-output-cache/);
  });
});
