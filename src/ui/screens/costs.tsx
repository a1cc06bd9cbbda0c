// The costs screen (Ctrl-L): the month's spend against the budget, where it went (days, tiers,
// models, task types), what routing saved against running everything on the what-if model, and
// the tasks that cost the most. Unpriced calls are shown as "?" and counted, never as $0;
// amounts that include estimated usage (interrupted streams) are marked "~".
import { Box, Text, measureElement, type DOMElement } from 'ink';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { CostsPort, CostsView, PortResult } from '../../session/ports/screen-ports.js';
import { TIER_NAMES, isTier } from '../../core/tier.js';
import type { CostsGrouping } from '../../ledger/screen.js';
import { UNKNOWN, percent, usd, usdSum } from '../../present/units.js';
import { bar, sparkline, truncate } from '../format.js';
import { useKeys } from '../hooks/use-keys.js';
import type { KeyEvent } from '../keys.js';
import { tierColor } from '../theme.js';
import { DelegationLines } from './costs-delegation.js';
import { useTheme } from '../theme-context.js';
import {
  cell,
  fitColumns,
  KeyLegend,
  MessageLine,
  packLegend,
  ScreenTitle,
  type ColumnSpec,
  type LegendItem,
} from './screen-kit.js';

const GROUPINGS: readonly CostsGrouping[] = ['day', 'tier', 'model', 'task'];
const MAX_GROUP_ROWS = 10;
const USD_WIDTH = 11; // "$123.45 + ?"
const MAX_BAR = 40;

// ─── pure helpers ──────────────────────────────────────────────────────────────────────────

export function nextGrouping(by: CostsGrouping): CostsGrouping {
  return GROUPINGS[(GROUPINGS.indexOf(by) + 1) % GROUPINGS.length]!;
}

/**
 * "$1.20"; "$1.20 + ?" when some calls are unpriced; "?" when none is priced; "~" in front when
 * estimated usage (an interrupted stream) is part of the amount.
 */
export function costCell(value: number, calls: number, unknown: number, estimated = 0): string {
  const text = usdSum({ usd: value, unknown: Math.min(unknown, calls) });
  return estimated > 0 && text !== UNKNOWN ? `~${text}` : text;
}

/** A share of known spend; "?" when every call behind it is unpriced (0% would be a lie). */
export function shareCell(share: number, calls: number, unknownCalls: number): string {
  return calls > 0 && unknownCalls >= calls ? UNKNOWN : percent(share);
}

export function groupLabel(by: CostsGrouping, key: string): string {
  if (by === 'tier') {
    const tier = Number(key);
    return key !== 'none' && isTier(tier) ? `${tier} ${TIER_NAMES[tier]}` : 'unrouted';
  }
  return key;
}

/** Which group rows fit: day rows keep the most recent, the others the most expensive. */
export function shownGroups<T>(rows: readonly T[], by: CostsGrouping, max: number): T[] {
  return by === 'day' ? rows.slice(-max) : rows.slice(0, max);
}

export function shortModel(model: string): string {
  return model.slice(model.indexOf('/') + 1);
}

/** "if all on claude-opus-4-6: $250 · saved $208 (83%)", honest about what was left out. */
export function savingsLine(s: CostsView['savings']): string {
  const head = `if all on ${shortModel(s.label)}: `;
  if (s.totalUsd === 'unknown' || s.savedUsd === null) {
    return `${head}${UNKNOWN} (no comparable calls)`;
  }
  const pct = s.savedPct === null ? '' : ` (${Math.round(Math.abs(s.savedPct))}%)`;
  const verdict =
    s.savedUsd >= 0 ? `saved ${usd(s.savedUsd)}${pct}` : `${usd(-s.savedUsd)}${pct} more`;
  const left = s.excludedCalls ? ` · ${s.excludedCalls} unpriced left out` : '';
  return `${head}${usd(s.totalUsd)} · ${verdict}${left}`;
}

export function shareText(share: number | null): string {
  return share === null ? '–' : percent(share);
}

