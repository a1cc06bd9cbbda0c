// The `?` help: generated from the keymap, two aligned columns that never run together, paged
// to the terminal's height, with golden renders at 40, 80, 120 and 200 columns.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KEYMAP, buildKeymap } from '../../src/ui/keymap.js';
import { helpLines, helpPages, wrapWords, type HelpLine } from '../../src/ui/screens/help.js';
import { renderApp, widestLine } from './app-harness.js';
import { createFakeController } from './fake-controller.js';

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

async function drawHelp(columns: number, rows = 36, keymap?: Record<string, string>) {
  const ui = renderApp(createFakeController({ screen: 'help' }), { columns, rows, keymap });
  mounted.push(ui);
  await ui.settle();
  return ui;
}

const PAGE = /page (\d+) of (\d+)/;
const rowsOf = (lines: HelpLine[]) =>
  lines.filter((l): l is Extract<HelpLine, { kind: 'row' }> => l.kind === 'row');

describe('help layout', () => {
  it.each([40, 80, 120, 200])(
    'at %i columns: descriptions aligned, at least two spaces after every key',
    (width) => {
      const rows = rowsOf(helpLines(buildKeymap(), width));
      const column = rows[0]!.key.length;
      for (const row of rows) {
        expect(row.key.length).toBe(column);
        expect(row.key.endsWith('  ')).toBe(true);
        expect(row.key.length + row.text.length).toBeLessThanOrEqual(width);
      }
    },
  );

  it('keeps "enter" and "new line" apart (the keys that used to run into their text)', () => {
    const rows = rowsOf(helpLines(buildKeymap(), 40));
    const submit = rows.find((r) => r.key.trim() === 'enter' && r.text === 'send the prompt');
    expect(submit).toBeDefined();
    const newline = rows.findIndex((r) => r.key.startsWith('alt+enter,'));
    // The long key cell wraps inside its column; the description starts on its first line.
    expect(rows[newline]!.text).toMatch(/^new line/);
    expect(rows[newline + 1]!.key.trim()).toMatch(/^shift\+enter,/);
    for (const r of rows) expect(`${r.key}${r.text}`).not.toMatch(/\S(new line|send the)/);
  });

  it('is generated from the keymap: every binding, and the user’s overrides', () => {
    const text = (km = buildKeymap()) =>
      helpLines(km, 200)
        .map((l) => (l.kind === 'row' ? l.key + l.text : l.text))
        .join('\n');
    for (const binding of Object.values(DEFAULT_KEYMAP))
      expect(text()).toContain(binding.description);
    expect(text(buildKeymap({ submit: 'ctrl+j' }))).toMatch(/ctrl\+j\s+send the prompt/);
    expect(text()).toMatch(/\/help\s+\S/);
  });

  it('wraps words and pages without leaving a heading alone at the foot', () => {
    expect(wrapWords('a bb ccc dddd', 6)).toEqual(['a bb', 'ccc', 'dddd']);
    expect(wrapWords('abcdefghij', 4)).toEqual(['abc…']);
    const lines = helpLines(buildKeymap(), 80);
    const pages = helpPages(lines, 10);
    expect(pages.flat()).toEqual(lines);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(10);
      expect(page[page.length - 1]!.kind).toBe('row');
    }
  });
});

describe('help screen in the app', () => {
  it('fits 36 rows and pages with PgDn, space and PgUp', async () => {
    const ui = await drawHelp(80, 36);
    const first = ui.text();
    expect(first.split('\n').length).toBeLessThanOrEqual(36);
    const [, , total] = PAGE.exec(first)!;
    expect(Number(total)).toBeGreaterThan(1);
    expect(first).toMatch(/pagedown\/space: next page · pageup: previous · escape: back/);
    await ui.press('\x1b[6~');
    expect(PAGE.exec(ui.text())![1]).toBe('2');
    expect(ui.text().split('\n').length).toBeLessThanOrEqual(36);
    await ui.press(' ');
    expect(PAGE.exec(ui.text())![1]).toBe(Number(total) > 2 ? '3' : '2');
    await ui.press('\x1b[5~', '\x1b[5~', '\x1b[5~');
    expect(PAGE.exec(ui.text())![1]).toBe('1');
  });

  it('shows everything on one page when the terminal is tall enough', async () => {
    const ui = await drawHelp(120, 120);
    expect(ui.text()).not.toMatch(PAGE);
    expect(ui.text()).toContain('/help');
    expect(ui.text()).toContain('send the prompt');
  });

  it.each([40, 80, 120, 200])('golden render at %i columns', async (columns) => {
    const ui = await drawHelp(columns, 36);
    const frame = ui.text();
    expect(widestLine(frame)).toBeLessThanOrEqual(columns);
    await expect(frame.replace(/[ \t]+$/gm, '')).toMatchFileSnapshot(`golden/help-${columns}.txt`);
  });
});
