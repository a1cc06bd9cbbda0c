// The I/O boundary of the models, pull and costs screens. The screens (src/ui/screens) only see
// these interfaces: every call resolves to a value, and a failure comes back as a one-line
// message (KirikaeError.describe()), so nothing ever throws into React.
import type { Config } from '../../config/schema.js';
import { isKirikaeError } from '../../core/errors.js';
import { TIERS, type Tier } from '../../core/tier.js';
import type { CostsGrouping, CostsScreenData } from '../../ledger/screen.js';
import { createCostsPort } from './costs.js';
import {
  curatedWithFit,
  headDim,
  PullManager,
  sameModelName,
  shapeOf,
  toOllamaError,
  buildModelsReport,
  type BudgetView,
  type EnsureResult,
  type ModelRow,
  type PullProgress,
} from '../../local/index.js';
import type { LocalHost, LocalRuntime } from '../../local/runtime.js';
import type { MemorySnapshot } from '../../telemetry/memory-snapshot.js';

/** A port call's outcome: the value, or the one line to show instead. */
export type PortResult<T> = { ok: true; value: T } | { ok: false; error: string };

// ─── models ────────────────────────────────────────────────────────────────────────────────

/** Architecture facts shown in a model's details (what the KV-cache estimate is built on). */
export interface ModelFactsView {
  architecture?: string;
  layers?: number;
  kvHeads?: number;
  headSize?: number;
  contextLength?: number;
}

export interface ModelEntry extends ModelRow {
  facts: ModelFactsView;
  /** The tier whose config list names `ollama/<name>`; undefined when none does. */
  tier?: Tier;
  /** Rolling output tok/s measured on this session's turns; undefined before the first. */
  tokPerSec?: number;
}

export interface ModelsView {
  host: string;
  version: string;
  budget: BudgetView;
  /** Physical memory of the Ollama machine; unknown for a remote host. */
  physicalBytes?: number;
  models: ModelEntry[];
}

export interface ModelsPort {
  readonly host: string;
  load(): Promise<PortResult<ModelsView>>;
  /** Each action resolves to the sentence to show ("Loaded qwen3:8b at 32K in 2.1 s"). */
  loadModel(name: string): Promise<PortResult<string>>;
  unload(name: string): Promise<PortResult<string>>;
  pin(name: string): Promise<PortResult<string>>;
  unpin(name: string): Promise<PortResult<string>>;
  /** Deletes the model's files from the Ollama server. */
  remove(name: string): Promise<PortResult<string>>;
  /** Optional: ports that cannot change the tier table answer with where to do it instead. */
  setTier?(name: string, tier: Tier): Promise<PortResult<string>>;
}

// ─── pull ──────────────────────────────────────────────────────────────────────────────────

export interface PullJobView extends PullProgress {
  /** The failure with its fix (describe()), richer than `error`, which is the server's text. */
  errorText?: string;
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

/** The screen passes `subscribe` and `jobs` around unbound: implement them without `this`. */
export interface PullPort {
  readonly host: string;
  enqueue(name: string): PortResult<void>;
  cancel(name: string): PortResult<void>;
  resume(name: string): PortResult<void>;
  /** Snapshot of every pull of this session, oldest first. */
  jobs(): PullJobView[];
  /** Called on every progress line (often: throttle before re-rendering). */
  subscribe(listener: () => void): () => void;
  curated(): CuratedEntry[];
}

// ─── costs ─────────────────────────────────────────────────────────────────────────────────

export interface CostsView extends CostsScreenData {
  /** Torn or invalid ledger lines skipped while reading the month. */
  skippedLines: number;
}

export interface CostsPort {
  currentMonth(): string;
  /** The month `delta` months from `month` (the screen's ←/→). */
  shiftMonth(month: string, delta: number): string;
  load(month: string, by: CostsGrouping): Promise<PortResult<CostsView>>;
}

export interface ScreenPorts {
  models: ModelsPort;
  pull: PullPort;
  costs: CostsPort;
  /** Cancels running pulls (the server keeps their partial blobs for a resume). */
  close(): void;
}

// ─── helpers (pure) ────────────────────────────────────────────────────────────────────────

/** Context a model is loaded or pinned with from the screen: the router's common bucket. */
export const SCREEN_LOAD_CTX = 32768;

/** The lowest tier whose config list names `ollama/<name>` (tag-insensitive: qwen3 = qwen3:latest). */
export function tierOfLocalModel(name: string, tiers: Config['tiers']): Tier | undefined {
  return TIERS.find((t) =>
    tiers[String(t) as keyof Config['tiers']].some(
      (id) => id.startsWith('ollama/') && sameModelName(id.slice('ollama/'.length), name),
    ),
  );
}

/** One line for any failure; an unreachable server gets the exact fix to run. */
export function describeFailure(error: unknown, host: string, model?: string): string {
  const err = isKirikaeError(error) ? error : toOllamaError(error, host, model);
  if (err.kind === 'network' && err.message.startsWith('Cannot reach')) {
    return `Ollama not reachable at ${host}: start \`ollama serve\` or set OLLAMA_HOST`;
  }
  return err.describe();
}

function ctxLabel(n: number): string {
  return n >= 1024 ? `${Math.round(n / 1024)}K` : String(n);
}

export function describeEnsure(model: string, result: EnsureResult, numCtx: number): string {
  const unloaded = result.unloaded.length ? `; unloaded ${result.unloaded.join(', ')}` : '';
  switch (result.status) {
    case 'already_resident':
      return `${model} is already loaded at ${ctxLabel(numCtx)} context`;
    case 'loaded':
      return `Loaded ${model} at ${ctxLabel(numCtx)} context in ${result.loadSeconds.toFixed(1)} s${unloaded}`;
    case 'does_not_fit':
      return `${model} does not fit: ${result.plan.reason}`;
  }
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

// ─── real implementations ──────────────────────────────────────────────────────────────────

export interface ScreenPortsOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** Latest memory reading of this machine (the sampler's); used only for a local Ollama. */
  memory: () => MemorySnapshot | undefined;
  now?: () => Date;
  /** The process's local runtime, so a pin made here is the one the router's keep_alive respects. */
  local: Pick<LocalRuntime, 'hosts'>;
  /** The session's measured speeds, keyed by Ollama model name. */
  tokRates?: { rate(model: string): number | undefined };
}

/** The host the screens manage: the local runtime's first (the models screen's per-host view is to come). */
type LocalContext = LocalHost;

function localContext(options: ScreenPortsOptions): LocalContext {
  return options.local.hosts[0]!;
}

async function attempt<T>(
  host: string,
  model: string | undefined,
  fn: () => Promise<T>,
): Promise<PortResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: describeFailure(error, host, model) };
  }
}

