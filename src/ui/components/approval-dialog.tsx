import { Box, Text } from 'ink';
import type { ApprovalView } from '../../session/types.js';
import { foldLines } from '../format.js';
import { useTheme } from '../theme-context.js';
import { DiffLines } from './diff-lines.js';

export function ApprovalDialog({
  approval,
  note,
  width,
}: {
  approval: ApprovalView;
  note?: string;
  width: number;
}) {
  const theme = useTheme();
  const diff = approval.diff ? foldLines(approval.diff, 20, 5) : undefined;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={theme.colors.warn}
      paddingX={1}
      width={width}
    >
      <Text color={theme.colors.warn} bold>
        Allow {approval.tool}?
      </Text>
      <Text color={theme.colors.text} wrap="wrap">
        {approval.summary}
      </Text>
      {diff ? <DiffLines lines={diff.lines} truncate /> : null}
      {diff?.hidden ? <Text color={theme.colors.muted}>… {diff.hidden} lines folded</Text> : null}
      {note === undefined ? (
        <Text color={theme.colors.accent} wrap="wrap">
          y once · s this session · A always (saves a rule) · n deny
        </Text>
      ) : (
        <Text wrap="wrap">
          <Text color={theme.colors.accent}>note to the model (Enter sends the denial): </Text>
          <Text color={theme.colors.text}>{note}</Text>
          <Text inverse> </Text>
        </Text>
      )}
    </Box>
  );
}
