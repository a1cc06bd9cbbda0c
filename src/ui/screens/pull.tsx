// The pull screen (Ctrl-T): type a model name or pick a curated coding model, and watch the
// queue download with speed and ETA. Pulls live in the port, so leaving the screen keeps them
// running and coming back shows where they are.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { CuratedEntry, PullJobView, PullPort } from '../../session/ports/screen-ports.js';
import type { PullPhase } from '../../local/pull-progress.js';
import { bytes, seconds } from '../../present/units.js';
import { bar, truncate } from '../format.js';
import { useKeys } from '../hooks/use-keys.js';
import { splitTypedChunk, type KeyEvent } from '../keys.js';
import { useTheme } from '../theme-context.js';
import {
  cell,
  clampIndex,
  fitColumns,
  KeyLegend,
  marker,
  MessageLine,
  ScreenTitle,
  useThrottledSnapshot,
  visibleWindow,
  type ColumnSpec,
  type LegendItem,
  type ScreenMessage,
} from './screen-kit.js';

/** Progress arrives per network chunk; four redraws a second read as smooth. */
export const PULL_RENDER_INTERVAL_MS = 250;
const MAX_QUEUE_ROWS = 8;

export type PullFocus = 'field' | 'curated' | 'queue';
const FOCUS_ORDER: readonly PullFocus[] = ['field', 'curated', 'queue'];

export function nextFocus(focus: PullFocus, direction: 1 | -1): PullFocus {
  const i = FOCUS_ORDER.indexOf(focus);
  return FOCUS_ORDER[(i + direction + FOCUS_ORDER.length) % FOCUS_ORDER.length]!;
}

// ─── pure formatting ───────────────────────────────────────────────────────────────────────

const PHASE_LABEL: Record<PullPhase, string> = {
  queued: 'queued',
  manifest: 'manifest',
  downloading: 'pulling',
  verifying: 'verifying',
  writing: 'writing',
  success: 'done',
  error: 'failed',
  cancelled: 'cancelled',
};

export function phaseLabel(phase: PullPhase): string {
  return PHASE_LABEL[phase];
}

/** Decimal MB/s, as download speeds are quoted. */
export function formatSpeed(bytesPerSec: number | undefined): string {
  if (bytesPerSec === undefined) return '';
  return `${(bytesPerSec / 1e6).toFixed(bytesPerSec < 10e6 ? 1 : 0)} MB/s`;
}

export function formatEta(job: PullJobView): string {
  if (job.phase === 'success' || job.etaSeconds === undefined) return '';
  return seconds(job.etaSeconds);
}

export function formatPercent(job: PullJobView): string {
  return job.percent === undefined ? '–' : `${Math.floor(job.percent)}%`;
}

type QueueColumnKey = 'bar' | 'pct' | 'speed' | 'eta' | 'status';
interface QueueColumn extends ColumnSpec {
  key: QueueColumnKey;
  align: 'left' | 'right';
}

const QUEUE_COLUMNS: readonly QueueColumn[] = [
  { key: 'bar', width: 10, priority: 2, align: 'left' },
  { key: 'pct', width: 4, priority: 1, align: 'right' },
  { key: 'speed', width: 9, priority: 3, align: 'right' },
  { key: 'eta', width: 6, priority: 4, align: 'right' },
  { key: 'status', width: 9, priority: 0, align: 'left' },
];

/** Columns that fit; the name is no wider than the longest name, so the bars line up next to it. */
export function queueColumns(
  width: number,
  longestName = Infinity,
): { columns: QueueColumn[]; nameWidth: number } {
  const fit = fitColumns(QUEUE_COLUMNS, width - 2, 10);
  return { columns: fit.columns, nameWidth: Math.min(fit.flexWidth, Math.max(10, longestName)) };
}

function queueCell(job: PullJobView, key: QueueColumnKey, width: number): string {
  switch (key) {
    case 'bar':
      return bar((job.percent ?? 0) / 100, width);
    case 'pct':
      return formatPercent(job);
    case 'speed':
      return job.phase === 'downloading' ? formatSpeed(job.bytesPerSec) : '';
    case 'eta':
      return job.phase === 'downloading' ? formatEta(job) : '';
    case 'status':
      return phaseLabel(job.phase);
  }
}

export function fitLabel(entry: CuratedEntry): string {
  if (entry.installed) return 'installed';
  return entry.fits ? 'fits' : 'too big';
}

