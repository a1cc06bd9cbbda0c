import { Box, Text } from 'ink';
import type { LiveTurn } from '../../session/types.js';
import { formatTokens } from '../format.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { tierColor } from '../theme.js';
import { useTheme } from '../theme-context.js';
import { Answer } from './answer.js';

/**
 * The last lines of `text` that fit in `maxRows` terminal rows `width` wide. A long line wraps
 * over several rows, and a fence line becomes a code block border: counting source lines
 * instead lets the live region grow taller than the terminal, and then Ink clears the whole
 * screen on every frame (flicker). Counts by UTF-16 length with a margin for indentation, so it
 * errs towards fewer lines.
 */
export function liveTail(
  text: string,
  maxRows: number,
  width: number,
): { text: string; hidden: number } {
  const lines = text.split('\n');
  const usable = Math.max(10, width - 4);
  let rows = 0;
  let first = lines.length;
  while (first > 0) {
    const line = lines[first - 1]!;
    const cost = Math.max(1, Math.ceil(line.length / usable)) + (line.startsWith('```') ? 1 : 0);
    if (rows + cost > maxRows) break;
    rows += cost;
    first--;
  }
  return first === 0 ? { text, hidden: 0 } : { text: lines.slice(first).join('\n'), hidden: first };
}

/** The answer being streamed. Only its tail is drawn, so the live region stays small and cheap. */
export function LiveTurnView({
  live,
  maxLines,
  now,
  asking = false,
}: {
  live: LiveTurn;
  maxLines: number;
  now: number;
  /** An approval dialog is up: Esc answers it (deny), so the line does not offer Esc itself. */
  asking?: boolean;
}) {
  const theme = useTheme();
  const { columns } = useTerminalSize();
  const tail = liveTail(live.text, maxLines, Math.max(20, columns - 1));
  const seconds = Math.max(0, (now - live.startedAt) / 1000);
  const what = live.retry
    ? `${live.retry.reason} · retrying in ${Math.max(0, Math.ceil((live.retry.until - now) / 1000))} s · f fall back now`
    : live.status === 'waiting'
      ? 'waiting for the first token'
      : live.status === 'tool'
        ? `running ${live.tool ?? 'a tool'}`
        : live.status === 'verifying'
          ? 'running the tests'
          : `${formatTokens(live.outputTokens)} tokens`;
  return (
    <Box flexDirection="column" marginTop={1}>
      {tail.hidden ? <Text color={theme.colors.muted}>… {tail.hidden} lines above</Text> : null}
      {live.text ? (
        // An executor's words stay indented as they will be once printed (transcript-item).
        <Box paddingLeft={live.executor ? 2 : 0}>
          <Answer text={tail.text} live />
        </Box>
      ) : null}
      <Text color={theme.colors.muted}>
        <Text color={tierColor(theme, live.tier)}>● {live.model}</Text>
        {live.executor ? ` · executor ${live.executor}` : ''} · {what} · {seconds.toFixed(0)} s
        {asking ? ' · waiting for your answer' : ' · Esc to interrupt'}
      </Text>
    </Box>
  );
}
