import { Box, Text } from 'ink';
import { sanitize } from '../../present/sanitize.js';
import { highlightLine, type TokenClass } from '../markdown.js';
import { foldLines } from '../format.js';
import { useTheme } from '../theme-context.js';
import type { Theme } from '../theme.js';

function tokenColor(theme: Theme, cls: TokenClass): string | undefined {
  switch (cls) {
    case 'keyword':
      return theme.colors.tier0;
    case 'string':
      return theme.colors.success;
    case 'comment':
      return theme.colors.muted;
    case 'number':
      return theme.colors.cost;
    default:
      return theme.colors.code;
  }
}

export function CodeBlock({
  lang,
  code,
  maxLines,
}: {
  lang: string;
  code: string;
  maxLines?: number;
}) {
  const theme = useTheme();
  const safe = sanitize(code);
  const folded = maxLines
    ? foldLines(safe, maxLines - 4, 3)
    : { lines: safe.split('\n'), hidden: 0 };
  const head = folded.hidden ? folded.lines.slice(0, maxLines! - 4) : folded.lines;
  const tail = folded.hidden ? folded.lines.slice(maxLines! - 4) : [];
  const renderLine = (line: string, key: string) => (
    <Text key={key}>
      {highlightLine(line, lang).map((token, i) => (
        <Text key={i} color={tokenColor(theme, token.cls)}>
          {token.text}
        </Text>
      ))}
    </Text>
  );
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderLeft
      borderRight={false}
      borderTop={false}
      borderBottom={false}
      borderColor={theme.colors.border}
      paddingLeft={1}
    >
      {lang ? <Text color={theme.colors.muted}>{sanitize(lang)}</Text> : null}
      {head.map((line, i) => renderLine(line, `h${i}`))}
      {folded.hidden ? (
        <Text color={theme.colors.muted}>… {folded.hidden} lines folded …</Text>
      ) : null}
      {tail.map((line, i) => renderLine(line, `t${i}`))}
    </Box>
  );
}
