import type { Config } from '../config/schema.js';
import { isKirikaeError } from '../core/errors.js';
import type { Provider } from '../core/provider.js';
import type { MemorySnapshot } from '../telemetry/memory-snapshot.js';
import type { LocalAdapter } from '../router/types.js';
import { memoryReaderFor, resolveHosts, type OllamaHost } from './host.js';
import {
  factsCachePath,
  OllamaInventory,
  supportsTools,
  type InstalledWithFacts,
  type ResidentModel,
} from './inventory.js';
import type { KvOptions } from './kv.js';
import { sameModelName } from './names.js';
import { describePlan, planLine } from './plan-text.js';
import { ResidencyManager, type EnsureResult } from './residency.js';

/** Seconds per GB to load weights from SSD into unified memory, before anything is measured. */
const LOAD_SECONDS_PER_GB = 0.5;

/** One Ollama server: what it has, what it holds in memory, and the budget it may fill. */
export interface LocalHost {
  readonly host: OllamaHost;
  /** Short label for cards and status lines: host:port. */
  readonly label: string;
  readonly inventory: OllamaInventory;
  readonly residency: ResidencyManager;
  readonly kv: KvOptions;
  /** Memory readings of that machine (this machine's for a loopback host, else none). */
  memory(): MemorySnapshot | undefined;
  budgetBytes(): number;
  /** Installed models with facts, from the last refresh; undefined until one answered. */
  installed(): readonly InstalledWithFacts[] | undefined;
  resident(): readonly ResidentModel[];
  /** Why this host is not usable now (not reachable, not checked yet). */
  problem(): string | undefined;
}

export interface PlacedModel {
  host: LocalHost;
  /** The context the model is resident at: every request to it must send this num_ctx. */
  numCtx: number;
  status: EnsureResult['status'];
  loadSeconds: number;
  unloaded: string[];
  reason?: string;
}

/**
 * Every Ollama host kirikae may use, built once per process: the chat provider, residency,
 * doctor, the models and pull screens and the router all take their host from here, so a model
 * is loaded on the server it is then asked on.
 */
export interface LocalRuntime {
  readonly hosts: readonly LocalHost[];
  /** The router's synchronous view across hosts; undefined until a host has answered. */
  adapter(): LocalAdapter | undefined;
  /** Why no local route can run, when no host answered. */
  unavailableReason(): string | undefined;
  /** Reads every host's inventory and residency (in parallel); never throws. */
  refresh(): Promise<void>;
  /** Resolves after the first refresh, or after `timeoutMs`, whichever is first. */
  ready(timeoutMs: number): Promise<void>;
  /** The host a turn on `model` runs on: resident there, else installed and fitting, else first. */
  hostFor(model: string): LocalHost;
  /** The host with this URL or label, if configured. */
  findHost(urlOrLabel: string): LocalHost | undefined;
  ensureResident(model: string, numCtx: number): Promise<PlacedModel>;
  /** The chat provider of the host the model runs on. */
  providerFor(model: string): Provider;
  keepAliveFor(model: string): string | number;
  beginUse(model: string): () => void;
  recordLoad(model: string, seconds: number): void;
  /** Resident models of every host, for the status bar. */
  residentViews(): { name: string; bytes: number; host: string }[];
  /** Ends every host's reads in flight: nothing waits on a stuck server after the command. */
  close(): void;
}

export interface LocalRuntimeOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** This machine's memory readings (the sampler's). */
  memory: () => MemorySnapshot | undefined;
  /** Builds the chat provider for one host URL (the wiring passes createProvider). */
  createChat: (hostUrl: string) => Provider;
  now?: () => number;
}

function labelOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function createHost(host: OllamaHost, options: LocalRuntimeOptions): LocalHost {
  const { config, env } = options;
  // This machine's readings say nothing about a server on another machine.
  const memory = memoryReaderFor(host, options.memory);
  const kv: KvOptions = {
    cacheType: config.local.kvCacheType,
    numParallel: config.local.numParallel,
  };
  const inventory = new OllamaInventory({ host: host.url, factsCacheFile: factsCachePath(env) });
  const residency = new ResidencyManager({
    inventory,
    host,
    memory,
    kv,
    keepAlive: config.local.keepAlive,
    pinned: config.local.pinned,
    ...(options.now ? { now: options.now } : {}),
  });
  let installed: InstalledWithFacts[] | undefined;
  let resident: ResidentModel[] = [];
  let problem: string | undefined = `Ollama not checked yet at ${host.url}`;
  const readAll = async (): Promise<void> => {
    try {
      const [withFacts, known] = await Promise.all([
        inventory.installedWithFacts(),
        residency.refresh(),
      ]);
      installed = withFacts;
      resident = known.resident;
      problem = undefined;
    } catch (error) {
      installed = undefined;
      resident = [];
      problem = isKirikaeError(error) ? error.describe() : `Ollama not reachable at ${host.url}`;
    }
  };
  // One read of the host at a time, and at most one waiting: the status bar asks every 5 s
  // whether or not the last answer came, and a stuck server piled up requests. A caller during
  // a read gets the one after it, so what it sees is never older than its call (a load's own
  // refresh must see the load).
  let reading: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (!reading) {
      reading = readAll().finally(() => {
        reading = undefined;
      });
      return reading;
    }
    next ??= reading.then(() => {
      next = undefined;
      return refresh();
    });
    return next;
  };
  const self: LocalHost & { refresh(): Promise<void>; setResident(r: ResidentModel[]): void } = {
    host,
    label: labelOf(host.url),
    inventory,
    residency,
    kv,
    memory,
    budgetBytes: () => residency.currentBudget().bytes,
    installed: () => installed,
    resident: () => resident,
    problem: () => problem,
    refresh,
    setResident(r) {
      resident = r;
    },
  };
  return self;
}

