// Pull progress (pure): a reducer over the NDJSON status lines of /api/pull. Ollama reports
// progress per layer, and early lines of a layer carry no total/completed yet, so progress is
// aggregated by digest and tolerant of missing fields.

export type PullPhase =
  | 'queued'
  | 'manifest'
  | 'downloading'
  | 'verifying'
  | 'writing'
  | 'success'
  | 'error'
  | 'cancelled';

export interface PullLine {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
}

interface LayerState {
  total?: number;
  completed: number;
  /** Whether a completed figure has arrived yet for this layer. */
  reported: boolean;
}

export interface PullState {
  model: string;
  phase: PullPhase;
  /** Last status text from the server ("pulling 4a1b2c3d…", "verifying sha256 digest"). */
  status: string;
  layers: Map<string, LayerState>;
  /**
   * Recent (time, bytes downloaded in this session) points for the speed. A layer's first
   * completed figure is a baseline, not progress: on a resumed pull it is the bytes already on
   * disk, and counting it would show a burst of absurd speed.
   */
  samples: { at: number; completed: number }[];
  sessionBytes: number;
  startedAt?: number;
  error?: string;
}

export interface PullProgress {
  model: string;
  phase: PullPhase;
  status: string;
  completedBytes: number;
  /** Sum of the layer sizes known so far (grows while early lines lack totals). */
  totalBytes: number;
  /** 0–100; undefined until a size is known. */
  percent?: number;
  bytesPerSec?: number;
  etaSeconds?: number;
  layers: number;
  error?: string;
}

/** Speed is measured over this window so a resumed pull's head start does not read as speed. */
const SPEED_WINDOW_MS = 5000;

export function initialPullState(model: string): PullState {
  return {
    model,
    phase: 'queued',
    status: 'queued',
    layers: new Map(),
    samples: [],
    sessionBytes: 0,
  };
}

function phaseOf(status: string, current: PullPhase): PullPhase {
  if (status === 'success') return 'success';
  if (status.startsWith('pulling manifest')) return 'manifest';
  if (status.startsWith('pulling')) return 'downloading';
  if (status.startsWith('verifying')) return 'verifying';
  if (status.startsWith('writing') || status.startsWith('removing')) return 'writing';
  return current;
}

/** Applies one status line. Returns a new state (layers map copied only when it changes). */
export function reducePull(state: PullState, line: PullLine, now: number): PullState {
  if (state.phase === 'success' || state.phase === 'error' || state.phase === 'cancelled') {
    return state;
  }
  if (line.error) {
    return { ...state, phase: 'error', status: line.error, error: line.error };
  }
  const status = line.status ?? state.status;
  const next: PullState = {
    ...state,
    status,
    phase: phaseOf(status, state.phase),
    startedAt: state.startedAt ?? now,
  };
  if (line.digest) {
    const layers = new Map(state.layers);
    const prev = layers.get(line.digest) ?? { completed: 0, reported: false };
    const hasCompleted = typeof line.completed === 'number';
    // Completed never goes backwards within one pull, whatever order lines arrive in.
    const completed = hasCompleted ? Math.max(prev.completed, line.completed!) : prev.completed;
    layers.set(line.digest, {
      total: typeof line.total === 'number' ? line.total : prev.total,
      completed,
      reported: prev.reported || hasCompleted,
    });
    next.layers = layers;
    if (hasCompleted) {
      next.sessionBytes = state.sessionBytes + (prev.reported ? completed - prev.completed : 0);
      const samples = state.samples.filter((s) => now - s.at <= SPEED_WINDOW_MS);
      samples.push({ at: now, completed: next.sessionBytes });
      next.samples = samples;
    }
  }
  return next;
}

export function cancelPull(state: PullState): PullState {
  return state.phase === 'success' ? state : { ...state, phase: 'cancelled', status: 'cancelled' };
}

export function failPull(state: PullState, message: string): PullState {
  return { ...state, phase: 'error', status: message, error: message };
}

export function pullProgress(state: PullState): PullProgress {
  let totalBytes = 0;
  let completedBytes = 0;
  let allSized = state.layers.size > 0;
  for (const l of state.layers.values()) {
    completedBytes += l.completed;
    if (l.total === undefined) allSized = false;
    else totalBytes += l.total;
  }
  const done = state.phase === 'success';
  let percent: number | undefined;
  if (done) percent = 100;
  else if (totalBytes > 0) percent = Math.min(100, (completedBytes / totalBytes) * 100);

  let bytesPerSec: number | undefined;
  const first = state.samples[0];
  const last = state.samples[state.samples.length - 1];
  if (first && last && last.at - first.at >= 250) {
    bytesPerSec = ((last.completed - first.completed) / (last.at - first.at)) * 1000;
  }
  let etaSeconds: number | undefined;
  if (done) etaSeconds = 0;
  else if (bytesPerSec && bytesPerSec > 0 && allSized) {
    etaSeconds = Math.max(0, (totalBytes - completedBytes) / bytesPerSec);
  }
  return {
    model: state.model,
    phase: state.phase,
    status: state.status,
    completedBytes,
    totalBytes,
    percent,
    bytesPerSec,
    etaSeconds,
    layers: state.layers.size,
    error: state.error,
  };
}
