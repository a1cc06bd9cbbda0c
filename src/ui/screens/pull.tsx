// The pull screen (Ctrl-T): type a model name or pick a curated coding model, and watch the
// queue download with speed and ETA. Pulls live in the port, so leaving the screen keeps them
// running and coming back shows where they are. With several Ollama hosts, ←/→ picks the host
// a pull goes to (and the host the curated list's fit is measured against).
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { PullJobView, PullPort } from '../../session/ports/screen-ports.js';
import { bytes } from '../../present/units.js';
import { truncate } from '../format.js';
import { useKeys } from '../hooks/use-keys.js';
import { splitTypedChunk, type KeyEvent } from '../keys.js';
import { useTheme } from '../theme-context.js';
import { CuratedList, HOST_KEY, HostChooser, NameField } from './pull-parts.js';
import { hostsApartWithoutPorts, jobName, queueCell, queueColumns } from './pull-layout.js';
import {
  cell,
  clampIndex,
  KeyLegend,
  marker,
  MessageLine,
  ScreenTitle,
  useThrottledSnapshot,
  visibleWindow,
  type LegendItem,
  type ScreenMessage,
} from './screen-kit.js';

export {
  curatedLayout,
  fitLabel,
  formatEta,
  formatPercent,
  formatSpeed,
  phaseLabel,
  queueColumns,
} from './pull-layout.js';

/** Progress arrives per network chunk; four redraws a second read as smooth. */
export const PULL_RENDER_INTERVAL_MS = 250;
const MAX_QUEUE_ROWS = 8;

export type PullFocus = 'field' | 'curated' | 'queue';
const FOCUS_ORDER: readonly PullFocus[] = ['field', 'curated', 'queue'];

export function nextFocus(focus: PullFocus, direction: 1 | -1): PullFocus {
  const i = FOCUS_ORDER.indexOf(focus);
  return FOCUS_ORDER[(i + direction + FOCUS_ORDER.length) % FOCUS_ORDER.length]!;
}

// ─── components ────────────────────────────────────────────────────────────────────────────

function QueueRow({
  job,
  selected,
  width,
  longestName,
  shortHosts,
}: {
  job: PullJobView;
  selected: boolean;
  width: number;
  longestName: number;
  shortHosts: boolean;
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
          {cell(jobName(job, nameWidth, shortHosts), nameWidth)}
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
  hosts,
  selected,
  focused,
  width,
}: {
  jobs: readonly PullJobView[];
  /** Every host a pull may go to (not only those with jobs): ports stay when names collide. */
  hosts: readonly string[];
  selected: number;
  focused: boolean;
  width: number;
}) {
  const theme = useTheme();
  const { start, end } = visibleWindow(jobs.length, selected, MAX_QUEUE_ROWS);
  const downloaded = jobs.reduce((s, j) => s + j.completedBytes, 0);
  // Hosts are named only when every name fits whole with its host.
  const shortHosts = hostsApartWithoutPorts(hosts);
  const withHost = Math.max(0, ...jobs.map((j) => [...jobName(j, Infinity, shortHosts)].length));
  const longestName =
    queueColumns(width, withHost).nameWidth >= withHost
      ? withHost
      : Math.max(0, ...jobs.map((j) => [...j.model].length));
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {truncate(jobs.length ? `Queue · ${bytes(downloaded)} downloaded` : 'Queue: empty', width)}
      </Text>
      {jobs.slice(start, end).map((job, i) => (
        <QueueRow
          key={`${job.host ?? ''}/${job.model}`}
          job={job}
          selected={focused && start + i === selected}
          width={width}
          longestName={longestName}
          shortHosts={shortHosts}
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
  const hosts = port.hosts ?? [port.host];
  const [target, setTarget] = useState(0);
  const host = hosts[clampIndex(target, hosts.length)];
  const several = hosts.length > 1;
  const to = several ? ` to ${host}` : '';
  const curated = several ? port.curated(host) : port.curated();
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
  // A queued job is cancelled or resumed on its own host; a curated entry on the chosen one.
  const selectedHost = focus === 'queue' ? jobs[qIndex]?.host : several ? host : undefined;
  const selectedTo = selectedHost ? ` on ${selectedHost}` : '';

  const report = (result: { ok: true } | { ok: false; error: string }, success: string): void => {
    setMessage(
      result.ok ? { level: 'info', text: success } : { level: 'error', text: result.error },
    );
  };

  const enqueue = (model: string): boolean => {
    const result = several ? port.enqueue(model, host) : port.enqueue(model);
    report(result, `Queued ${model.trim()}${to}`);
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
    if (key.text === 'c')
      report(
        selectedHost ? port.cancel(selectedModel, selectedHost) : port.cancel(selectedModel),
        `Cancelled ${selectedModel}${selectedTo}`,
      );
    if (key.text === 'r')
      report(
        selectedHost ? port.resume(selectedModel, selectedHost) : port.resume(selectedModel),
        `Resuming ${selectedModel}${selectedTo}`,
      );
  };

  useKeys((key) => {
    if (key.name === 'tab' || key.name === 'shift-tab') {
      setFocus((f) => nextFocus(f, key.name === 'tab' ? 1 : -1));
      return;
    }
    if (several && focus !== 'queue' && (key.name === 'left' || key.name === 'right')) {
      const step = key.name === 'right' ? 1 : -1;
      setTarget((t) => (clampIndex(t, hosts.length) + step + hosts.length) % hosts.length);
      return;
    }
    if (focus === 'field') onFieldKey(key);
    else onListKey(key);
  }, active);

  return (
    <Box flexDirection="column" width={width}>
      <ScreenTitle title="Pull models" detail={several ? `to ${host}` : port.host} width={width} />
      <NameField value={name} focused={focus === 'field'} width={width} />
      {several ? <HostChooser hosts={hosts} chosen={host!} width={width} /> : null}
      <CuratedList
        entries={curated}
        selected={cIndex}
        focused={focus === 'curated'}
        width={width}
      />
      <Queue
        jobs={jobs}
        hosts={hosts}
        selected={qIndex}
        focused={focus === 'queue'}
        width={width}
      />
      {message ? <MessageLine message={message} width={width} /> : null}
      <KeyLegend
        items={several && focus !== 'queue' ? [HOST_KEY, ...LEGENDS[focus]] : LEGENDS[focus]}
        width={width}
      />
    </Box>
  );
}
