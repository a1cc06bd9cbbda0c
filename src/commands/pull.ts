import { KirikaeError } from '../core/errors.js';
import { pickHost, resolveHosts, unknownHost, type LocalSettings } from '../local/host.js';
import type { PullProgress } from '../local/pull-progress.js';
import { PullManager } from '../local/pull.js';
import { reportFatal } from './fail.js';
import type { CommandIO } from './io.js';

export interface PullArgs {
  model: string;
  json?: boolean;
  local?: LocalSettings;
  /** Which configured Ollama host to pull to (`--host`): URL, host:port or machine name. */
  host?: string;
}

export interface PullIO extends CommandIO {
  /** Aborting cancels the download (the CLI wires Ctrl-C here); a later pull resumes. */
  signal?: AbortSignal;
  now?: () => number;
}

// Downloads are shown in decimal units, as `ollama pull` and network speeds are.
const MB = 1e6;
const GB = 1e9;

function size(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${(bytes / MB).toFixed(0)} MB`;
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'ETA --';
  const s = Math.round(seconds);
  if (s >= 3600)
    return `ETA ${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `ETA ${s}s`;
}

/** One status line: `model  [█████░░░]  41%  7.6 GB/18.6 GB  112.4 MB/s  ETA 1m38s`. */
export function formatPullLine(p: PullProgress, barWidth = 24): string {
  switch (p.phase) {
    case 'queued':
    case 'manifest':
      return `${p.model}  pulling manifest`;
    case 'verifying':
      return `${p.model}  verifying sha256 digest`;
    case 'writing':
      return `${p.model}  writing manifest`;
    case 'success':
      return `${p.model}  done: ${size(p.totalBytes)}`;
    case 'error':
      return `${p.model}  failed: ${p.error ?? p.status}`;
    case 'cancelled':
      return `${p.model}  cancelled at ${p.percent === undefined ? 0 : Math.floor(p.percent)}%`;
    case 'downloading': {
      const pct = p.percent ?? 0;
      const full = Math.round((pct / 100) * barWidth);
      const bar = `[${'█'.repeat(full)}${'░'.repeat(barWidth - full)}]`;
      const speed =
        p.bytesPerSec === undefined ? '-- MB/s' : `${(p.bytesPerSec / MB).toFixed(1)} MB/s`;
      const amount = p.totalBytes
        ? `${size(p.completedBytes)}/${size(p.totalBytes)}`
        : size(p.completedBytes);
      return `${p.model}  ${bar} ${pct.toFixed(0).padStart(3)}%  ${amount}  ${speed}  ${formatEta(p.etaSeconds)}`;
    }
  }
}

/**
 * `kirikae pull <model>`: a single line redrawn with \r on a terminal, a line per 10% (or per phase)
 * when piped, NDJSON progress with --json. Exit 0 on success, 130 when cancelled, 1 on error.
 */
export async function runPull(args: PullArgs, io: PullIO): Promise<number> {
  const hosts = resolveHosts(args.local, io.env);
  const picked = pickHost(hosts, args.host);
  if (!picked) return reportFatal(unknownHost(args.host!, hosts), io.stderr, io.env);
  const host = picked.url;
  const now = io.now ?? Date.now;
  const isTty = (io.stdout as { isTTY?: boolean }).isTTY === true;
  let lastDraw = 0;
  let lastPhase = '';
  let lastDecile = -1;
  let drewTty = false;

  const draw = (p: PullProgress, final = false) => {
    const t = now();
    if (args.json) {
      // Every phase change and at most 2 progress lines a second: enough for a script's bar.
      if (final || p.phase !== lastPhase || t - lastDraw >= 500) {
        io.stdout.write(JSON.stringify(p) + '\n');
        lastDraw = t;
      }
    } else if (isTty) {
      if (final || p.phase !== lastPhase || t - lastDraw >= 100) {
        io.stdout.write(`\r${formatPullLine(p)}\x1b[K`);
        drewTty = true;
        lastDraw = t;
      }
    } else {
      const decile = Math.floor((p.percent ?? 0) / 10);
      const phaseChanged = p.phase !== lastPhase;
      if (final || phaseChanged || (p.phase === 'downloading' && decile > lastDecile)) {
        if (!final || phaseChanged) io.stdout.write(formatPullLine(p) + '\n');
        lastDecile = decile;
      }
    }
    lastPhase = p.phase;
  };

  const manager = new PullManager({ host, onUpdate: (p) => draw(p) });
  const job = manager.enqueue(args.model);
  const onAbort = () => job.cancel();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  if (io.signal?.aborted) job.cancel();
  const outcome = await job.done;
  io.signal?.removeEventListener('abort', onAbort);
  draw(outcome.progress, true);
  if (drewTty) io.stdout.write('\n');
  if (outcome.ok) return 0;
  if (outcome.error.kind === 'aborted') {
    io.stderr.write(`kirikae: ${outcome.error.describe()}\n`);
    return 130;
  }
  return reportFatal(
    outcome.error instanceof KirikaeError
      ? outcome.error
      : new KirikaeError('server', String(outcome.error)),
    io.stderr,
    io.env,
  );
}
