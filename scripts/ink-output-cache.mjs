// Ink builds every frame in a new Output, whose caches (each line's styled characters, string
// widths) start empty: the header, input box and status bar lines, unchanged between frames,
// are tokenized again on every frame, and that tokenizing is most of a frame's CPU while an
// answer streams (bench/ui.bench.mjs, section b). This keeps one set of caches across frames,
// dropped whole once it holds CACHE_LIMIT entries: streamed and printed lines are new every
// frame, and each cached line holds an object per character (at 5,000 entries the heap after
// 500 turns grew 12.7 MB instead of 4.7). A frame draws a few dozen lines, so a small set keeps
// the unchanged ones. Safe to share: Output only reads the cached arrays and strings.
//
// Two more costs of a frame, found profiling a route-card key press (bench/ui.bench.mjs,
// section d: about two thirds of a press went to Ink turning the laid-out tree into text):
// - render-node-to-output measures every text node with widestLine (string-width per line, a
//   grapheme segmenter) on every frame; the same texts come back frame after frame, so their
//   widths are kept in a bounded map of their own, dropped whole like the caches above;
// - Output.get turns every cell of every row (the terminal's full width) into a string and
//   trims the trailing blanks afterwards; unstyled trailing blanks are dropped before instead,
//   which gives the same string (they only ever add spaces that trimEnd removed).
// Used by scripts/build.mjs (the shipped bundle) and by the UI bench, so both measure the same.
const CACHE_LIMIT = 256;
const WIDTH_LIMIT = 1024;
const ROW_LIMIT = 512;

/** [needle, replacement] pairs for one of Ink's files; each needle must occur exactly once. */
const OUTPUT_PATCHES = [
  ['caches = new OutputCaches();', 'caches = kirikaeSharedCaches();'],
  // Rows hold what was written to them (x, line), and a signature of it, instead of cells.
  [
    `const output = [];
        for (let y = 0; y < this.height; y++) {
            const row = [];
            for (let x = 0; x < this.width; x++) {
                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }
            output.push(row);
        }`,
    `const output = [];
        const kirikaeSigs = [];
        for (let y = 0; y < this.height; y++) {
            output.push([]);
            kirikaeSigs.push('');
        }`,
  ],
  [
    `const characters = this.caches.getStyledChars(line);
                    let offsetX = x;
                    for (const character of characters) {
                        currentLine[offsetX] = character;
                        // Determine printed width using string-width to align with measurement
                        const characterWidth = Math.max(1, this.caches.getStringWidth(character.value));
                        // For multi-column characters, clear following cells to avoid stray spaces/artifacts
                        if (characterWidth > 1) {
                            for (let index = 1; index < characterWidth; index++) {
                                currentLine[offsetX + index] = {
                                    type: 'char',
                                    value: '',
                                    fullWidth: false,
                                    styles: character.styles,
                                };
                            }
                        }
                        offsetX += characterWidth;
                    }`,
    `currentLine.push(x, line);
                    kirikaeSigs[y + offsetY] += x + '\\u0001' + line + '\\u0002';`,
  ],
  [
    `const generatedOutput = output
            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })
            .join('\\n');`,
    `const generatedOutput = output
            .map((writes, y) => kirikaeRow(this.caches, this.width, writes, kirikaeSigs[y]))
            .join('\\n');`,
  ],
];

