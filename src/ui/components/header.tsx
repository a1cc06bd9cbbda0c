import { Box, Text } from 'ink';
import { basename } from 'node:path';
import { useTheme } from '../theme-context.js';
import { usd } from '../../present/units.js';
import { truncate } from '../format.js';

export interface HeaderProps {
  folder: string;
  branch?: string;
  monthUsd: number;
  budgetUsd: number;
  width: number;
}

export function Header({ folder, branch, monthUsd, budgetUsd, width }: HeaderProps) {
  const theme = useTheme();
  const spend = `${usd(monthUsd)} / ${usd(budgetUsd)} this month`;
  const place = `${basename(folder) || folder}${branch ? ` (${branch})` : ''}`;
  const showSpend = width >= 50;
  // "kirikae · " takes 10 columns; the spend, when shown, its length plus a gap.
  const room = Math.max(8, width - 10 - (showSpend ? spend.length + 2 : 0));
  return (
    <Box width={width} justifyContent="space-between">
      <Text>
        <Text color={theme.colors.accent} bold>
          kirikae
        </Text>
        <Text color={theme.colors.muted}> · </Text>
        <Text color={theme.colors.text}>{truncate(place, room)}</Text>
      </Text>
      {showSpend ? <Text color={theme.colors.cost}>{spend}</Text> : null}
    </Box>
  );
}