export function createLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const hosts = resolveHosts(options.config.local, options.env).map((h) =>
    createHost(h, options),
  ) as (LocalHost & { refresh(): Promise<void>; setResident(r: ResidentModel[]): void })[];
  const chats = new Map<string, Provider>();
  let firstRefresh: Promise<void> | undefined;

  // Cloud models in /api/tags run on Ollama's servers: not local, never routed as free.
  const entryOn = (h: LocalHost, model: string) =>
    h.installed()?.find((m) => !m.cloud && sameModelName(m.name, model));
  const isResidentOn = (h: LocalHost, model: string) =>
    h.resident().some((r) => sameModelName(r.name, model));
  // The same plan the load will follow: resident, pinned and busy models and Ollama's model
  // count included, so the card never offers what ensureResident would then refuse.
  const planOn = (h: LocalHost, model: string, numCtx: number) => {
    const entry = entryOn(h, model);
    return entry ? h.residency.planSync(entry, numCtx) : undefined;
  };
  const fitsOn = (h: LocalHost, model: string, numCtx: number): boolean =>
    planOn(h, model, numCtx)?.plan.fits ?? false;
  const loadSecondsOn = (h: LocalHost, model: string): number =>
    h.residency.expectedLoadSeconds(model) ??
    ((entryOn(h, model)?.sizeBytes ?? 20e9) / 1e9) * LOAD_SECONDS_PER_GB;

  const hostFor = (model: string): LocalHost =>
    hosts.find((h) => isResidentOn(h, model)) ??
    hosts.find((h) => entryOn(h, model) && fitsOn(h, model, 8192)) ??
    hosts.find((h) => entryOn(h, model)) ??
    hosts[0]!;

  const answering = () => hosts.filter((h) => h.installed() !== undefined);

  const adapter: LocalAdapter = {
    installed: (model) => answering().some((h) => entryOn(h, model) !== undefined),
    resident: (model) => hosts.some((h) => isResidentOn(h, model)),
    fits: (model, numCtx) => answering().some((h) => fitsOn(h, model, numCtx)),
    loadSeconds: (model) => {
      const h = hostFor(model);
      return isResidentOn(h, model) ? 0 : loadSecondsOn(h, model);
    },
    contextWindow: (model) => entryOn(hostFor(model), model)?.facts.contextLength,
    supportsTools: (model) => {
      const entry = entryOn(hostFor(model), model);
      return entry ? supportsTools(entry) : true;
    },
    planLine: (model, numCtx) => {
      const h = hostFor(model);
      const view = planOn(h, model, numCtx);
      if (!view) return undefined;
      return planLine(
        describePlan(view.plan, {
          model,
          numCtx,
          now: Date.now(),
          ...(hosts.length > 1 ? { host: h.label } : {}),
        }),
      );
    },
  };

  const refresh = async (): Promise<void> => {
    await Promise.all(hosts.map((h) => h.refresh()));
  };

  return {
    hosts,
    adapter: () => (answering().length ? adapter : undefined),
    unavailableReason: () => {
      if (answering().length) return undefined;
      // One sentence for every host, not one per model (the card repeats it otherwise).
      const problems = [...new Set(hosts.map((h) => h.problem()).filter(Boolean))];
      return problems.join('; ') || 'Ollama is not configured';
    },
    refresh: () => {
      const done = refresh();
      firstRefresh ??= done;
      return done;
    },
    ready: (timeoutMs) => {
      firstRefresh ??= refresh();
      return Promise.race([
        firstRefresh,
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    },
    hostFor,
    close: () => {
      for (const h of hosts) h.inventory.close();
    },
    findHost: (key) => hosts.find((h) => h.host.url === key || h.label === key),
    async ensureResident(model, numCtx) {
      const host = hostFor(model);
      try {
        const result = await host.residency.ensureResident(model, numCtx);
        if (result.status === 'loaded') {
          const known = await host.residency.refresh().catch(() => undefined);
          if (known) (host as (typeof hosts)[number]).setResident(known.resident);
        }
        return {
          host,
          numCtx: result.numCtx,
          status: result.status,
          loadSeconds: result.loadSeconds,
          unloaded: [...result.unloaded],
          ...(result.status === 'does_not_fit' ? { reason: result.plan.reason } : {}),
        };
      } catch (error) {
        return {
          host,
          numCtx,
          status: 'does_not_fit',
          loadSeconds: 0,
          unloaded: [],
          reason: error instanceof Error ? error.message : String(error),
        };
      }
    },
    providerFor(model) {
      const url = hostFor(model).host.url;
      let chat = chats.get(url);
      if (!chat) {
        chat = options.createChat(url);
        chats.set(url, chat);
      }
      return chat;
    },
    keepAliveFor: (model) => hostFor(model).residency.keepAliveFor(model),
    beginUse: (model) => hostFor(model).residency.beginUse(model),
    recordLoad: (model, seconds) => hostFor(model).residency.recordLoad(model, seconds),
    residentViews: () =>
      hosts.flatMap((h) =>
        h.resident().map((r) => ({ name: r.name, bytes: r.sizeBytes, host: h.label })),
      ),
  };
}
