import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The bundled build replaces this with the installed package's version (scripts/build.mjs), since
 * the bundle carries the price data and may run where node_modules is absent.
 */
declare const __GENAI_PRICES_VERSION__: string | undefined;

/** Walks up from the package's entry point to its package.json (its `exports` hide that file). */
function installedVersion(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve('@pydantic/genai-prices'));
    for (let i = 0; i < 4; i += 1) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === '@pydantic/genai-prices' && pkg.version) return pkg.version;
      } catch {
        // no package.json at this level: keep walking up
      }
      dir = dirname(dir);
    }
  } catch {
    // not resolvable (a bundle without node_modules): the build-time value is the only source
  }
  return undefined;
}

function resolveVersion(): string {
  const built = typeof __GENAI_PRICES_VERSION__ === 'string' ? __GENAI_PRICES_VERSION__ : undefined;
  return `genai-prices@${built ?? installedVersion() ?? 'unknown'}`;
}

/**
 * Recorded with every ledger entry so old costs can be told apart from re-priced ones. Read from
 * the installed package, so a caret upgrade relabels the lines it prices.
 */
export const PRICE_DATA_VERSION = resolveVersion();
