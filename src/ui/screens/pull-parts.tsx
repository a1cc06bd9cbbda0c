// The pull screen's input side: the model-name field, the host a pull goes to, and the curated
// coding models with their size and fit.
import { Box, Text } from 'ink';
import type { CuratedEntry } from '../../session/ports/screen-ports.js';
import { bytes } from '../../present/units.js';
import { truncate } from '../format.js';
import { useTheme } from '../theme-context.js';
import { curatedLayout, fitLabel } from './pull-layout.js';
import { cell, marker, type LegendItem } from './screen-kit.js';

export const HOST_KEY: LegendItem = ['←→', 'host'];

/** The hosts a pull may go to, the chosen one marked: "to ‹127.0.0.1:11434› mini.lan:11434". */
export function HostChooser({
  hosts,
  chosen,
  width,
}: {
  hosts: readonly string[];
  chosen: string;
  width: number;
}) {
  const theme = useTheme();
  const all = 4 + hosts.reduce((n, h) => n + [...h].length + 3, 0);
  if (all > width) {
    // Too narrow for every host: the chosen one, and where it is in the list.
    const at = hosts.indexOf(chosen) + 1;
    return (
      <Text wrap="truncate-end">
        <Text color={theme.colors.muted}>{'  to '}</Text>
        <Text color={theme.colors.local} bold>
          {truncate(chosen, Math.max(8, width - 13))}
        </Text>
        <Text color={theme.colors.muted}>{` ${at}/${hosts.length}`}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <Text color={theme.colors.muted}>{'  to'}</Text>
      {hosts.map((h) => (
        <Text
          key={h}
          color={h === chosen ? theme.colors.local : theme.colors.muted}
          bold={h === chosen}
        >
          {h === chosen ? ` ‹${h}›` : `  ${h} `}
        </Text>
      ))}
    </Text>
  );
}

export function NameField({
  value,
  focused,
  width,
}: {
  value: string;
  focused: boolean;
  width: number;
}) {
  const theme = useTheme();
  const label = 'pull ';
  const room = Math.max(1, width - label.length - 3);
  // Long names scroll left so the end being typed stays visible.
  const chars = [...value];
  const shown = chars.length > room ? `…${chars.slice(-(room - 1)).join('')}` : value;
  return (
    <Text wrap="truncate-end">
      <Text color={focused ? theme.colors.accent : theme.colors.muted}>{marker(focused)}</Text>
      <Text color={theme.colors.muted}>{label}</Text>
      <Text color={theme.colors.text}>{shown}</Text>
      {focused ? <Text inverse> </Text> : null}
      {!value && !focused ? <Text color={theme.colors.muted}>model name (Tab)</Text> : null}
    </Text>
  );
}

export function CuratedList({
  entries,
  selected,
  focused,
  width,
}: {
  entries: readonly CuratedEntry[];
  selected: number;
  focused: boolean;
  width: number;
}) {
  const theme = useTheme();
  const layout = curatedLayout(width, Math.max(0, ...entries.map((e) => [...e.name].length)));
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {truncate(
          width >= 52
            ? 'Suggested for coding (memory at 32K context, and whether it fits)'
            : 'Suggested · fit at 32K',
          width,
        )}
      </Text>
      {entries.map((e, i) => {
        const fit = fitLabel(e);
        return (
          <Text key={e.name} wrap="truncate-end">
            <Text color={theme.colors.accent}>{marker(focused && i === selected)}</Text>
            <Text color={theme.colors.text} bold={focused && i === selected}>
              {cell(e.name, layout.name)}
            </Text>
            <Text color={theme.colors.muted}>
              {' '}
              {/* The memory the fit is judged on (weights and KV cache at numCtx), as the models
                  screen shows it: the download size beside "too big" read as a contradiction. */}
              {cell(`~${bytes(e.footprintBytes, 0)}`, layout.size, 'right')}
            </Text>
            <Text color={e.fits || e.installed ? theme.colors.success : theme.colors.warn}>
              {' '}
              {cell(fit, layout.fit)}
            </Text>
            {layout.purpose ? (
              <Text color={theme.colors.muted}> {cell(e.purpose, layout.purpose)}</Text>
            ) : null}
          </Text>
        );
      })}
    </Box>
  );
}