function createModelsPort(
  ctx: LocalContext,
  config: Config,
  tokRates?: ScreenPortsOptions['tokRates'],
): ModelsPort {
  const host = ctx.host.url;
  return {
    host,
    load: () =>
      attempt(host, undefined, async () => {
        const snapshot = await ctx.inventory.snapshot();
        const memory = ctx.memory();
        const report = buildModelsReport({
          host,
          version: snapshot.version,
          installed: snapshot.installed,
          resident: snapshot.resident,
          kv: ctx.kv,
          budget: {
            budgetBytes: ctx.budgetBytes(),
            configuredBytes: ctx.host.memoryBudgetBytes,
            reserveBytes: ctx.host.reserveBytes,
            gpuWiredLimitBytes: memory?.gpuWiredLimitBytes,
            gpuWiredLimitDefaulted: memory?.gpuWiredLimitDefaulted,
          },
        });
        const models = report.models.map((row): ModelEntry => {
          const facts = snapshot.installed.find((m) => m.name === row.name)?.facts;
          const shape = shapeOf(facts);
          return {
            ...row,
            // Pinned in the config counts as pinned even before the server shows it.
            resident: row.resident && {
              ...row.resident,
              pinned:
                row.resident.pinned ||
                ctx.residency.pinnedModels().some((p) => sameModelName(p, row.name)),
            },
            facts: {
              architecture: facts?.architecture,
              layers: facts?.blockCount,
              kvHeads: facts?.headCountKv,
              headSize: shape ? headDim(shape) : facts?.keyLength,
              contextLength: facts?.contextLength,
            },
            tier: tierOfLocalModel(row.name, config.tiers),
            tokPerSec: tokRates?.rate(row.name),
          };
        });
        return {
          host,
          version: report.version,
          budget: report.budget,
          physicalBytes: memory?.totalBytes,
          models,
        };
      }),
    loadModel: (name) =>
      attempt(host, name, async () =>
        describeEnsure(
          name,
          await ctx.residency.ensureResident(name, SCREEN_LOAD_CTX),
          SCREEN_LOAD_CTX,
        ),
      ),
    unload: (name) =>
      attempt(host, name, async () => {
        await ctx.residency.unload(name);
        return `Unloaded ${name}`;
      }),
    pin: (name) =>
      attempt(host, name, async () => {
        const result = await ctx.residency.pin(name, SCREEN_LOAD_CTX);
        const line = describeEnsure(name, result, SCREEN_LOAD_CTX);
        return result.status === 'does_not_fit'
          ? line
          : `${line}; pinned until unpinned (config local.pinned pins it at every start)`;
      }),
    unpin: (name) =>
      attempt(host, name, async () => {
        await ctx.residency.unpin(name);
        return `Unpinned ${name}: it unloads after the normal keep-alive`;
      }),
    remove: (name) =>
      attempt(host, name, async () => {
        try {
          await ctx.inventory.client.delete({ model: name });
        } catch (error) {
          throw toOllamaError(error, host, name);
        }
        return `Deleted ${name} from ${host}`;
      }),
    setTier: (name, tier) =>
      Promise.resolve({
        ok: false,
        error: `Tiers are set in the config: add "ollama/${name}" to tiers.${tier}`,
      }),
  };
}

function createPullPort(ctx: LocalContext): PullPort {
  const host = ctx.host.url;
  const listeners = new Set<() => void>();
  const failures = new Map<string, string>();
  let installed: string[] | undefined;
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
      .installed()
      .then((list) => {
        installed = list.map((m) => m.name);
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
      curatedWithFit(ctx.budgetBytes(), SCREEN_LOAD_CTX, ctx.kv).map((c) => ({
        name: c.name,
        purpose: c.purpose,
        approxBytes: c.approxBytes,
        footprintBytes: c.footprintBytes,
        numCtx: c.numCtx,
        fits: c.fits,
        installed: installed?.some((n) => sameModelName(n, c.name)),
      })),
  };
}

/** The real ports over src/local (Ollama) and src/ledger, built once per interactive session. */
export function createScreenPorts(options: ScreenPortsOptions): ScreenPorts {
  const ctx = localContext(options);
  const pull = createPullPort(ctx);
  return {
    models: createModelsPort(ctx, options.config, options.tokRates),
    pull,
    costs: createCostsPort(options.config, options.env, options.now),
    close() {
      for (const job of pull.jobs()) pull.cancel(job.model);
    },
  };
}
