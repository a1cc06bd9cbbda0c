// Bundles the CLI with code splitting: each command loads only its chunks, and Ink, React and
// the SDKs live in chunks imported on demand (Ink alone is hundreds of small ESM files; one
// chunk loads several times faster). Minified (whitespace and syntax; names are kept for stack
// traces): V8 parses every byte of a chunk it loads, so fewer bytes is a faster first frame.
// KIRIKAE_MINIFY=0 builds readable output for debugging.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  priceSourceForKirikae,
  providersToKeep,
  unitAncestors,
} from './genai-prices-for-kirikae.mjs';
import { routerFoldDigest } from './router-fold-code.mjs';
import { inkOutputCache } from './ink-output-cache.mjs';

// The price data is bundled, so its version is fixed at build time (src/catalog/price-version.ts).
const genaiPrices = JSON.parse(
  readFileSync('node_modules/@pydantic/genai-prices/package.json', 'utf8'),
).version;

// yoga-layout (Ink's layout engine) loads its WebAssembly from a base64 data: URL through
// fetch() when fetch exists, and the first fetch() initialises undici (~60 ms before the first
// frame). Its synchronous decode path does the same work without undici.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const test = '"function"!=typeof fetch';
      if (!source.includes(test))
        throw new Error(`yoga-without-fetch: no \`${test}\` in ${args.path}`);
      return { contents: source.replaceAll(test, '!0'), loader: 'js' };
    });
  },
};

// zod re-exports every locale (`z.locales`, ~40 % of its source) and kirikae uses none but the
// default English one, which zod imports by its own path. Parsing the rest costs start-up time.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// Runs a few of kirikae's own modules at build time (bundled in memory): `contents` imports them
// and assigns what the build needs to module.exports.
async function runSource(contents) {
  const { outputFiles } = await build({
    stdin: { contents, resolveDir: '.', loader: 'ts' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  const module = { exports: {} };
  new Function('module', outputFiles[0].text)(module);
  return module.exports;
}

// The cue prefilter's needs (src/router/cue-needs.ts), worked out once here instead of at every
// start.
async function cueNeeds() {
  return runSource(
    "import { CUES } from './src/router/lexicon.ts';\n" +
      "import { patternNeeds } from './src/router/literal-filter.ts';\n" +
      'module.exports = CUES.map((c) => patternNeeds(c.re));',
  );
}
const cueNeedsTable = JSON.stringify(await cueNeeds());

// genai-prices as the bundles carry it (scripts/genai-prices-for-kirikae.mjs): only the
// providers kirikae prices through, no collator, the unit table's ancestors worked out here.
const genaiPricesFile = join('node_modules', '@pydantic', 'genai-prices', 'dist', 'index.js');
const genaiPricesPatch = {
  providers: providersToKeep(
    await runSource(
      "import { priceDataProviders } from './src/catalog/price-providers.ts';\n" +
        'module.exports = priceDataProviders();',
    ),
    (await import('@pydantic/genai-prices')).findProvider,
  ),
  ancestors: await unitAncestors(readFileSync(genaiPricesFile, 'utf8')),
};
const genaiPricesForKirikae = {
  name: 'genai-prices-for-kirikae',
  setup(b) {
    b.onLoad({ filter: /@pydantic[\\/]genai-prices[\\/]dist[\\/]index\.js$/ }, (args) => ({
      contents: priceSourceForKirikae(readFileSync(args.path, 'utf8'), genaiPricesPatch),
      loader: 'js',
    }));
  },
};

// The router figures' checkpoint is keyed by the code that folds it (scripts/router-fold-code.mjs).
const routerFoldCode = JSON.stringify(routerFoldDigest());

const minify = process.env.KIRIKAE_MINIFY !== '0';
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
    __CUE_NEEDS__: cueNeedsTable,
    __ROUTER_FOLD_CODE__: routerFoldCode,
  },
  plugins: [yogaWithoutFetch, zodEnglishOnly, genaiPricesForKirikae, inkOutputCache],
  minifyWhitespace: minify,
  minifySyntax: minify,
  logLevel: 'warning',
});

// `kirikae route "<prompt>" [--json]` as one CommonJS file, which bin/code-cache.js compiles
// with V8's code cache (Node 20 caches no ES module's compiled code). The SDKs, the tokenizer
// and systeminformation stay in node_modules (they are dependencies): route loads them only on
// demand, if at all, and bundling them would triple the bytes every start reads and hashes.
// No import() is left in the file: code run by vm.Script can import() only through a vm option
// that Node 20 marks experimental (a warning on stderr), so every dynamic import becomes a
// require(); execa, whose only build is an ES module, is bundled for that reason.
await build({
  entryPoints: ['src/cli-route.ts'],
  outfile: 'dist/route.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['gpt-tokenizer', '@anthropic-ai/sdk', 'openai', 'systeminformation'],
  supported: { 'dynamic-import': false },
  define: {
    'process.env.NODE_ENV': '"production"',
    __GENAI_PRICES_VERSION__: JSON.stringify(genaiPrices),
    __CUE_NEEDS__: cueNeedsTable,
    __ROUTER_FOLD_CODE__: routerFoldCode,
    // Only price-version.ts reads it, and only when the define above is missing.
    'import.meta.url': '__kirikaeModuleUrl',
  },
  // "use strict" first: after the banner's statement esbuild's own would be no directive, and
  // the ES module bundle the other commands run is strict.
  banner: {
    js: "'use strict';\nconst __kirikaeModuleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  plugins: [zodEnglishOnly, genaiPricesForKirikae],
  minifyWhitespace: minify,
  minifySyntax: minify,
  logLevel: 'warning',
});

// bin/code-cache.js reads the file as latin1 (a one-byte string, a third of the time UTF-8 takes
// to decode), so it must be ASCII. esbuild escapes non-ASCII in strings but leaves it in regular
// expressions (the Japanese cues); \uXXXX is the same UTF-16 unit in a string, a template's
// value and a regular expression with or without the u flag.
{
  const file = 'dist/route.cjs';
  const original = readFileSync(file, 'utf8');
  // Where \uXXXX would not mean the character: after a backslash (`/\あ/` would become a
  // literal "u3042"), and U+2028/2029, which end a line (and so a comment) where they stand.
  // eslint-disable-next-line no-control-regex -- the ASCII range, control characters included
  const unsafe = /\\[^\x00-\x7f]|[\u2028\u2029]/.exec(original);
  if (unsafe) throw new Error(`route.cjs: cannot escape ${JSON.stringify(unsafe[0])} safely`);
  const text = original.replace(
    // eslint-disable-next-line no-control-regex -- the ASCII range, control characters included
    /[^\x00-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  writeFileSync(file, text);
  // The code cache's key (bin/code-cache.js), so a start need not hash the bundle itself.
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(text).digest('hex')}\n`);
}

// The router's weights are a binary file read at run time (src/router/weights-file.ts), beside
// the bundles rather than inside them: as a string in the bundle, 1 MB of weights cost every
// `kirikae route` start tens of milliseconds of parsing and code-cache reading.
copyFileSync('src/router/weights/router.bin', 'dist/router.bin');

// bin/kirikae.js prints this for `kirikae --help` without loading the bundle. Commander wraps
// help at 80 columns when its output is not a terminal, as here.
writeFileSync('dist/help.txt', execFileSync(process.execPath, ['dist/cli.js', '--help']));
