// The models screen's parts: one host's memory bar against its budget, the table of its models
// and the details of the selected one.
import { Box, Text } from 'ink';
import type { ModelEntry, ModelsView } from '../../session/ports/screen-ports.js';
import { bytes } from '../../present/units.js';
import { truncate } from '../format.js';
import { tierColor } from '../theme.js';
import { useTheme } from '../theme-context.js';
import {
  detailParts,
  modelCell,
  modelColumns,
  type ModelColumn,
  type ModelColumnKey,
} from './models-layout.js';
import { cell, marker, memoryBarCells, packParts, visibleWindow } from './screen-kit.js';

export function MemoryBar({ view, width }: { view: ModelsView; width: number }) {
  const theme = useTheme();
  const { residentBytes, budgetBytes } = view.budget;
  const label = 'memory ';
  const cells = Math.max(4, width - label.length);
  const { filled, budgetAt } = memoryBarCells(
    residentBytes,
    budgetBytes,
    view.physicalBytes,
    cells,
  );
  const over = residentBytes > budgetBytes;
  const rest = cells - filled;
  const markerAt = budgetAt !== undefined && budgetAt >= filled ? budgetAt - filled : undefined;
  const summary = [
    // One decimal: a 21.5 GiB budget rounded to "22 GiB" reads as room that is not there.
    `resident ${bytes(residentBytes)}`,
    `budget ${bytes(budgetBytes)}`,
    ...(view.physicalBytes ? [`RAM ${bytes(view.physicalBytes)}`] : []),
  ];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.colors.muted}>{label}</Text>
        <Text color={over ? theme.colors.warn : theme.colors.local}>{'█'.repeat(filled)}</Text>
        {markerAt === undefined ? (
          <Text color={theme.colors.muted}>{'░'.repeat(rest)}</Text>
        ) : (
          <>
            <Text color={theme.colors.muted}>{'░'.repeat(markerAt)}</Text>
            <Text color={theme.colors.accent}>│</Text>
            <Text color={theme.colors.muted}>{'░'.repeat(Math.max(0, rest - markerAt - 1))}</Text>
          </>
        )}
      </Text>
      {packParts(summary, width).map((line, i) => (
        <Text key={i} color={over ? theme.colors.warn : theme.colors.text} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

function ModelRowView({
  model,
  selected,
  columns,
  nameWidth,
}: {
  model: ModelEntry;
  selected: boolean;
  columns: readonly ModelColumn[];
  nameWidth: number;
}) {
  const theme = useTheme();
  const colorOf = (key: ModelColumnKey, text: string): string | undefined => {
    if (key === 'resident') return theme.colors.local;
    if (key === 'tier') return tierColor(theme, model.tier);
    if (key.startsWith('ctx') && text.endsWith('!')) return theme.colors.warn;
    return theme.colors.muted;
  };
  return (
    <Text wrap="truncate-end">
      <Text color={theme.colors.accent}>{marker(selected)}</Text>
      <Text color={model.resident ? theme.colors.local : theme.colors.text} bold={selected}>
        {cell(model.name, nameWidth)}
      </Text>
      {columns.map((c) => {
        const text = modelCell(model, c.key);
        return (
          <Text key={c.key} color={colorOf(c.key, text)}>
            {' '}
            {cell(text, c.width, c.align)}
          </Text>
        );
      })}
    </Text>
  );
}

export function ModelTable({
  models,
  selected,
  width,
  maxRows,
}: {
  models: readonly ModelEntry[];
  /** Index of the selected row; -1 when the selection is on another host. */
  selected: number;
  width: number;
  maxRows: number;
}) {
  const theme = useTheme();
  const { columns, nameWidth } = modelColumns(
    width,
    Math.max(...models.map((m) => [...m.name].length)),
  );
  const { start, end } = visibleWindow(models.length, Math.max(0, selected), maxRows);
  const header =
    '  ' +
    cell('MODEL', nameWidth) +
    columns.map((c) => ' ' + cell(c.header, c.width, c.align)).join('');
  const showsCtx = columns.some((c) => c.key.startsWith('ctx'));
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {header}
      </Text>
      {start > 0 ? <Text color={theme.colors.muted}>{`  ↑ ${start} more`}</Text> : null}
      {models.slice(start, end).map((m, i) => (
        <ModelRowView
          key={m.name}
          model={m}
          selected={start + i === selected}
          columns={columns}
          nameWidth={nameWidth}
        />
      ))}
      {end < models.length ? (
        <Text color={theme.colors.muted}>{`  ↓ ${models.length - end} more`}</Text>
      ) : null}
      {showsCtx ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {truncate('GiB at each context (weights + KV cache); ! over budget', width)}
        </Text>
      ) : null}
    </Box>
  );
}

export function ModelDetails({ model, width }: { model: ModelEntry; width: number }) {
  const theme = useTheme();
  // Lines break between facts, never inside one; a single long sentence wraps by words.
  const lines = detailParts(model).flatMap((parts) =>
    parts.length > 1 ? packParts(parts, width) : parts,
  );
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} color={i === 0 ? theme.colors.text : theme.colors.muted} wrap="wrap">
          {line}
        </Text>
      ))}
    </Box>
  );
}
