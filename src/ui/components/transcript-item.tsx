import { Box, Text } from 'ink';
import { sanitize } from '../../present/sanitize.js';
import type { TranscriptItem } from '../../session/types.js';
import { usdSum } from '../../present/units.js';
import { formatTokens, formatUsd, foldLines } from '../format.js';
import { tierColor } from '../theme.js';
import { useTheme } from '../theme-context.js';
import { Answer } from './answer.js';
import { DiffLines } from './diff-lines.js';

export function TranscriptItemView({ item }: { item: TranscriptItem }) {
  const theme = useTheme();
  switch (item.kind) {
    case 'user':
      return (
        <Box marginTop={1}>
          <Text color={theme.colors.accent} bold>
            {'› '}
          </Text>
          <Text color={theme.colors.text}>
            {sanitize(foldLines(item.text, 8, 2).lines.join('\n'))}
          </Text>
        </Box>
      );
    case 'assistant':
      // An executor's words are indented under a line that names it: the user talks to the
      // planner, and what the executor said reached the planner as its result.
      return item.executor ? (
        <Box flexDirection="column" marginTop={1} paddingLeft={2}>
          {item.continued ? null : (
            <Text color={theme.colors.muted}>↳ executor {sanitize(item.executor)}</Text>
          )}
          <Answer text={item.text} />
        </Box>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Answer text={item.text} />
        </Box>
      );
    case 'tool': {
      const detail = item.detail ? foldLines(item.detail, 12, 4) : undefined;
      return (
        <Box flexDirection="column" paddingLeft={item.executor ? 2 : 0}>
          <Text>
            {item.executor ? <Text color={theme.colors.muted}>↳ </Text> : null}
            <Text color={item.ok ? theme.colors.success : theme.colors.error}>
              {item.ok ? '⏺ ' : '✗ '}
            </Text>
            <Text color={theme.colors.text} bold>
              {sanitize(item.name)}
            </Text>
            <Text color={theme.colors.muted}> {sanitize(item.summary)}</Text>
          </Text>
          {detail ? (
            <Box paddingLeft={2} flexDirection="column">
              <DiffLines lines={detail.lines} />
              {detail.hidden ? (
                <Text color={theme.colors.muted}>… {detail.hidden} lines folded</Text>
              ) : null}
            </Box>
          ) : null}
        </Box>
      );
    }
    case 'turn': {
      const u = item.usage;
      if (item.cached)
        return (
          <Text color={theme.colors.muted}>
            <Text color={tierColor(theme, item.tier)}>■ {item.model}</Text>
            {' · '}
            <Text color={theme.colors.cost}>{formatUsd(item.costUsd)}</Text> · {item.how}
          </Text>
        );
      return (
        <Text color={theme.colors.muted}>
          <Text color={tierColor(theme, item.tier)}>■ {item.model}</Text>
          {' · '}
          {formatTokens(u.input)} in
          {u.cacheRead ? ` · ${formatTokens(u.cacheRead)} cached` : ''}
          {u.cacheWrite ? ` · ${formatTokens(u.cacheWrite)} cache write` : ''} ·{' '}
          {formatTokens(u.output)} out ·{' '}
          <Text color={theme.colors.cost}>
            {item.costUsd === null && item.knownUsd
              ? usdSum({ usd: item.knownUsd, unknown: 1 })
              : formatUsd(item.costUsd)}
            {item.usage.estimated ? ' ~' : ''}
          </Text>
          {item.tokPerSec ? ` · ${item.tokPerSec.toFixed(0)} tok/s` : ''} ·{' '}
          {(item.durationMs / 1000).toFixed(1)} s · {item.how}
          {item.outcome !== 'ok' ? <Text color={theme.colors.warn}> · {item.outcome}</Text> : null}
        </Text>
      );
    }
    case 'notice':
      return (
        <Text
          color={
            item.level === 'error'
              ? theme.colors.error
              : item.level === 'warn'
                ? theme.colors.warn
                : theme.colors.muted
          }
        >
          {item.level === 'error' ? '✗ ' : item.level === 'warn' ? '! ' : '· '}
          {/* Notices quote servers and tools: their text is untrusted too. */}
          {sanitize(item.text)}
        </Text>
      );
  }
}
