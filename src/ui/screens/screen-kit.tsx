// Small pieces the models, pull and costs screens share: pure layout helpers (which columns fit,
// which rows are visible, how a key legend wraps) and a few tiny components. Layout is decided
// by pure functions so it is tested without a terminal.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { truncate } from '../format.js';
import { useTheme } from '../theme-context.js';

// ─── pure helpers ──────────────────────────────────────────────────────────────────────────

/** Exactly `width` columns: cut with an ellipsis or padded. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - [...cut].length));
  return align === 'right' ? pad + cut : cut + pad;
}

export interface ColumnSpec {
  key: string;
  width: number;
  /** Lower is more important: columns are dropped from the highest number down. */
  priority: number;
}

/**
 * The columns that fit `available` cells next to a flexible first column of at least `minFlex`,
 * one space between columns, in their original order; returns the flexible column's width too.
 */
export function fitColumns<T extends ColumnSpec>(
  columns: readonly T[],
  available: number,
  minFlex: number,
): { columns: T[]; flexWidth: number } {
  const kept = new Set(columns);
  const used = () => [...kept].reduce((sum, c) => sum + c.width + 1, 0);
  const byDropOrder = [...columns].sort((a, b) => b.priority - a.priority);
  for (const column of byDropOrder) {
    if (available - used() >= minFlex) break;
    kept.delete(column);
  }
  return {
    columns: columns.filter((c) => kept.has(c)),
    flexWidth: Math.max(1, available - used()),
  };
}

/** The slice of a list of `count` rows to show so `selected` stays visible in `max` rows. */
export function visibleWindow(
  count: number,
  selected: number,
  max: number,
): { start: number; end: number } {
  if (count <= max) return { start: 0, end: count };
  const start = Math.min(Math.max(0, selected - Math.floor(max / 2)), count - max);
  return { start, end: start + max };
}

/** Keeps an index inside a list that may have shrunk since it was chosen. */
export function clampIndex(index: number, count: number): number {
  return count <= 0 ? 0 : Math.min(Math.max(0, index), count - 1);
}

export type LegendItem = readonly [key: string, label: string];

/** Parts joined with " · " into lines of at most `width` columns; a part never splits. */
export function packParts(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const raw of parts) {
    const part = truncate(raw, width);
    const next = line ? `${line} · ${part}` : part;
    if ([...next].length <= width) line = next;
    else {
      lines.push(line);
      line = part;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function packLegend(items: readonly LegendItem[], width: number): string[] {
  return packParts(
    items.map(([key, label]) => `${key} ${label}`),
    width,
  );
}

/**
 * Cells of a memory bar: `filled` for what is resident, and the cell where the budget ends (a
 * marker), over a scale of physical memory when known, else of the budget.
 */
export function memoryBarCells(
  residentBytes: number,
  budgetBytes: number,
  physicalBytes: number | undefined,
  cells: number,
): { filled: number; budgetAt: number | undefined } {
  const scale = Math.max(physicalBytes ?? 0, budgetBytes, residentBytes, 1);
  const at = (bytes: number) => Math.min(cells, Math.round((bytes / scale) * cells));
  const budgetAt = physicalBytes && budgetBytes < scale ? at(budgetBytes) : undefined;
  return { filled: at(residentBytes), budgetAt: budgetAt === cells ? undefined : budgetAt };
}

/** When a throttled listener may next re-render: at once after `interval`, else the rest of it. */
export function throttleDelay(lastAt: number, now: number, intervalMs: number): number {
  return Math.max(0, lastAt + intervalMs - now);
}

// ─── hooks ─────────────────────────────────────────────────────────────────────────────────

/**
 * Reads `read()` again after `subscribe`'s listener fires, at most once per `intervalMs`: a pull
 * emits a line per network chunk, far more often than a terminal should redraw.
 */
export function useThrottledSnapshot<T>(
  subscribe: (listener: () => void) => () => void,
  read: () => T,
  intervalMs: number,
): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    let lastAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      lastAt = Date.now();
      setValue(read());
    };
    const schedule = (): void => {
      timer ??= setTimeout(flush, throttleDelay(lastAt, Date.now(), intervalMs));
    };
    const unsubscribe = subscribe(schedule);
    // Whatever changed between the first render and subscribing is picked up once.
    schedule();
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, read, intervalMs]);
  return value;
}

// ─── components ────────────────────────────────────────────────────────────────────────────

export function ScreenTitle({
  title,
  detail,
  width,
}: {
  title: string;
  detail?: string;
  width: number;
}) {
  const theme = useTheme();
  const rest = detail ? truncate(` · ${detail}`, Math.max(0, width - [...title].length)) : '';
  return (
    <Text wrap="truncate-end">
      <Text color={theme.colors.accent} bold>
        {truncate(title, width)}
      </Text>
      <Text color={theme.colors.muted}>{rest}</Text>
    </Text>
  );
}

export function KeyLegend({ items, width }: { items: readonly LegendItem[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      {packLegend(items, width).map((line, i) => (
        <Text key={i} color={theme.colors.muted} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

export type MessageLevel = 'info' | 'success' | 'warn' | 'error';

export interface ScreenMessage {
  level: MessageLevel;
  text: string;
}

/** A status or error line; it wraps rather than cuts, since the fix is at the end. */
export function MessageLine({ message, width }: { message: ScreenMessage; width: number }) {
  const theme = useTheme();
  const color =
    message.level === 'error'
      ? theme.colors.error
      : message.level === 'warn'
        ? theme.colors.warn
        : message.level === 'success'
          ? theme.colors.success
          : theme.colors.muted;
  return (
    <Box width={width}>
      <Text color={color} wrap="wrap">
        {message.text}
      </Text>
    </Box>
  );
}

/** A row marker that reads without colour (NO_COLOR): the selection is never colour-only. */
export function marker(selected: boolean): string {
  return selected ? '› ' : '  ';
}
