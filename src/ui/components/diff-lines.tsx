import { Text } from 'ink';
import { sanitize } from '../../present/sanitize.js';
import { useTheme } from '../theme-context.js';

/** Diff or tool output lines (file contents: untrusted): additions green, removals red, the rest muted. */
export function DiffLines({
  lines,
  truncate = false,
}: {
  lines: readonly string[];
  truncate?: boolean;
}) {
  const theme = useTheme();
  return (
    <>
      {lines.map((line, i) => (
        <Text
          key={i}
          color={
            line.startsWith('+')
              ? theme.colors.success
              : line.startsWith('-')
                ? theme.colors.error
                : theme.colors.muted
          }
          {...(truncate ? { wrap: 'truncate-end' as const } : {})}
        >
          {sanitize(line)}
        </Text>
      ))}
    </>
  );
}
