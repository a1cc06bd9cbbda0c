import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeys } from '../hooks/use-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { isAction, type KeyContext, type Keymap } from '../keymap.js';
import { COMMANDS } from '../slash-commands/index.js';
import { useTheme } from '../theme-context.js';

/** One printed line of the help: a section heading, or a key cell beside a description cell. */
export type HelpLine =
  { kind: 'heading'; text: string } | { kind: 'row'; key: string; text: string };

const SECTIONS: { context: KeyContext; title: string }[] = [
  { context: 'chat', title: 'Chat' },
  { context: 'route', title: 'Route card' },
  { context: 'approval', title: 'Approvals' },
  { context: 'screen', title: 'Screens' },
  { context: 'global', title: 'Everywhere' },
];
/** Between the key column and the description column, so the two never run together. */
const GAP = 2;
/** The title line. */
const TITLE_ROWS = 1;
/** What the app draws below a screen (the status bar) and a spare line for the prompt. */
const APP_ROWS = 4;

/** Words of `text` in lines of at most `width` columns; a word longer than that is cut. */
export function wrapWords(text: string, width: number, separator = ' '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(separator)) {
    const piece = line ? `${line}${separator}${word}` : word;
    if (piece.length <= width) line = piece;
    else {
      if (line) lines.push(line);
      line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Width of the key column: the widest key cell, capped at about a third of the screen. */
export function keyColumnWidth(cells: readonly string[], width: number): number {
  const widest = Math.max(...cells.map((c) => c.length));
  return Math.max(6, Math.min(widest, Math.floor(width / 3)));
}

/**
 * The help as lines for a screen `width` columns wide, generated from the keymap (every binding,
 * grouped by where it applies) and the slash commands. A key cell or a description too long for
 * its column wraps inside it, so descriptions stay aligned.
 */
export function helpLines(keymap: Keymap, width: number): HelpLine[] {
  const entries: { section: string; key: string; text: string }[] = [];
  for (const { context, title } of SECTIONS) {
    for (const binding of Object.values(keymap)) {
      if (binding.context !== context || !binding.keys.length) continue;
      entries.push({ section: title, key: binding.keys.join(', '), text: binding.description });
    }
  }
  for (const c of COMMANDS) {
    entries.push({ section: 'Commands', key: `/${c.name}`, text: c.description });
  }
  const keyWidth = keyColumnWidth(
    entries.map((e) => e.key),
    width,
  );
  const textWidth = Math.max(8, width - keyWidth - GAP);
  const lines: HelpLine[] = [];
  let section = '';
  for (const entry of entries) {
    if (entry.section !== section) {
      section = entry.section;
      lines.push({ kind: 'heading', text: section });
    }
    const keys = wrapWords(entry.key, keyWidth, ', ').map((k, i, all) =>
      i < all.length - 1 ? `${k},` : k,
    );
    const text = wrapWords(entry.text, textWidth);
    for (let i = 0; i < Math.max(keys.length, text.length); i++) {
      lines.push({ kind: 'row', key: (keys[i] ?? '').padEnd(keyWidth + GAP), text: text[i] ?? '' });
    }
  }
  return lines;
}

/** Splits the lines into pages of `rows`, never leaving a heading alone at a page's foot. */
export function helpPages(lines: readonly HelpLine[], rows: number): HelpLine[][] {
  const size = Math.max(3, rows);
  const pages: HelpLine[][] = [];
  let page: HelpLine[] = [];
  for (const line of lines) {
    if (page.length === size) {
      const last = page[page.length - 1]!;
      const carried = last.kind === 'heading' ? [page.pop()!] : [];
      pages.push(page);
      page = carried;
    }
    page.push(line);
  }
  if (page.length) pages.push(page);
  return pages;
}

/** The paging and leaving keys, named as the keymap (with the user's overrides) has them. */
function footer(keymap: Keymap, paged: boolean, width: number): string[] {
  const keys = (action: 'pageNext' | 'pagePrev' | 'back') => keymap[action].keys.join('/');
  const parts = [`${keys('back')}: back to the chat`];
  if (paged) parts.unshift(`${keys('pageNext')}: next page`, `${keys('pagePrev')}: previous`);
  return wrapWords(parts.join(' · '), width, ' · ').map((l, i, all) =>
    i < all.length - 1 ? `${l} ·` : l,
  );
}

export function HelpScreen({
  keymap,
  width,
  height,
}: {
  keymap: Keymap;
  width: number;
  /** Rows the screen may use; by default the terminal's, less what the app draws below it. */
  height?: number;
}) {
  const theme = useTheme();
  const { rows } = useTerminalSize();
  const lines = helpLines(keymap, width);
  const room = (height ?? rows - APP_ROWS) - TITLE_ROWS;
  // The footer names the paging keys only when there are pages; it wraps rather than cut them.
  const single = footer(keymap, false, width);
  const paged = footer(keymap, true, width);
  const oneScreen = lines.length <= room - single.length;
  const pages = oneScreen ? [lines] : helpPages(lines, room - paged.length);
  const [wanted, setPage] = useState(0);
  const page = Math.min(wanted, pages.length - 1);
  useKeys((key) => {
    if (isAction(keymap, 'pageNext', key)) setPage(Math.min(page + 1, pages.length - 1));
    else if (isAction(keymap, 'pagePrev', key)) setPage(Math.max(page - 1, 0));
  });
  const paging = pages.length > 1 ? ` · page ${page + 1} of ${pages.length}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text color={theme.colors.accent} bold wrap="truncate-end">
        Keys and commands{paging}
      </Text>
      {pages[page]!.map((line, i) =>
        line.kind === 'heading' ? (
          <Text key={i} color={theme.colors.accent} bold wrap="truncate-end">
            {line.text}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end">
            <Text color={theme.colors.text}>{line.key}</Text>
            <Text color={theme.colors.muted}>{line.text}</Text>
          </Text>
        ),
      )}
      {(oneScreen ? single : paged).map((line, i) => (
        <Text key={`footer${i}`} color={theme.colors.muted} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
