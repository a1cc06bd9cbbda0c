// The pull screen's pure text: phase words, speed and ETA, which queue columns fit a width,
// the curated list's layout, and the short name of a host.
import type { CuratedEntry, PullJobView } from '../../session/ports/screen-ports.js';
import type { PullPhase } from '../../local/pull-progress.js';
import { seconds } from '../../present/units.js';
import { bar } from '../format.js';
import { fitColumns, type ColumnSpec } from './screen-kit.js';

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
  // The column is 6 wide: "2 min 51 s" would be cut, so minutes and hours are whole.
  const s = job.etaSeconds;
  if (s < 120) return seconds(s);
  if (s < 3600) return `${Math.ceil(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function formatPercent(job: PullJobView): string {
  return job.percent === undefined ? '–' : `${Math.floor(job.percent)}%`;
}

export type QueueColumnKey = 'bar' | 'pct' | 'speed' | 'eta' | 'status';
export interface QueueColumn extends ColumnSpec {
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
  // The whole name before the figures, up to half the row (as on the models screen).
  const wanted = Number.isFinite(longestName)
    ? Math.max(10, Math.min(longestName, Math.floor((width - 2) / 2)))
    : 10;
  const fit = fitColumns(QUEUE_COLUMNS, width - 2, wanted);
  return { columns: fit.columns, nameWidth: Math.min(fit.flexWidth, Math.max(10, longestName)) };
}

export function queueCell(job: PullJobView, key: QueueColumnKey, width: number): string {
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

/**
 * A queue row's name: the model, and the host it goes to when there are several and `room`
 * allows (the model's name is kept whole before the host is).
 */
export function jobName(job: PullJobView, room = Infinity, shortHosts = true): string {
  const host = shortHosts ? job.host?.replace(/:\d+$/, '') : job.host;
  const named = host ? `${job.model} → ${host}` : job.model;
  return [...named].length <= room ? named : job.model;
}

/** Whether the hosts stay apart without their ports (not when two servers share a machine). */
export function hostsApartWithoutPorts(hosts: readonly (string | undefined)[]): boolean {
  const labels = new Set(hosts.filter(Boolean));
  return new Set([...labels].map((h) => h!.replace(/:\d+$/, ''))).size === labels.size;
}
