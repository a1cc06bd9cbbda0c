// Ink builds every frame in a new Output, whose caches (each line's styled characters, string
// widths) start empty: the header, input box and status bar lines, unchanged between frames,
// are tokenized again on every frame, and that tokenizing is most of a frame's CPU while an
// answer streams (bench/ui.bench.mjs, section b). This keeps one set of caches across frames,
// dropped whole once it holds CACHE_LIMIT entries: streamed and printed lines are new every
// frame, and each cached line holds an object per character (at 5,000 entries the heap after
// 500 turns grew 12.7 MB instead of 4.7). A frame draws a few dozen lines, so a small set keeps
// the unchanged ones. Safe to share: Output only reads the cached arrays and strings.
// Used by scripts/build.mjs (the shipped bundle) and by the UI bench, so both measure the same.
const CACHE_LIMIT = 256;

const NEEDLE = 'caches = new OutputCaches();';

/** Ink's build/output.js with its caches kept across frames. Throws if Ink changed shape. */
export function cacheInkOutput(source, file = 'ink/build/output.js') {
  if (!source.includes(NEEDLE)) throw new Error(`ink-output-cache: no \`${NEEDLE}\` in ${file}`);
  return (
    source.replace(NEEDLE, 'caches = kirikaeSharedCaches();') +
    `
let kirikaeCaches;
function kirikaeSharedCaches() {
  const c = kirikaeCaches;
  if (!c || c.styledChars.size + c.widths.size + c.blockWidths.size > ${CACHE_LIMIT}) {
    kirikaeCaches = new OutputCaches();
  }
  return kirikaeCaches;
}
`
  );
}

/** Matches Ink's output module, wherever node_modules is. */
export const INK_OUTPUT_FILE = /[\\/]ink[\\/]build[\\/]output\.js$/;

/** The esbuild plugin for scripts/build.mjs. */
export const inkOutputCache = {
  name: 'ink-output-cache',
  setup(b) {
    b.onLoad({ filter: INK_OUTPUT_FILE }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      return {
        contents: cacheInkOutput(await readFile(args.path, 'utf8'), args.path),
        loader: 'js',
      };
    });
  },
};