/** Bars take what the label, amount and share leave; the share goes first when space is short. */
export function tierBarLayout(width: number): {
  label: number;
  bar: number;
  usd: number;
  pct: number;
} {
  const label = 11;
  const pct = width >= 34 ? 4 : 0;
  const fixed = label + 1 + USD_WIDTH + 1 + (pct ? pct + 1 : 0);
  // Past MAX_BAR cells a longer bar shows nothing more; it only pushes the figures away.
  return { label, bar: Math.min(MAX_BAR, Math.max(3, width - fixed)), usd: USD_WIDTH, pct };
}

interface GroupColumn extends ColumnSpec {
  key: 'calls' | 'share' | 'usd';
  header: string;
}

const GROUP_COLUMNS: readonly GroupColumn[] = [
  { key: 'calls', header: 'CALLS', width: 6, priority: 2 },
  { key: 'share', header: 'SHARE', width: 5, priority: 1 },
  { key: 'usd', header: 'USD', width: USD_WIDTH, priority: 0 },
];

/** Columns that fit; the key column is no wider than its longest label. */
export function groupColumns(
  width: number,
  longestKey = Infinity,
): { columns: GroupColumn[]; keyWidth: number } {
  const fit = fitColumns(GROUP_COLUMNS, width, 8);
  return { columns: fit.columns, keyWidth: Math.min(fit.flexWidth, Math.max(10, longestKey)) };
}

// ─── components ────────────────────────────────────────────────────────────────────────────

function BudgetLines({ data, width }: { data: CostsView; width: number }) {
  const theme = useTheme();
  const b = data.budget;
  const color = b.exceeded
    ? theme.colors.error
    : b.warnLevel !== null
      ? theme.colors.warn
      : theme.colors.success;
  const n = data.unknown.calls;
  const unknown = n ? `${n} unpriced call${n === 1 ? '' : 's'} (?) not in the total` : '';
  const e = data.estimated;
  const estimated = e
    ? `${e} call${e === 1 ? '' : 's'} with estimated usage (cut short), marked ~`
    : '';
  const p = data.projection;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.colors.cost}>
          {truncate(
            `spent ${costCell(b.spentUsd, Number.POSITIVE_INFINITY, n, e)} of ${usd(b.budgetUsd)} (${percent(b.fraction)})`,
            width,
          )}
        </Text>
      </Text>
      {unknown ? (
        <Text color={theme.colors.warn} wrap="truncate-end">
          {truncate(unknown, width)}
        </Text>
      ) : null}
      {estimated ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {truncate(estimated, width)}
        </Text>
      ) : null}
      <Text color={color}>{bar(b.fraction, width)}</Text>
      {p.remainingDays > 0 ? (
        <Text
          color={p.willExceedBudget ? theme.colors.warn : theme.colors.muted}
          wrap="truncate-end"
        >
          {truncate(`month end ~${usd(p.p50Usd)} · p90 ${usd(p.p90Usd)}`, width)}
        </Text>
      ) : null}
    </Box>
  );
}

function DailyChart({ data, width }: { data: CostsView; width: number }) {
  const theme = useTheme();
  const values = data.daily.map((d) => d.usd);
  const max = data.daily.reduce((best, d) => (d.usd > best.usd ? d : best), data.daily[0]!);
  const shown = Math.min(values.length, width);
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {truncate(
          max && max.usd > 0
            ? `daily · max ${usd(max.usd)} on ${max.day.slice(5)}${shown < values.length ? ` · last ${shown} days` : ''}`
            : 'daily · nothing spent',
          width,
        )}
      </Text>
      {max && max.usd > 0 ? (
        <Text color={theme.colors.cost}>{sparkline(values, shown)}</Text>
      ) : null}
    </Box>
  );
}

function TierBars({ data, width }: { data: CostsView; width: number }) {
  const theme = useTheme();
  const layout = tierBarLayout(width);
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted}>tiers</Text>
      {data.tiers.map((t) => (
        <Text key={t.name} wrap="truncate-end">
          <Text color={tierColor(theme, t.tier)}>
            {cell(t.tier === null ? t.name : `${t.tier} ${t.name}`, layout.label)}
          </Text>
          <Text color={tierColor(theme, t.tier)}> {bar(t.share, layout.bar)}</Text>
          <Text color={theme.colors.cost}>
            {' '}
            {cell(costCell(t.usd, t.calls, t.unknownCalls, t.estimatedCalls), layout.usd, 'right')}
          </Text>
          {layout.pct ? (
            <Text color={theme.colors.muted}>
              {' '}
              {cell(shareCell(t.share, t.calls, t.unknownCalls), layout.pct, 'right')}
            </Text>
          ) : null}
        </Text>
      ))}
    </Box>
  );
}