/** Name, then size and fit, then as much of the purpose as is left. */
export function curatedLayout(
  width: number,
  nameLen: number,
): { name: number; size: number; fit: number; purpose: number } {
  const size = 8;
  const fit = 9;
  const flex = Math.max(8, width - 2 - (size + 1) - (fit + 1));
  const name = Math.min(nameLen, flex);
  const rest = flex - name - 1;
  return { name, size, fit, purpose: rest >= 8 ? rest : 0 };
}

// ─── components ────────────────────────────────────────────────────────────────────────────

function NameField({ value, focused, width }: { value: string; focused: boolean; width: number }) {
  const theme = useTheme();
  const label = 'pull ';
  const room = Math.max(1, width - label.length - 3);
  // Long names scroll left so the end being typed stays visible.
  const chars = [...value];
  const shown = chars.length > room ? `…${chars.slice(-(room - 1)).join('')}` : value;
  return (
    <Text wrap="truncate-end">
      <Text color={focused ? theme.colors.accent : theme.colors.muted}>{marker(focused)}</Text>
      <Text color={theme.colors.muted}>{label}</Text>
      <Text color={theme.colors.text}>{shown}</Text>
      {focused ? <Text inverse> </Text> : null}
      {!value && !focused ? <Text color={theme.colors.muted}>model name (Tab)</Text> : null}
    </Text>
  );
}

function CuratedList({
  entries,
  selected,
  focused,
  width,
}: {
  entries: readonly CuratedEntry[];
  selected: number;
  focused: boolean;
  width: number;
}) {
  const theme = useTheme();
  const layout = curatedLayout(width, Math.max(0, ...entries.map((e) => [...e.name].length)));
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {truncate('Suggested for coding (fit: memory at 32K context)', width)}
      </Text>
      {entries.map((e, i) => {
        const fit = fitLabel(e);
        return (
          <Text key={e.name} wrap="truncate-end">
            <Text color={theme.colors.accent}>{marker(focused && i === selected)}</Text>
            <Text color={theme.colors.text} bold={focused && i === selected}>
              {cell(e.name, layout.name)}
            </Text>
            <Text color={theme.colors.muted}>
              {' '}
              {cell(`~${bytes(e.approxBytes, 0)}`, layout.size, 'right')}
            </Text>
            <Text color={e.fits || e.installed ? theme.colors.success : theme.colors.warn}>
              {' '}
              {cell(fit, layout.fit)}
            </Text>
            {layout.purpose ? (
              <Text color={theme.colors.muted}> {cell(e.purpose, layout.purpose)}</Text>
            ) : null}
          </Text>
        );
      })}
    </Box>
  );
}

