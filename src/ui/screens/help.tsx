import { Box, Text } from 'ink';
import type { Keymap } from '../keymap.js';
import { COMMANDS } from '../slash-commands/index.js';
import { useTheme } from '../theme-context.js';

export function HelpScreen({ keymap, width }: { keymap: Keymap; width: number }) {
  const theme = useTheme();
  const keyWidth = width < 60 ? 14 : 20;
  return (
    <Box flexDirection="column" width={width}>
      <Text color={theme.colors.accent} bold>
        Keys
      </Text>
      {Object.values(keymap).map((binding, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={theme.colors.text}>{binding.keys.join(', ').padEnd(keyWidth)}</Text>
          <Text color={theme.colors.muted}>
            {binding.description} ({binding.context})
          </Text>
        </Text>
      ))}
      <Text color={theme.colors.accent} bold>
        Commands
      </Text>
      {COMMANDS.map((c) => (
        <Text key={c.name} wrap="truncate-end">
          <Text color={theme.colors.text}>{`/${c.name}`.padEnd(keyWidth)}</Text>
          <Text color={theme.colors.muted}>{c.description}</Text>
        </Text>
      ))}
      <Text color={theme.colors.muted}>Esc: back to the chat</Text>
    </Box>
  );
}
