import { Box, Text } from 'ink';
import type { ApprovalView } from '../../session/types.js';
import { sanitize } from '../../present/sanitize.js';
import { foldLines } from '../format.js';
import { useTheme } from '../theme-context.js';
import { DiffLines } from './diff-lines.js';

/**
 * What a person approves must be what runs: the command is shown whole (never cut, every line
 * on its own line, control characters visible), because `… && touch pwned` past a cut or
 * behind a carriage return is exactly what an injected command would hide.
 */
export function ApprovalDialog({
  approval,
  note,
  width,
}: {
  /** `detail`: the full command (ApprovalRequest.detail), when the call has one. */
  approval: ApprovalView & { detail?: string };
  note?: string;
  width: number;
}) {
  const theme = useTheme();
  const diff = approval.diff ? foldLines(approval.diff, 20, 5) : undefined;
  const command = approval.detail === undefined ? undefined : sanitize(approval.detail).split('\n');
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={theme.colors.warn}
      paddingX={1}
      width={width}
    >
      <Text color={theme.colors.warn} bold>
        Allow {sanitize(approval.tool)}?
      </Text>
      {/* With the whole command below, its one-line summary would show it twice. */}
      {command === undefined || approval.reason ? (
        <Text color={theme.colors.text} wrap="wrap">
          {sanitize(command === undefined ? approval.summary : approval.reason!)}
        </Text>
      ) : null}
      {command ? (
        <Box flexDirection="column" marginY={command.length > 1 ? 1 : 0}>
          {command.length > 1 ? (
            <Text color={theme.colors.muted}>the whole command ({command.length} lines):</Text>
          ) : null}
          {command.map((line, i) => (
            <Text key={i} color={theme.colors.code} wrap="wrap">
              {i === 0 ? '$ ' : '> '}
              {line}
            </Text>
          ))}
        </Box>
      ) : null}
      {/* Wrapped, not truncated: the end of a long line is part of what gets written. */}
      {diff ? <DiffLines lines={diff.lines} /> : null}
      {diff?.hidden ? <Text color={theme.colors.muted}>… {diff.hidden} lines folded</Text> : null}
      {note === undefined ? (
        <Text color={theme.colors.accent} wrap="wrap">
          y once · s this session · A always (saves a rule) · n deny
        </Text>
      ) : (
        <Text wrap="wrap">
          <Text color={theme.colors.accent}>note to the model (Enter sends the denial): </Text>
          <Text color={theme.colors.text}>{sanitize(note)}</Text>
          <Text inverse> </Text>
        </Text>
      )}
    </Box>
  );
}
