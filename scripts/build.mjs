// Bundles the CLI with code splitting: `kirikae --version` loads only the small entry chunk,
// while Ink, React and the SDKs live in chunks imported on demand (Ink alone is hundreds of
// small ESM files; one chunk loads several times faster).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

// The price data is bundled, so its version is fixed at build time (src/catalog/price-version.ts).
const genaiPrices = JSON.parse(
  readFileSync('node_modules/@pydantic/genai-prices/package.json', 'utf8'),
).version;

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.tsx' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Ink imports react-devtools-core only when DEV=true; it is not installed.
  external: ['react-devtools-core'],
  banner: {
    js: "import { createRequire as __kirikaeCreateRequire } from 'node:module'; const require = __kirikaeCreateRequire(import.meta.url);",
  },
  define: {
    'process.env.NODE_ENV': '"production"',
    __GENAI_PRICES_VERSION__: JSON.stringify(genaiPrices),
  },
  logLevel: 'warning',
});
