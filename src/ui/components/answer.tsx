import { Box, Text } from 'ink';
import { sanitize } from '../../present/sanitize.js';
import { splitFences } from '../markdown.js';
import { foldLines } from '../format.js';
import { useTheme } from '../theme-context.js';
import { CodeBlock } from './code-block.js';

/** Long answers in the transcript are folded; the live answer shows its tail. */
const MAX_PROSE_LINES = 60;
const MAX_CODE_LINES = 40;

export function Answer({ text, live = false }: { text: string; live?: boolean }) {
  const theme = useTheme();
  // Model text: an escape sequence in it is shown, never sent to the terminal.
  const segments = splitFences(sanitize(text));
  return (
    <Box flexDirection="column">
      {segments.map((segment, i) => {
        if (segment.kind === 'code') {
          return (
            <CodeBlock
              key={i}
              lang={segment.lang}
              code={segment.code}
              maxLines={live ? undefined : MAX_CODE_LINES}
            />
          );
        }
        const folded = live
          ? { lines: segment.text.split('\n'), hidden: 0 }
          : foldLines(segment.text, MAX_PROSE_LINES - 10, 10);
        return (
          <Text key={i} color={theme.colors.text}>
            {folded.hidden
              ? `${folded.lines.slice(0, MAX_PROSE_LINES - 10).join('\n')}\n… ${folded.hidden} lines folded …\n${folded.lines.slice(MAX_PROSE_LINES - 10).join('\n')}`
              : segment.text}
          </Text>
        );
      })}
    </Box>
  );
}