const OUTPUT_APPENDIX = `
let kirikaeCaches;
function kirikaeSharedCaches() {
  const c = kirikaeCaches;
  if (!c || c.styledChars.size + c.widths.size + c.blockWidths.size > ${CACHE_LIMIT}) {
    kirikaeCaches = new OutputCaches();
  }
  return kirikaeCaches;
}
// Only ever read, so one blank cell serves every row.
const kirikaeBlank = { type: 'char', value: ' ', fullWidth: false, styles: [] };
let kirikaeRows = new Map();
// One row's text: the writes (x, line, x, line, ...) laid into cells as Ink's own get() lays
// them, then styled. A row is a function of the width and its writes in order, so the text of
// a row already drawn with the same writes is reused.
function kirikaeRow(caches, width, writes, sig) {
  if (writes.length === 0) return '';
  const key = width + '\\u0003' + sig;
  let text = kirikaeRows.get(key);
  if (text !== undefined) return text;
  const currentLine = new Array(width).fill(kirikaeBlank);
  for (let w = 0; w < writes.length; w += 2) {
    let offsetX = writes[w];
    for (const character of caches.getStyledChars(writes[w + 1])) {
      currentLine[offsetX] = character;
      const characterWidth = Math.max(1, caches.getStringWidth(character.value));
      if (characterWidth > 1) {
        for (let index = 1; index < characterWidth; index++) {
          currentLine[offsetX + index] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
        }
      }
      offsetX += characterWidth;
    }
  }
  text = styledCharsToString(kirikaeWithoutTrailingBlanks(currentLine)).trimEnd();
  if (kirikaeRows.size >= ${ROW_LIMIT}) kirikaeRows = new Map();
  kirikaeRows.set(key, text);
  return text;
}
// The row's cells without holes and without unstyled trailing blanks: those only added spaces
// that trimEnd removed again.
function kirikaeWithoutTrailingBlanks(line) {
  let end = line.length;
  while (end > 0) {
    const c = line[end - 1];
    if (c !== undefined && (c.value !== ' ' || c.styles.length !== 0)) break;
    end--;
  }
  const kept = [];
  for (let i = 0; i < end; i++) if (line[i] !== undefined) kept.push(line[i]);
  return kept;
}
`;

const RENDER_PATCHES = [
  ['const currentWidth = widestLine(text);', 'const currentWidth = kirikaeWidestLine(text);'],
];

const RENDER_APPENDIX = `
let kirikaeWidths = new Map();
function kirikaeWidestLine(text) {
  let width = kirikaeWidths.get(text);
  if (width === undefined) {
    if (kirikaeWidths.size >= ${WIDTH_LIMIT}) kirikaeWidths = new Map();
    width = widestLine(text);
    kirikaeWidths.set(text, width);
  }
  return width;
}
`;

function patch(source, file, patches, appendix) {
  let out = source;
  for (const [needle, replacement] of patches) {
    const at = out.indexOf(needle);
    if (at < 0 || out.indexOf(needle, at + 1) >= 0)
      throw new Error(`ink-output-cache: not exactly one \`${needle}\` in ${file}`);
    out = out.replace(needle, replacement);
  }
  return out + appendix;
}

/** Ink's build/output.js with its caches kept across frames. Throws if Ink changed shape. */
export function cacheInkOutput(source, file = 'ink/build/output.js') {
  return patch(source, file, OUTPUT_PATCHES, OUTPUT_APPENDIX);
}

/** Ink's build/render-node-to-output.js with text widths kept across frames. */
export function cacheInkTextWidths(source, file = 'ink/build/render-node-to-output.js') {
  return patch(source, file, RENDER_PATCHES, RENDER_APPENDIX);
}

/** Matches Ink's output module, wherever node_modules is. */
export const INK_OUTPUT_FILE = /[\\/]ink[\\/]build[\\/]output\.js$/;
export const INK_RENDER_FILE = /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/;

/** The patched source of one of Ink's files, or undefined for any other file. */
export function patchInkFile(path, source) {
  if (INK_OUTPUT_FILE.test(path)) return cacheInkOutput(source, path);
  if (INK_RENDER_FILE.test(path)) return cacheInkTextWidths(source, path);
  return undefined;
}

/** The esbuild plugin for scripts/build.mjs. */
export const inkOutputCache = {
  name: 'ink-output-cache',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]ink[\\/]build[\\/](output|render-node-to-output)\.js$/ },
      async (args) => {
        const { readFile } = await import('node:fs/promises');
        return {
          contents: patchInkFile(args.path, await readFile(args.path, 'utf8')),
          loader: 'js',
        };
      },
    );
  },
};
