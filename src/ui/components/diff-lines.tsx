import { Text } from 'ink';
import { useTheme } from '../theme-context.js';

/** Diff or tool output lines: additions green, removals red, the rest muted. */
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
          {line}
        </Text>
      ))}
    </>
  );
}