function Insights({ data, width }: { data: CostsView; width: number }) {
  const theme = useTheme();
  const local = `local ${shareText(data.localShare.turns.share)} of turns · ${shareText(data.localShare.tokens.share)} of tokens`;
  const cache = `cache hits ${shareText(data.cacheHitRate.rate)}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text color={theme.colors.success} wrap="wrap">
        {savingsLine(data.savings)}
      </Text>
      <Text color={theme.colors.local} wrap="truncate-end">
        {truncate(local, width)}
      </Text>
      <Text color={theme.colors.text} wrap="truncate-end">
        {truncate(cache, width)}
      </Text>
    </Box>
  );
}

function TopTasks({ data, width }: { data: CostsView; width: number }) {
  const theme = useTheme();
  if (!data.topTasks.length) return null;
  const rest = Math.max(1, width - USD_WIDTH - 1);
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted}>most expensive tasks</Text>
      {data.topTasks.slice(0, 5).map((t) => (
        <Text key={t.task} wrap="truncate-end">
          <Text color={theme.colors.cost}>
            {cell(costCell(t.usd, t.calls, t.unknownCalls, t.estimatedCalls), USD_WIDTH, 'right')}
          </Text>
          <Text color={tierColor(theme, t.tier)}>
            {' '}
            {truncate(
              [
                t.task,
                t.taskType ?? 'untyped',
                t.tier === null ? 'no tier' : `T${t.tier}`,
                t.outcome,
              ].join(' · '),
              rest,
            )}
          </Text>
        </Text>
      ))}
    </Box>
  );
}

function GroupTable({ data, by, width }: { data: CostsView; by: CostsGrouping; width: number }) {
  const theme = useTheme();
  const total = data.budget.spentUsd;
  const groups = data.groupsBy[by];
  const rows = shownGroups(groups, by, MAX_GROUP_ROWS);
  const { columns, keyWidth } = groupColumns(
    width,
    Math.max(0, ...rows.map((r) => [...groupLabel(by, r.key)].length)),
  );
  const hidden = groups.length - rows.length;
  const value = (row: CostsView['groups'][number], key: GroupColumn['key']): string => {
    if (key === 'calls') return String(row.calls);
    if (key === 'share') {
      return total > 0 ? shareCell(row.usd / total, row.calls, row.unknown.calls) : '–';
    }
    return costCell(row.usd, row.calls, row.unknown.calls, row.estimated);
  };
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {cell(`BY ${by.toUpperCase()}`, keyWidth) +
          columns.map((c) => ' ' + cell(c.header, c.width, 'right')).join('')}
      </Text>
      {rows.length ? null : <Text color={theme.colors.muted}>no calls this month</Text>}
      {rows.map((row) => (
        <Text key={row.key} wrap="truncate-end">
          <Text color={theme.colors.text}>{cell(groupLabel(by, row.key), keyWidth)}</Text>
          {columns.map((c) => (
            <Text key={c.key} color={c.key === 'usd' ? theme.colors.cost : theme.colors.muted}>
              {' '}
              {cell(value(row, c.key), c.width, 'right')}
            </Text>
          ))}
        </Text>
      ))}
      {hidden > 0 ? (
        <Text color={theme.colors.muted}>
          {truncate(`… ${hidden} more ${by === 'day' ? 'earlier' : 'smaller'}`, width)}
        </Text>
      ) : null}
    </Box>
  );
}

const LEGEND: readonly LegendItem[] = [
  ['←→', 'month'],
  ['g', 'group by day/tier/model/task'],
  ['Esc', 'back'],
];
const SCROLL_LEGEND: readonly LegendItem[] = [['↑↓ PgUp PgDn', 'scroll'], ...LEGEND];

// ─── screen ────────────────────────────────────────────────────────────────────────────────

interface Loaded {
  month: string;
  result: PortResult<CostsView>;
}

export function CostsScreen({
  port,
  width,
  active,
  rows,
}: {
  port: CostsPort;
  width: number;
  active: boolean;
  /** The terminal's rows (from the App); without them the screen is drawn whole. */
  rows?: number;
}) {
  const theme = useTheme();
  const [latest] = useState(() => port.currentMonth());
  const [month, setMonth] = useState(latest);
  const [by, setBy] = useState<CostsGrouping>('tier');
  const [loaded, setLoaded] = useState<Loaded>();
  // Taller than the terminal, the screen showed its bottom and cut off its own headline (the
  // month and what was spent): it is drawn from the top in the rows there are, and scrolls.
  const [offset, setOffset] = useState(0);
  const [contentRows, setContentRows] = useState(0);
  const content = useRef<DOMElement>(null);
  useLayoutEffect(() => {
    if (!content.current) return;
    setContentRows(measureElement(content.current).height);
  }, [loaded, month, by, width]);

  // One read per month: the data holds every grouping (`groupsBy`), so `g` redraws without
  // reading again, and which grouping the port is asked for does not matter.
  useEffect(() => {
    let live = true;
    port
      .load(month, 'tier')
      .catch((error: unknown): PortResult<CostsView> => ({ ok: false, error: String(error) }))
      .then((result) => {
        if (live) setLoaded({ month, result });
      });
    return () => {
      live = false;
    };
  }, [port, month]);

  useKeys((key: KeyEvent) => {
    if (key.name === 'left') setMonth((m) => port.shiftMonth(m, -1));
    // Months after this one have nothing in them yet.
    else if (key.name === 'right') setMonth((m) => (m < latest ? port.shiftMonth(m, 1) : m));
    else if (key.name === 'char' && key.text === 'g') setBy(nextGrouping);
    else if (key.name === 'up') setOffset((o) => Math.max(0, o - 1));
    else if (key.name === 'down') setOffset((o) => Math.min(maxOffset, o + 1));
    else if (key.name === 'pageup') setOffset((o) => Math.max(0, o - page));
    else if (key.name === 'pagedown') setOffset((o) => Math.min(maxOffset, o + page));
  }, active);

  // Clipped only when it does not fit: a short month keeps its natural height, no blank rows.
  const clipped = rows !== undefined && contentRows > bodyRows(rows, width);
  const legend = clipped ? SCROLL_LEGEND : LEGEND;
  const viewRows = clipped ? bodyRows(rows, width, legend) : undefined;
  const maxOffset = viewRows === undefined ? 0 : Math.max(0, contentRows - viewRows);
  const page = Math.max(1, (viewRows ?? 0) - 1);
  const shownOffset = Math.min(offset, maxOffset);
  const loading = loaded?.month !== month;
  const data = loaded?.month === month && loaded.result.ok ? loaded.result.value : undefined;
  const error = loaded?.month === month && !loaded.result.ok ? loaded.result.error : undefined;

  return (
    <Box flexDirection="column" width={width}>
      <Box
        flexDirection="column"
        {...(viewRows === undefined ? {} : { height: viewRows, overflowY: 'hidden' as const })}
      >
        <Box ref={content} flexDirection="column" flexShrink={0} marginTop={-shownOffset}>
          <ScreenTitle
            title={`Costs ${month}`}
            detail={month === latest ? 'this month' : undefined}
            width={width}
          />
          {loading ? (
            <Text color={theme.colors.muted}>{truncate(`Loading ${month}…`, width)}</Text>
          ) : null}
          {error ? <MessageLine message={{ level: 'error', text: error }} width={width} /> : null}
          {data ? (
            <>
              <BudgetLines data={data} width={width} />
              <DailyChart data={data} width={width} />
              <TierBars data={data} width={width} />
              <Insights data={data} width={width} />
              <DelegationLines data={data} width={width} />
              <TopTasks data={data} width={width} />
              <GroupTable data={data} by={by} width={width} />
              {data.skippedLines ? (
                <MessageLine
                  message={{
                    level: 'warn',
                    text: `${data.skippedLines} damaged ledger line(s) skipped`,
                  }}
                  width={width}
                />
              ) : null}
            </>
          ) : null}
        </Box>
      </Box>
      <KeyLegend items={legend} width={width} />
    </Box>
  );
}

/** Rows for the screen's body: the terminal's, less the key legend and the row Ink leaves. */
function bodyRows(rows: number, width: number, legend: readonly LegendItem[] = LEGEND): number {
  return Math.max(3, rows - packLegend(legend, width).length - 1);
}