function QueueRow({
  job,
  selected,
  width,
  longestName,
}: {
  job: PullJobView;
  selected: boolean;
  width: number;
  longestName: number;
}) {
  const theme = useTheme();
  const { columns, nameWidth } = queueColumns(width, longestName);
  const statusColor =
    job.phase === 'error'
      ? theme.colors.error
      : job.phase === 'success'
        ? theme.colors.success
        : job.phase === 'cancelled'
          ? theme.colors.warn
          : theme.colors.muted;
  const problem = job.errorText ?? job.error;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.colors.accent}>{marker(selected)}</Text>
        <Text color={theme.colors.text} bold={selected}>
          {cell(job.model, nameWidth)}
        </Text>
        {columns.map((c) => (
          <Text
            key={c.key}
            color={
              c.key === 'status'
                ? statusColor
                : c.key === 'bar'
                  ? theme.colors.local
                  : theme.colors.muted
            }
          >
            {' '}
            {cell(queueCell(job, c.key, c.width), c.width, c.align)}
          </Text>
        ))}
      </Text>
      {job.phase === 'error' && problem ? (
        <Box paddingLeft={2} width={width}>
          <Text color={theme.colors.error} wrap="wrap">
            {problem}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

function Queue({
  jobs,
  selected,
  focused,
  width,
}: {
  jobs: readonly PullJobView[];
  selected: number;
  focused: boolean;
  width: number;
}) {
  const theme = useTheme();
  const { start, end } = visibleWindow(jobs.length, selected, MAX_QUEUE_ROWS);
  const downloaded = jobs.reduce((s, j) => s + j.completedBytes, 0);
  const longestName = Math.max(0, ...jobs.map((j) => [...j.model].length));
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {truncate(jobs.length ? `Queue · ${bytes(downloaded)} downloaded` : 'Queue: empty', width)}
      </Text>
      {jobs.slice(start, end).map((job, i) => (
        <QueueRow
          key={job.model}
          job={job}
          selected={focused && start + i === selected}
          width={width}
          longestName={longestName}
        />
      ))}
    </Box>
  );
}

const LEGENDS: Record<PullFocus, readonly LegendItem[]> = {
  field: [
    ['Enter', 'pull'],
    ['Tab', 'list'],
    ['Esc', 'back'],
  ],
  curated: [
    ['↑↓', 'select'],
    ['Enter', 'pull'],
    ['c', 'cancel'],
    ['r', 'resume'],
    ['Tab', 'queue'],
    ['Esc', 'back'],
  ],
  queue: [
    ['↑↓', 'select'],
    ['c', 'cancel'],
    ['r', 'resume'],
    ['Tab', 'field'],
    ['Esc', 'back'],
  ],
};

// ─── screen ────────────────────────────────────────────────────────────────────────────────

export function PullScreen({
  port,
  width,
  active,
}: {
  port: PullPort;
  width: number;
  active: boolean;
}) {
  const jobs = useThrottledSnapshot(port.subscribe, port.jobs, PULL_RENDER_INTERVAL_MS);
  const curated = port.curated();
  const [name, setName] = useState('');
  const [focus, setFocus] = useState<PullFocus>('field');
  const [curatedIndex, setCuratedIndex] = useState(0);
  const [queueIndex, setQueueIndex] = useState(0);
  const [message, setMessage] = useState<ScreenMessage>();

  const cIndex = clampIndex(curatedIndex, curated.length);
  const qIndex = clampIndex(queueIndex, jobs.length);
  const selectedModel =
    focus === 'curated'
      ? curated[cIndex]?.name
      : focus === 'queue'
        ? jobs[qIndex]?.model
        : undefined;

  const report = (result: { ok: true } | { ok: false; error: string }, success: string): void => {
    setMessage(
      result.ok ? { level: 'info', text: success } : { level: 'error', text: result.error },
    );
  };

  const enqueue = (model: string): boolean => {
    const result = port.enqueue(model);
    report(result, `Queued ${model.trim()}`);
    return result.ok;
  };

  const onFieldKey = (key: KeyEvent & { paste?: boolean }): void => {
    if (key.name === 'char') {
      const chunk = key.paste ? { text: key.text, submit: false } : splitTypedChunk(key.text);
      const next = name + chunk.text.replace(/[\r\n\t]/g, '');
      if (chunk.submit) {
        if (enqueue(next)) setName('');
        else setName(next);
      } else setName(next);
    } else if (key.name === 'backspace') setName((n) => [...n].slice(0, -1).join(''));
    else if (key.name === 'word-backspace' || (key.name === 'ctrl' && key.text === 'u'))
      setName('');
    else if (key.name === 'enter' && enqueue(name)) setName('');
  };

  const onListKey = (key: KeyEvent): void => {
    const count = focus === 'curated' ? curated.length : jobs.length;
    const index = focus === 'curated' ? cIndex : qIndex;
    const setIndex = focus === 'curated' ? setCuratedIndex : setQueueIndex;
    if (key.name === 'up') return setIndex(Math.max(0, index - 1));
    if (key.name === 'down') return setIndex(clampIndex(index + 1, count));
    if (!selectedModel) return;
    if (key.name === 'enter' && focus === 'curated') {
      enqueue(selectedModel);
      return;
    }
    if (key.name !== 'char') return;
    if (key.text === 'c') report(port.cancel(selectedModel), `Cancelled ${selectedModel}`);
    if (key.text === 'r') report(port.resume(selectedModel), `Resuming ${selectedModel}`);
  };

  useKeys((key) => {
    if (key.name === 'tab' || key.name === 'shift-tab') {
      setFocus((f) => nextFocus(f, key.name === 'tab' ? 1 : -1));
      return;
    }
    if (focus === 'field') onFieldKey(key);
    else onListKey(key);
  }, active);

  return (
    <Box flexDirection="column" width={width}>
      <ScreenTitle title="Pull models" detail={port.host} width={width} />
      <NameField value={name} focused={focus === 'field'} width={width} />
      <CuratedList
        entries={curated}
        selected={cIndex}
        focused={focus === 'curated'}
        width={width}
      />
      <Queue jobs={jobs} selected={qIndex} focused={focus === 'queue'} width={width} />
      {message ? <MessageLine message={message} width={width} /> : null}
      <KeyLegend items={LEGENDS[focus]} width={width} />
    </Box>
  );
}
