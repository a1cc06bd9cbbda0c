import { Ollama } from 'ollama';
import { KirikaeError } from '../core/errors.js';
import { toOllamaError } from './errors.js';
import {
  cancelPull,
  failPull,
  initialPullState,
  pullProgress,
  reducePull,
  type PullLine,
  type PullProgress,
  type PullState,
} from './pull-progress.js';

export type PullOutcome =
  { ok: true; progress: PullProgress } | { ok: false; error: KirikaeError; progress: PullProgress };

export interface PullJob {
  readonly model: string;
  progress(): PullProgress;
  /** Settles when the pull ends: success, error or cancel. Never rejects. */
  readonly done: Promise<PullOutcome>;
  cancel(): void;
}

export interface PullManagerOptions {
  host: string;
  client?: Ollama;
  /** Pulls running at once; the rest wait in order. Ollama downloads layers in parallel itself. */
  concurrency?: number;
  onUpdate?: (progress: PullProgress) => void;
  now?: () => number;
}

interface InternalJob extends PullJob {
  state: PullState;
  start(): void;
}

/**
 * Downloads models through the ollama client with a queue, cancel (aborts the stream) and resume
 * (pulling the same model again: the server keeps partial blobs and continues where it stopped).
 */
export class PullManager {
  private readonly queue: InternalJob[] = [];
  private readonly active = new Set<InternalJob>();
  private readonly all = new Map<string, InternalJob>();
  private readonly client: Ollama;
  private readonly now: () => number;

  constructor(private readonly options: PullManagerOptions) {
    this.client = options.client ?? new Ollama({ host: options.host });
    this.now = options.now ?? Date.now;
  }

  /** Queues a pull; the same model while still queued or running returns the existing job. */
  enqueue(model: string): PullJob {
    const existing = this.all.get(model);
    if (existing && !isFinal(existing.state)) return existing;
    const job = this.createJob(model);
    this.all.set(model, job);
    this.queue.push(job);
    this.emit(job);
    this.pump();
    return job;
  }

  /** Pulls again after a cancel or an interrupted connection; the server resumes the blobs. */
  resume(model: string): PullJob {
    return this.enqueue(model);
  }

  cancel(model: string): boolean {
    const job = this.all.get(model);
    if (!job || isFinal(job.state)) return false;
    job.cancel();
    return true;
  }

  jobs(): PullProgress[] {
    return [...this.all.values()].map((j) => j.progress());
  }

  private emit(job: InternalJob): void {
    this.options.onUpdate?.(pullProgress(job.state));
  }

  private pump(): void {
    const limit = Math.max(1, this.options.concurrency ?? 1);
    while (this.active.size < limit && this.queue.length) {
      const job = this.queue.shift()!;
      if (isFinal(job.state)) continue; // cancelled while queued
      this.active.add(job);
      job.start();
    }
  }

  private createJob(model: string): InternalJob {
    let resolveDone!: (o: PullOutcome) => void;
    const done = new Promise<PullOutcome>((r) => (resolveDone = r));
    let cancelled = false;
    let abortStream: (() => void) | undefined;

    const finish = (job: InternalJob, error?: KirikaeError) => {
      this.active.delete(job);
      const progress = pullProgress(job.state);
      this.emit(job);
      resolveDone(error ? { ok: false, error, progress } : { ok: true, progress });
      this.pump();
    };

    const job: InternalJob = {
      model,
      state: initialPullState(model),
      done,
      progress: () => pullProgress(job.state),
      cancel: () => {
        if (cancelled || isFinal(job.state)) return;
        cancelled = true;
        job.state = cancelPull(job.state);
        abortStream?.();
        // A queued job never started: settle it here; a running one settles in its loop.
        if (!this.active.has(job)) {
          resolveDone({
            ok: false,
            error: new KirikaeError('aborted', `Pull of ${model} cancelled`, {
              provider: 'ollama',
            }),
            progress: pullProgress(job.state),
          });
          this.emit(job);
        }
      },
      start: () => {
        void (async () => {
          try {
            job.state = reducePull(job.state, { status: 'pulling manifest' }, this.now());
            this.emit(job);
            const stream = await this.client.pull({ model, stream: true });
            abortStream = () => stream.abort();
            if (cancelled) stream.abort();
            for await (const line of stream) {
              job.state = reducePull(job.state, line as PullLine, this.now());
              this.emit(job);
            }
            if (job.state.phase !== 'success') {
              throw new Error('Did not receive done or success response in stream.');
            }
            finish(job);
          } catch (error) {
            if (cancelled) {
              job.state = cancelPull(job.state);
              return finish(
                job,
                new KirikaeError('aborted', `Pull of ${model} cancelled`, {
                  provider: 'ollama',
                  hint: `Run \`kirikae pull ${model}\` again to resume`,
                }),
              );
            }
            const err = toOllamaError(error, this.options.host, model);
            job.state = failPull(job.state, err.message);
            finish(job, err);
          }
        })();
      },
    };
    return job;
  }
}

function isFinal(state: PullState): boolean {
  return state.phase === 'success' || state.phase === 'error' || state.phase === 'cancelled';
}
