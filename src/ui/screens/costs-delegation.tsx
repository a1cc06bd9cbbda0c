// The costs screen's delegation lines: planner and executor spend, the planner's re-read
// overhead (what it paid to carry executor results, docs/delegation.md) and, per task type,
// the verdict against solo. Shown only for a month with delegated turns.
import { Box, Text } from 'ink';
import type { CostsView } from '../../session/ports/screen-ports.js';
import { tokens, usd, usdSum } from '../../present/units.js';
import { truncate } from '../format.js';
import { useTheme } from '../theme-context.js';

type Summary = NonNullable<CostsView['delegation']>;

/** The lines, pure (tested without Ink). */
export function delegationLines(d: Summary): string[] {
  return [
    `delegation: planner ${usdSum(d.planner)} (${d.plannerCalls} calls) · executor ${usdSum(d.executor)} (${d.executorCalls} calls)`,
    `planner re-read overhead ${usdSum(d.overhead.usd)} · ${tokens(d.overhead.tokens)} tokens of executor results`,
    ...d.verdicts.map(
      (v) =>
        `${v.taskType}: ${usd(v.delegatedUsdPerCompleted)} delegated vs ${usd(v.soloUsdPerCompleted)} solo per completed task — ${v.text}`,
    ),
  ];
}

export function DelegationLines({ data, width }: { data: CostsView; width: number }) {
  const theme = useTheme();
  if (!data.delegation) return null;
  return (
    <Box flexDirection="column" width={width}>
      {delegationLines(data.delegation).map((line, i) => (
        <Text key={i} color={i === 0 ? theme.colors.muted : theme.colors.text} wrap="truncate-end">
          {truncate(line, width)}
        </Text>
      ))}
    </Box>
  );
}
