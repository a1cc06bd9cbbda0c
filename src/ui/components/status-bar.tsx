import { Box, Text } from 'ink';
import type { HostStatusView, StatusWithHosts } from '../../session/status.js';
import { bytes, usd, usdSum } from '../../present/units.js';
import { bar, sparkline } from '../format.js';
import { useTheme } from '../theme-context.js';

export function StatusBar({ status, width }: { status: StatusWithHosts; width: number }) {
  const theme = useTheme();
  // With two or more hosts each gets its own readings on the lines below; one host is this bar.
  const hosts = status.hosts && status.hosts.length > 1 ? status.hosts : undefined;
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
  // The resident models share the first line only when all of it fits: a cut model name
  // ("qwen3…") says nothing, so below that they take a line of their own.
  const memWidth =
    `mem ${'x'.repeat(10)} ${mem ? `${bytes(mem.usedBytes)}/${bytes(mem.totalBytes)}` : '…'}`
      .length +
    (mem && mem.pressure !== 'normal' ? ` · pressure: ${mem.pressure}`.length : 0) +
    ` · ${tps === undefined ? '–' : tps.toFixed(0)} tok/s`.length +
    (status.tokPerSec.length > 1 ? 1 + Math.min(12, status.tokPerSec.length) : 0);
  const residentText = resident && !hosts ? `⌂ ${resident}` : '';
  const routeText = status.route ? ` · ${status.route}` : '';
  // Everything on one line, or the route and the resident models on a second line of their own.
  const inline =
    memWidth +
      2 +
      spend.length +
      routeText.length +
      (residentText ? 2 + [...residentText].length : 0) <=
    width;
  const second = [status.route, residentText].filter(Boolean).join(' · ');
  const toneColor: Record<Part['tone'], string | undefined> = {
    label: theme.colors.local,
    text: theme.colors.text,
    muted: theme.colors.muted,
    warn: theme.colors.warn,
    critical: theme.colors.error,
  };
  return (
    <Box width={width} flexDirection="column">
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
          {status.route && !narrow && inline ? (
            <Text color={theme.colors.muted}> · {status.route}</Text>
          ) : null}
        </Text>
        {!narrow && residentText && inline ? (
          <Text color={theme.colors.local}>{residentText}</Text>
        ) : null}
      </Box>
      {!narrow && !inline && second ? (
        <Text wrap="truncate-end">
          {status.route ? <Text color={theme.colors.muted}>{status.route}</Text> : null}
          {status.route && residentText ? <Text color={theme.colors.muted}> · </Text> : null}
          {residentText ? <Text color={theme.colors.local}>{residentText}</Text> : null}
        </Text>
      ) : null}
      {hosts
        ? hostLines(hosts, width).map((line, i) => (
            <Text key={i} wrap="truncate-end">
              {line.map((p, j) => (
                <Text key={j} color={toneColor[p.tone]} bold={p.tone === 'critical'}>
                  {p.text}
                </Text>
              ))}
            </Text>
          ))
        : null}
    </Box>
  );
}

// ─── hosts (two or more Ollama servers) ─────────────────────────────────────────────────────

type Part = { text: string; tone: 'label' | 'text' | 'warn' | 'critical' | 'muted' };

const GiB = 1024 ** 3;

/** "19.0/21.5 GiB" (or whole GiB when space is short): one unit for both figures. */
function usedOfBudget(h: HostStatusView, digits: number): string {
  return `${(h.residentBytes / GiB).toFixed(digits)}/${(h.budgetBytes / GiB).toFixed(digits)} GiB`;
}

/** host:port, or the host name alone once the ports no longer fit. */
function shortLabel(label: string): string {
  return label.replace(/:\d+$/, '');
}

/**
 * One host at detail level 0 (everything) to 3 (name, memory and pressure only). `short` drops
 * the port from level 1 on; hostLines passes false when two hosts share a name (two servers on
 * one machine), where the port is what tells them apart.
 */
export function hostPartsOf(h: HostStatusView, level: number, short = true): Part[] {
  const label = level >= 1 && short ? shortLabel(h.label) : h.label;
  if (h.unreachable)
    return [
      { text: label, tone: 'label' },
      { text: ' not reachable', tone: 'warn' },
    ];
  const parts: Part[] = [
    { text: label, tone: 'label' },
    { text: ` ${usedOfBudget(h, level >= 3 ? 0 : 1)}`, tone: 'text' },
  ];
  // In words, so NO_COLOR terminals see it; "pressure:" is dropped before the word is.
  if (h.pressure && h.pressure !== 'normal') {
    parts.push({
      text: level >= 2 ? ` ${h.pressure}` : ` · pressure: ${h.pressure}`,
      tone: h.pressure,
    });
  }
  if (level < 3) {
    const rate = h.tokPerSec === undefined ? '–' : h.tokPerSec.toFixed(0);
    parts.push({ text: level >= 1 ? ` ${rate} tok/s` : ` · ${rate} tok/s`, tone: 'muted' });
  }
  return parts;
}

const partsWidth = (parts: readonly Part[]): number =>
  parts.reduce((n, p) => n + [...p.text].length, 0);

const HOST_SEP: Part = { text: ' │ ', tone: 'muted' };
const PREFIX: Part = { text: '⌂ ', tone: 'label' };

/**
 * The hosts as lines that fit `width`: all on one line at the most detail that fits, else one
 * host per line (all at one detail), so a narrow terminal loses words, not hosts.
 */
export function hostLines(hosts: readonly HostStatusView[], width: number): Part[][] {
  const short = new Set(hosts.map((h) => shortLabel(h.label))).size === hosts.length;
  const hostParts = (h: HostStatusView, level: number) => hostPartsOf(h, level, short);
  for (let level = 0; level <= 3; level++) {
    const line = [
      PREFIX,
      ...hosts.flatMap((h, i) => [...(i ? [HOST_SEP] : []), ...hostParts(h, level)]),
    ];
    if (partsWidth(line) <= width) return [line];
  }
  // One host per line, all at the same detail (the most that every line fits).
  for (let level = 0; level < 3; level++) {
    const lines = hosts.map((h) => [PREFIX, ...hostParts(h, level)]);
    if (lines.every((line) => partsWidth(line) <= width)) return lines;
  }
  return hosts.map((h) => [PREFIX, ...hostParts(h, 3)]);
}
