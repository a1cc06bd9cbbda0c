import { Box, Text } from 'ink';
import type { LiveTurn } from '../../session/types.js';
import { formatTokens } from '../format.js';
import { tierColor } from '../theme.js';
import { useTheme } from '../theme-context.js';
import { Answer } from './answer.js';

/** The answer being streamed. Only its tail is drawn, so the live region stays small and cheap. */
export function LiveTurnView({
  live,
  maxLines,
  now,
}: {
  live: LiveTurn;
  maxLines: number;
  now: number;
}) {
  const theme = useTheme();
  const lines = live.text.split('\n');
  const tail =
    lines.length > maxLines ? lines.slice(lines.length - maxLines).join('\n') : live.text;
  const seconds = Math.max(0, (now - live.startedAt) / 1000);
  const what =
    live.status === 'waiting'
      ? 'waiting for the first token'
      : live.status === 'tool'
        ? `running ${live.tool ?? 'a tool'}`
        : live.status === 'verifying'
          ? 'running the tests'
          : `${formatTokens(live.outputTokens)} tokens`;
  return (
    <Box flexDirection="column" marginTop={1}>
      {lines.length > maxLines ? (
        <Text color={theme.colors.muted}>… {lines.length - maxLines} lines above</Text>
      ) : null}
      {live.text ? <Answer text={tail} live /> : null}
      <Text color={theme.colors.muted}>
        <Text color={tierColor(theme, live.tier)}>● {live.model}</Text> · {what} ·{' '}
        {seconds.toFixed(0)} s · Esc to interrupt
      </Text>
    </Box>
  );
}
