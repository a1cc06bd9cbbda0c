// scripts/ink-output-cache.mjs patches the installed Ink at build time (and in the UI bench):
// the patched Output and text measuring must draw exactly what Ink as published draws.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without types
import { cacheInkOutput, cacheInkTextWidths } from '../../scripts/ink-output-cache.mjs';

const require = createRequire(import.meta.url);
const inkBuild = dirname(require.resolve('ink'));
const patchOutput = cacheInkOutput as (source: string) => string;
const patchWidths = cacheInkTextWidths as (source: string) => string;

interface Op {
  kind: 'write' | 'clip' | 'unclip';
  x?: number;
  y?: number;
  text?: string;
  clip?: { x1?: number; x2?: number; y1?: number; y2?: number };
  upper?: boolean;
}
interface OutputLike {
  write(x: number, y: number, text: string, o: { transformers: unknown[] }): void;
  clip(c: unknown): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = new (o: { width: number; height: number }) => OutputLike;

let dir: string;
let Original: OutputClass;
let Patched: OutputClass;

beforeAll(async () => {
  // Both copies next to a node_modules link, so their bare imports resolve as Ink's do.
  dir = mkdtempSync(join(tmpdir(), 'kirikae-ink-patch-'));
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  // Without the source map comment: the copies have no map beside them.
  const source = readFileSync(join(inkBuild, 'output.js'), 'utf8').replace(
    /\/\/# sourceMappingURL=.*$/m,
    '',
  );
  writeFileSync(join(dir, 'original.mjs'), source);
  writeFileSync(join(dir, 'patched.mjs'), patchOutput(source));
  Original = (
    (await import(pathToFileURL(join(dir, 'original.mjs')).href)) as {
      default: OutputClass;
    }
  ).default;
  Patched = (
    (await import(pathToFileURL(join(dir, 'patched.mjs')).href)) as {
      default: OutputClass;
    }
  ).default;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\u001b';
const PIECES = [
  'plain text',
  `${ESC}[1mbold${ESC}[22m and not`,
  `${ESC}[36mcyan${ESC}[39m`,
  `${ESC}[41m red background ${ESC}[49m`,
  '日本語の行',
  'emoji 👍🏽 here',
  '   ',
  '╭──────╮',
  '',
  'tab\there',
];

/** A deterministic pseudo-random frame: writes, clips and transformers as Ink emits them. */
function frame(seed: number, width: number, height: number): Op[] {
  let s = seed;
  const next = (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s % n;
  };
  const ops: Op[] = [];
  let clips = 0;
  for (let i = 0; i < 12; i++) {
    const roll = next(10);
    if (roll === 0) {
      ops.push({
        kind: 'clip',
        clip: next(2)
          ? { x1: next(width), x2: next(width) + 5, y1: next(height), y2: next(height) + 2 }
          : { x1: next(width), x2: next(width) + 10 },
      });
      clips++;
    } else if (roll === 1 && clips > 0) {
      ops.push({ kind: 'unclip' });
      clips--;
    } else {
      const lines = 1 + next(3);
      const text = Array.from({ length: lines }, () => PIECES[next(PIECES.length)]!).join('\n');
      ops.push({
        kind: 'write',
        x: next(width + 4) - 2,
        y: next(height + 3) - 1,
        text,
        upper: next(4) === 0,
      });
    }
  }
  return ops;
}

function draw(Output: OutputClass, ops: Op[], width: number, height: number): string {
  const output = new Output({ width, height });
  for (const op of ops) {
    if (op.kind === 'clip') output.clip(op.clip);
    else if (op.kind === 'unclip') output.unclip();
    else {
      const transformers = op.upper ? [(line: string) => line.toUpperCase()] : [];
      output.write(op.x!, op.y!, op.text!, { transformers });
    }
  }
  const { output: text, height: rows } = output.get();
  return `${rows}\n${text}`;
}

describe("Ink's Output, patched", () => {
  it('draws every frame exactly as Ink as published, drawn once and drawn again from its row cache', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const width = 20 + (seed % 3) * 30;
      const height = 4 + (seed % 5);
      const ops = frame(seed, width, height);
      const expected = draw(Original, ops, width, height);
      expect(draw(Patched, ops, width, height), `seed ${seed}`).toBe(expected);
      expect(draw(Patched, ops, width, height), `seed ${seed}, again`).toBe(expected);
    }
  });

  it('keeps the trailing styled blanks and drops the unstyled ones, as trimEnd did', () => {
    const ops: Op[] = [
      { kind: 'write', x: 0, y: 0, text: `ab${ESC}[41m   ${ESC}[49m   ` },
      { kind: 'write', x: 10, y: 1, text: '   ' },
    ];
    const drawn = draw(Patched, ops, 30, 2);
    expect(drawn).toBe(draw(Original, ops, 30, 2));
    expect(drawn.split('\n')[1]).toContain(`${ESC}[41m   `);
    expect(drawn.split('\n')[2]).toBe('');
  });

  it('fails the build when Ink no longer has a line it patches', () => {
    expect(() => patchOutput('export default class Output {}')).toThrow(/ink-output-cache/);
    expect(() => patchWidths('const x = 1;')).toThrow(/ink-output-cache/);
  });
});

describe("Ink's text measuring, patched", () => {
  it('measures each text once and answers the same width again from the map', async () => {
    const source = readFileSync(join(inkBuild, 'render-node-to-output.js'), 'utf8');
    const patched = patchWidths(source);
    expect(patched).not.toContain('const currentWidth = widestLine(text);');
    // The function the patch appends, evaluated on its own with widest-line itself.
    const appended = patched.slice(patched.indexOf('\nlet kirikaeWidths'));
    const widestLine = ((await import('widest-line')) as { default: (s: string) => number })
      .default;
    let calls = 0;
    const counted = (text: string) => {
      calls++;
      return widestLine(text);
    };
    const measure = new Function('widestLine', `${appended}\nreturn kirikaeWidestLine;`)(
      counted,
    ) as (text: string) => number;
    for (const text of ['short', '日本語\nwider line here', `${ESC}[1mbold${ESC}[22m`]) {
      expect(measure(text)).toBe(widestLine(text));
      expect(measure(text)).toBe(widestLine(text));
    }
    expect(calls).toBe(3);
  });
});
