import { Box, Text } from 'ink';
import type { InputState } from '../input-model.js';
import { useTheme } from '../theme-context.js';

/** Shows the prompt with a block cursor; only the last lines of a very long prompt are drawn. */
export function InputBox({
  input,
  width,
  placeholder,
  active,
}: {
  input: InputState;
  width: number;
  placeholder: string;
  active: boolean;
}) {
  const theme = useTheme();
  const before = input.value.slice(0, input.cursor);
  const at = input.value[input.cursor];
  const after = input.value.slice(input.cursor + 1);
  const lines = input.value.split('\n').length;
  const shown = lines > 12 ? `… ${lines - 12} lines above\n` : '';
  const visible = (text: string): string =>
    lines > 12 ? text.split('\n').slice(-12).join('\n') : text;
  return (
    <Box
      borderStyle="round"
      borderColor={active ? theme.colors.accent : theme.colors.border}
      paddingX={1}
      width={width}
    >
      <Text color={theme.colors.accent}>{'› '}</Text>
      {input.value.length === 0 ? (
        <Text>
          <Text inverse> </Text>
          <Text color={theme.colors.muted}>{placeholder}</Text>
        </Text>
      ) : (
        <Text color={theme.colors.text} wrap="wrap">
          {shown}
          {visible(before)}
          <Text inverse>{at === undefined || at === '\n' ? ' ' : at}</Text>
          {at === '\n' ? '\n' : ''}
          {after}
        </Text>
      )}
    </Box>
  );
}
