// The pull screen's port: a queue of `ollama pull`s per host, and the curated coding models
// with whether each fits that host's budget. With several hosts the user picks where each pull
// goes; the jobs of every host show in one queue, each naming its host.
import {
  curatedWithFit,
  PullManager,
  sameModelName,
  shapeOf,
  type InstalledWithFacts,
  type PullProgress,
} from '../../local/index.js';
import type { LocalHost } from '../../local/runtime.js';
import { SCREEN_LOAD_CTX } from './models-port.js';
import { describeFailure, type PortResult } from './port-result.js';

export interface PullJobView extends PullProgress {
  /** The failure with its fix (describe()), richer than `error`, which is the server's text. */
  errorText?: string;
  /** host:port the pull runs on; set when there are several hosts. */
  host?: string;
}

export interface CuratedEntry {
  name: string;
  purpose: string;
  approxBytes: number;
  /** Weights + KV cache at `numCtx`. */
  footprintBytes: number;
  numCtx: number;
  fits: boolean;
  /** Undefined until the server has been asked. */
  installed?: boolean;
}

/**
 * The screen passes `subscribe` and `jobs` around unbound: implement them without `this`.
 * `host` arguments are host:port labels from `hosts`; without one, the first host is meant.
 */
export interface PullPort {
  readonly host: string;
  /** host:port of every host a pull may go to, the default first; absent means just `host`. */
  readonly hosts?: readonly string[];
  enqueue(name: string, host?: string): PortResult<void>;
  cancel(name: string, host?: string): PortResult<void>;
  resume(name: string, host?: string): PortResult<void>;
  /** Snapshot of every pull of this session, oldest first. */
  jobs(): PullJobView[];
  /** Called on every progress line (often: throttle before re-rendering). */
  subscribe(listener: () => void): () => void;
  /** The curated models, fitted against the budget of `host`. */
  curated(host?: string): CuratedEntry[];
}

/** Model names as Ollama accepts them: no spaces, at most one tag. */
export function checkModelName(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Type a model name, e.g. qwen3:8b';
  if (/\s/.test(trimmed)) return `"${trimmed}" is not a model name: names have no spaces`;
  if (!/^[A-Za-z0-9][\w./:-]*$/.test(trimmed) || (trimmed.match(/:/g) ?? []).length > 1) {
    return `"${trimmed}" is not a model name: use name or name:tag, e.g. qwen3:8b`;
  }
  return undefined;
}

/** The pull queue of one host. */
export function createHostPullPort(ctx: LocalHost): PullPort {
  const host = ctx.host.url;
  const listeners = new Set<() => void>();
  const failures = new Map<string, string>();
  // With their facts: an installed model's footprint is the models screen's, from its own file.
  let installed: InstalledWithFacts[] | undefined;
  let installedAsked = false;
  let snapshot: PullJobView[] = [];
  const notify = (): void => {
    snapshot = manager.jobs().map((p) => {
      const errorText = p.phase === 'error' ? failures.get(p.model) : undefined;
      return errorText ? { ...p, errorText } : p;
    });
    for (const listener of [...listeners]) listener();
  };
  const manager = new PullManager({ host, client: ctx.inventory.client, onUpdate: notify });

  const refreshInstalled = (): void => {
    installedAsked = true;
    ctx.inventory
      .installedWithFacts()
      .then((list) => {
        installed = list;
        notify();
      })
      .catch(() => undefined); // the models screen reports an unreachable server
  };

  const track = (model: string): void => {
    failures.delete(model);
    const job = manager.enqueue(model);
    void job.done.then((outcome) => {
      // The manager's last update came before `done` settled: publish the fix text now.
      if (!outcome.ok && outcome.error.kind !== 'aborted') {
        failures.set(model, describeFailure(outcome.error, host, model));
      }
      if (outcome.ok) refreshInstalled();
      notify();
    });
  };

  return {
    host,
    hosts: [ctx.label],
    enqueue(name) {
      const problem = checkModelName(name);
      if (problem) return { ok: false, error: problem };
      track(name.trim());
      return { ok: true, value: undefined };
    },
    cancel(name) {
      return manager.cancel(name)
        ? { ok: true, value: undefined }
        : { ok: false, error: `No running pull of ${name} to cancel` };
    },
    resume(name) {
      const job = manager.jobs().find((j) => j.model === name);
      if (job && job.phase !== 'error' && job.phase !== 'cancelled') {
        return {
          ok: false,
          error: `${name} is ${job.phase === 'success' ? 'done' : 'still running'}`,
        };
      }
      track(name);
      return { ok: true, value: undefined };
    },
    jobs: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      if (!installedAsked) refreshInstalled();
      return () => listeners.delete(listener);
    },
    curated: () =>
      curatedWithFit(ctx.budgetBytes(), SCREEN_LOAD_CTX, ctx.kv, (name) => {
        const entry = installed?.find((m) => !m.cloud && sameModelName(m.name, name));
        return entry ? { bytes: entry.sizeBytes, shape: shapeOf(entry.facts) } : undefined;
      }).map((c) => ({
        name: c.name,
        purpose: c.purpose,
        approxBytes: c.approxBytes,
        footprintBytes: c.footprintBytes,
        numCtx: c.numCtx,
        fits: c.fits,
        installed: installed?.some((m) => sameModelName(m.name, c.name)),
      })),
  };
}

/**
 * One port over every host's queue. A pull goes to the host the user chose (its label); the
 * queue shows every host's jobs, each naming its host.
 */
export function createPullPort(hosts: readonly LocalHost[]): PullPort {
  const ports = hosts.map((h) => ({ label: h.label, port: createHostPullPort(h) }));
  if (ports.length === 1) return ports[0]!.port;
  const portOf = (label?: string) =>
    label === undefined ? ports[0] : ports.find((p) => p.label === label);
  const unknown = (label?: string): PortResult<void> => ({
    ok: false,
    error: `No Ollama host ${label ?? ''} in the config (local.hosts)`,
  });
  return {
    host: ports[0]!.port.host,
    hosts: ports.map((p) => p.label),
    enqueue: (name, label) => portOf(label)?.port.enqueue(name) ?? unknown(label),
    cancel: (name, label) => portOf(label)?.port.cancel(name) ?? unknown(label),
    resume: (name, label) => portOf(label)?.port.resume(name) ?? unknown(label),
    jobs: () => ports.flatMap((p) => p.port.jobs().map((j) => ({ ...j, host: p.label }))),
    subscribe(listener) {
      const offs = ports.map((p) => p.port.subscribe(listener));
      return () => offs.forEach((off) => off());
    },
    curated: (label) => portOf(label)?.port.curated() ?? [],
  };
}
