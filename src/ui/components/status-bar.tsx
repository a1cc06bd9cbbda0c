import { Box, Text } from 'ink';
import type { StatusView } from '../../session/types.js';
import { bytes, usd, usdSum } from '../../present/units.js';
import { bar, sparkline, truncate } from '../format.js';
import { useTheme } from '../theme-context.js';

export function StatusBar({ status, width }: { status: StatusView; width: number }) {
  const theme = useTheme();
  const mem = status.memory;
  const pressureColor =
    mem?.pressure === 'critical'
      ? theme.colors.error
      : mem?.pressure === 'warn'
        ? theme.colors.warn
        : theme.colors.success;
  const narrow = width < 70;
  const tps = status.tokPerSec.length ? status.tokPerSec[status.tokPerSec.length - 1]! : undefined;
  const resident = status.resident.map((r) => `${r.name} ${bytes(r.bytes)}`).join(', ');
  // In words as well as colour (NO_COLOR terminals show none); on narrow screens it rides on the
  // second line, where the memory line's truncation cannot cut it.
  const pressureWords =
    mem && mem.pressure !== 'normal' ? (
      <Text color={pressureColor} bold={mem.pressure === 'critical'}>
        {' '}
        · pressure: {mem.pressure}
      </Text>
    ) : null;
  // An unpriced call keeps the known part visible: "$0.093 + ? session", never "$0".
  const session = usdSum({ usd: status.sessionUsd, unknown: status.sessionUnpriced ?? 0 });
  const spend = `${session} session · ${usd(status.monthUsd)}/${usd(status.budgetUsd)}`;
  return (
    <Box width={width} flexDirection={narrow ? 'column' : 'row'} columnGap={2}>
      {/* Memory and tok/s come first and keep their room; spend and models give way. */}
      <Box flexShrink={narrow ? 1 : 0}>
        <Text wrap="truncate-end">
          <Text color={theme.colors.muted}>mem </Text>
          {mem ? (
            <>
              <Text color={pressureColor}>
                {bar(mem.usedBytes / mem.totalBytes, narrow ? 6 : 10)}
              </Text>
              <Text color={theme.colors.text}>
                {' '}
                {bytes(mem.usedBytes)}/{bytes(mem.totalBytes)}
              </Text>
              {narrow ? null : pressureWords}
            </>
          ) : (
            <Text color={theme.colors.muted}>…</Text>
          )}
          <Text color={theme.colors.muted}> · </Text>
          <Text color={theme.colors.text}>
            {tps === undefined ? '– tok/s' : `${tps.toFixed(0)} tok/s`}
          </Text>
          {!narrow && status.tokPerSec.length > 1 ? (
            <Text color={theme.colors.accent}> {sparkline(status.tokPerSec, 12)}</Text>
          ) : null}
        </Text>
      </Box>
      <Text wrap="truncate-end">
        <Text color={theme.colors.cost}>{narrow ? usd(status.monthUsd) : spend}</Text>
        {narrow ? pressureWords : null}
        {status.route && !narrow ? <Text color={theme.colors.muted}> · {status.route}</Text> : null}
      </Text>
      {!narrow && resident ? (
        <Text color={theme.colors.local} wrap="truncate-end">
          {truncate(`⌂ ${resident}`, Math.max(10, width - 80))}
        </Text>
      ) : null}
    </Box>
  );
}
