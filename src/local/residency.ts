import { KirikaeError } from '../core/errors.js';
import type { MemorySnapshot } from '../telemetry/memory-snapshot.js';
import { toOllamaError } from './errors.js';
import { DEFAULT_MAX_LOADED_MODELS, type OllamaHost } from './host.js';
import {
  shapeOf,
  type InstalledModel,
  type InstalledWithFacts,
  type ModelFacts,
  type OllamaInventory,
  type ResidentModel,
} from './inventory.js';
import { keepAliveMs } from './keep-alive.js';
import { footprintBytes, type KvOptions } from './kv.js';
import { LoadTimeStore } from './load-times.js';
import { sameModelName } from './names.js';
import { budgetWithSource, type BudgetSource } from './budget.js';
import { cloudPlan, planResidency, type ResidencyPlan, type ResidentEntry } from './planner.js';

export interface ResidencyOptions {
  inventory: OllamaInventory;
  /** Budget cap, reserve and (when known) OLLAMA_MAX_LOADED_MODELS of this host. */
  host: Pick<OllamaHost, 'memoryBudgetBytes' | 'reserveBytes'> &
    Partial<Pick<OllamaHost, 'maxLoadedModels'>>;
  /**
   * Latest memory reading of the machine the server runs on, for its GPU wired limit. Leave
   * undefined for a remote host: this machine's memory says nothing about it.
   */
  memory?: () => MemorySnapshot | undefined;
  kv?: KvOptions;
  /** keep_alive for loads (config local.keepAlive). */
  keepAlive?: string | number;
  /** Models pinned in the config: never evicted, loaded with a negative keep_alive. */
  pinned?: readonly string[];
  /** OLLAMA_MAX_LOADED_MODELS of the server; default host.maxLoadedModels, else 3. */
  maxLoaded?: number;
  loadTimes?: LoadTimeStore;
  now?: () => number;
}

/** `numCtx`: the context the model is (or would be) resident at; requests must send it. */
export type EnsureResult = { numCtx: number } & (
  | { status: 'already_resident'; plan: ResidencyPlan; unloaded: []; loadSeconds: 0 }
  | { status: 'loaded'; plan: ResidencyPlan; unloaded: string[]; loadSeconds: number }
  | { status: 'does_not_fit'; plan: ResidencyPlan; unloaded: []; loadSeconds: 0 }
);

/** Past this context, a default load never unloads other models to make room. */
const DEFAULT_EVICTING_CONTEXT = 32768;

export interface ResidencyView {
  plan: ResidencyPlan;
  wantBytes: number;
  budgetBytes: number;
  resident: ResidentModel[];
  installed: InstalledModel;
  facts: ModelFacts;
  /** num_ctx the server will actually use (capped at the model's trained context). */
  numCtx: number;
}

/**
 * Places local models in memory on one Ollama server: plans with planner.ts, unloads what the
 * plan names, preloads, and learns load times so the router can price a switch to a cold model.
 */
export class ResidencyManager {
  readonly loadTimes: LoadTimeStore;
  private readonly lastUsed = new Map<string, number>();
  private readonly inUse = new Map<string, number>();
  private readonly keepAlives = new Map<string, string | number>();
  private readonly pinned = new Set<string>();
  private readonly now: () => number;
  /** Last known server state, so the router's synchronous questions need no round trip. */
  private known: { installed: InstalledModel[]; resident: ResidentModel[] } = {
    installed: [],
    resident: [],
  };

  constructor(private readonly options: ResidencyOptions) {
    this.loadTimes = options.loadTimes ?? new LoadTimeStore();
    this.now = options.now ?? Date.now;
    for (const p of options.pinned ?? []) this.pinned.add(p);
  }

  private get client() {
    return this.options.inventory.client;
  }

  private isPinned(model: string): boolean {
    for (const p of this.pinned) if (sameModelName(p, model)) return true;
    return false;
  }

  /** keep_alive to send with a turn on `model`: pinned → -1, else per-model, else default. */
  keepAliveFor(model: string): string | number {
    if (this.isPinned(model)) return -1;
    return this.keepAlives.get(model) ?? this.options.keepAlive ?? '30m';
  }

  setKeepAlive(model: string, keepAlive: string | number): void {
    this.keepAlives.set(model, keepAlive);
  }

  /** Marks a turn streaming from `model`; call the returned function when it ends. */
  beginUse(model: string): () => void {
    this.inUse.set(model, (this.inUse.get(model) ?? 0) + 1);
    this.lastUsed.set(model, this.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inUse.get(model) ?? 1) - 1;
      if (n > 0) this.inUse.set(model, n);
      else this.inUse.delete(model);
      this.lastUsed.set(model, this.now());
    };
  }

  /**
   * Feed load_duration from a chat's final chunk (the provider's metrics.loadMs / 1000). Warm
   * calls (1–41 ms) are ignored by the store; pass `wasResident` when the caller knows it.
   */
  recordLoad(model: string, seconds: number, bytes?: number, wasResident?: boolean): void {
    this.loadTimes.record(model, seconds, bytes, wasResident);
  }

  /**
   * Seconds a turn on `model` at `numCtx` waits for loading: 0 when already resident at that
   * context or a larger one (the turn then runs at the resident context, see planOne).
   */
  expectedLoadSeconds(model: string, numCtx?: number): number | undefined {
    const r = this.known.resident.find((x) => sameModelName(x.name, model));
    if (r && (numCtx === undefined || r.contextLength === undefined || r.contextLength >= numCtx)) {
      return 0;
    }
    const installed = this.known.installed.find((m) => sameModelName(m.name, model));
    return this.loadTimes.expected(model, installed?.sizeBytes);
  }

  async budgetBytes(): Promise<number> {
    return this.currentBudget().bytes;
  }

  /** The budget now, and where it comes from (cap, the machine's GPU limit, or the fallback). */
  currentBudget(): { bytes: number; source: BudgetSource } {
    return budgetWithSource({
      configuredBytes: this.options.host.memoryBudgetBytes,
      gpuWiredLimitBytes: this.options.memory?.()?.gpuWiredLimitBytes,
      reserveBytes: this.options.host.reserveBytes,
    });
  }

  /**
   * The plan for `entry` at `numCtx` from the last known server state, without a round trip:
   * what the router and the route card ask on every proposal (before anything happens). Call
   * refresh() in the background to keep it current; ensureResident re-plans from the server.
   */
  planSync(entry: InstalledWithFacts, numCtx: number): ResidencyView {
    const budgetBytes = this.currentBudget().bytes;
    const { resident, installed } = this.known;
    if (entry.cloud) return this.cloudView(entry, entry.facts, resident, budgetBytes, numCtx);
    const paths = new Map<string, string>();
    for (const r of resident) {
      const m = installed.find((i) => sameModelName(i.name, r.name));
      const path = m && this.options.inventory.cachedFacts(m)?.modelPath;
      if (path) paths.set(r.name, path);
    }
    return this.planOne(entry, entry.facts, resident, paths, budgetBytes, numCtx);
  }

  /** Re-reads installed and resident models from the server. */
  async refresh(): Promise<{ installed: InstalledModel[]; resident: ResidentModel[] }> {
    const [installed, resident] = await Promise.all([
      this.options.inventory.installed(),
      this.options.inventory.resident(),
    ]);
    this.known = { installed, resident };
    return this.known;
  }

  /**
   * Plans (without acting) what loading `model` at `numCtx` would take; `exact` plans that very
   * context even when the model is resident at a larger one (the user asked for it).
   */
  async plan(model: string, numCtx: number, exact = false): Promise<ResidencyView> {
    return (await this.planner(model))(numCtx, exact);
  }

  /**
   * Reads the server once and returns a planner for `model` at any context: what
   * `models load` uses to find the largest context that fits without a round trip per bucket.
   */
  async planner(model: string): Promise<(numCtx: number, exact?: boolean) => ResidencyView> {
    const { installed, resident } = await this.refresh();
    const entry = installed.find((m) => sameModelName(m.name, model));
    if (!entry) {
      throw new KirikaeError(
        'not_found',
        `Model ${model} is not installed on ${this.options.inventory.host}`,
        {
          provider: 'ollama',
          hint: `Download it with \`kirikae pull ${model}\``,
        },
      );
    }
    const facts = await this.options.inventory.facts(entry);
    const budgetBytes = await this.budgetBytes();
    if (entry.cloud) {
      return (numCtx) => this.cloudView(entry, facts, resident, budgetBytes, numCtx);
    }
    const paths = await this.modelPaths(resident, installed);
    return (numCtx, exact) =>
      this.planOne(entry, facts, resident, paths, budgetBytes, numCtx, exact);
  }

  private planOne(
    entry: InstalledModel,
    facts: ModelFacts,
    resident: ResidentModel[],
    paths: ReadonlyMap<string, string>,
    budgetBytes: number,
    numCtx: number,
    exact = false,
  ): ResidencyView {
    const capped = facts.contextLength ? Math.min(numCtx, facts.contextLength) : numCtx;
    const current = resident.find((r) => sameModelName(r.name, entry.name));
    // Resident at a larger context (loaded from the models screen, or by a longer turn): it
    // already holds this turn, and asking for less would make Ollama reload it for seconds.
    const effectiveCtx =
      !exact && current?.contextLength && current.contextLength > capped
        ? current.contextLength
        : capped;
    // Resident at this context already: its real size is what it occupies, whatever we'd
    // estimate.
    const wantBytes =
      current && current.contextLength === effectiveCtx
        ? current.sizeBytes
        : footprintBytes(entry.sizeBytes, shapeOf(facts), effectiveCtx, this.options.kv);
    const plan = planResidency({
      budgetBytes,
      resident: resident.map((r) => this.entryFor(r, entry.name, paths.get(r.name))),
      want: { name: entry.name, bytes: wantBytes },
      maxLoaded: this.maxLoaded,
      serverLimitBytes: this.options.memory?.()?.gpuWiredLimitBytes,
    });
    return {
      plan,
      wantBytes,
      budgetBytes,
      resident,
      installed: entry,
      facts,
      numCtx: effectiveCtx,
    };
  }

  /**
   * The context `models load` uses when none is given: the largest bucket that fits beside
   * what is resident; when none does, the largest up to 32K that fits by unloading idle models
   * (growing the context never evicts); undefined when nothing fits at all.
   */
  async largestFittingContext(
    model: string,
    buckets: readonly number[],
  ): Promise<number | undefined> {
    const planAt = await this.planner(model);
    const views = [...buckets].sort((a, b) => b - a).map((n) => planAt(n));
    const beside = views.find((v) => v.plan.fits && v.plan.unload.length === 0);
    if (beside) return beside.numCtx;
    return views.find((v) => v.plan.fits && v.numCtx <= DEFAULT_EVICTING_CONTEXT)?.numCtx;
  }

  /** OLLAMA_MAX_LOADED_MODELS as planned with: the option, the host's, else Ollama's 3. */
  get maxLoaded(): number {
    return this.options.maxLoaded || this.options.host.maxLoadedModels || DEFAULT_MAX_LOADED_MODELS;
  }

  /** A cloud model runs on ollama.com: nothing to load, nothing to unload, no memory. */
  private cloudView(
    entry: InstalledModel,
    facts: ModelFacts,
    resident: ResidentModel[],
    budgetBytes: number,
    numCtx: number,
  ): ResidencyView {
    const used = resident.reduce((s, r) => s + r.sizeBytes, 0);
    const plan = cloudPlan(entry.name, entry.remoteHost, used, budgetBytes);
    return { plan, wantBytes: 0, budgetBytes, resident, installed: entry, facts, numCtx };
  }

  /** Weights paths of the resident models (from their cached /api/show facts), by name. */
  private async modelPaths(
    resident: readonly ResidentModel[],
    installed: readonly InstalledModel[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await Promise.all(
      resident.map(async (r) => {
        const m = installed.find((i) => sameModelName(i.name, r.name));
        if (!m) return;
        const path = await this.options.inventory.facts(m).then(
          (f) => f.modelPath,
          () => undefined, // only a tie-break: a failed /api/show falls back to the name
        );
        if (path) out.set(r.name, path);
      }),
    );
    return out;
  }

  async fits(model: string, numCtx: number): Promise<boolean> {
    return (await this.plan(model, numCtx)).plan.fits;
  }

  private entryFor(r: ResidentModel, wantName: string, modelPath?: string): ResidentEntry {
    const name = sameModelName(r.name, wantName) ? wantName : r.name;
    // Models we never used (loaded by another client) count as older than any we used,
    // ordered among themselves by expiry.
    const tracked = this.lastUsed.get(r.name) ?? this.lastUsed.get(name);
    const lastUsedAt = tracked ?? (r.expiresAt?.getTime() ?? 0) - 1e13;
    // The keep_alive we last sent it; unknown for models other clients loaded.
    const sent = tracked === undefined ? undefined : keepAliveMs(this.keepAliveFor(name));
    return {
      name,
      bytes: r.sizeBytes,
      lastUsedAt,
      pinned: r.pinned || this.isPinned(r.name),
      inUse: (this.inUse.get(r.name) ?? this.inUse.get(name) ?? 0) > 0,
      ...(r.pinned ? { keepAliveMs: Infinity } : sent === undefined ? {} : { keepAliveMs: sent }),
      ...(modelPath ? { modelPath } : {}),
    };
  }

  /**
   * Makes `model` resident at `numCtx`: plans, unloads what the plan names (LRU first, never
   * pinned or in-use models), preloads, and learns the load time. A plan that does not fit is
   * returned, not thrown, and nothing is loaded: loading anyway would push the machine past
   * its budget (or make Ollama drop a pinned or busy model). The router proposes another route.
   */
  async ensureResident(
    model: string,
    numCtx: number,
    opts: { keepAlive?: string | number; exact?: boolean } = {},
  ): Promise<EnsureResult> {
    const view = await this.plan(model, numCtx, opts.exact);
    const { plan } = view;
    const { numCtx: at } = view;
    if (!plan.fits)
      return { status: 'does_not_fit', plan, unloaded: [], loadSeconds: 0, numCtx: at };
    if (plan.alreadyResident) {
      this.lastUsed.set(view.installed.name, this.now());
      return { status: 'already_resident', plan, unloaded: [], loadSeconds: 0, numCtx: at };
    }
    const unloaded: string[] = [];
    for (const name of plan.unload) {
      await this.unload(name);
      unloaded.push(name);
    }
    const loadSeconds = await this.preload(view.installed.name, view.numCtx, opts.keepAlive);
    // Only reached when the model was not resident at this context: a cold load by definition.
    this.loadTimes.record(view.installed.name, loadSeconds, view.wantBytes, false);
    this.lastUsed.set(view.installed.name, this.now());
    await this.refresh().catch(() => undefined);
    return { status: 'loaded', plan, unloaded, loadSeconds, numCtx: at };
  }

  /**
   * Loads without a prompt (empty messages). The server answers once the model is loaded, but
   * sends no load_duration for such a request, so the wall time is the load time.
   */
  async preload(model: string, numCtx: number, keepAlive?: string | number): Promise<number> {
    const started = performance.now();
    try {
      const res = await this.client.chat({
        model,
        messages: [],
        keep_alive: keepAlive ?? this.keepAliveFor(model),
        options: { num_ctx: numCtx },
      });
      const ns = (res as { load_duration?: number }).load_duration;
      return ns && ns > 0 ? ns / 1e9 : (performance.now() - started) / 1000;
    } catch (error) {
      throw toOllamaError(error, this.options.inventory.host, model);
    }
  }

  async unload(model: string): Promise<void> {
    try {
      await this.client.chat({ model, messages: [], keep_alive: 0 });
    } catch (error) {
      throw toOllamaError(error, this.options.inventory.host, model);
    }
    this.known.resident = this.known.resident.filter((r) => !sameModelName(r.name, model));
  }

  /** Keeps `model` loaded until unpinned: a negative keep_alive never expires. */
  async pin(model: string, numCtx: number, exact = false): Promise<EnsureResult> {
    this.pinned.add(model);
    const result = await this.ensureResident(model, numCtx, { keepAlive: -1, exact });
    if (result.status === 'already_resident') await this.preload(model, result.numCtx, -1);
    return result;
  }

  /** Back to the normal keep_alive; a resident model is refreshed at its current context. */
  async unpin(model: string): Promise<void> {
    for (const p of [...this.pinned]) if (sameModelName(p, model)) this.pinned.delete(p);
    const r = (await this.refresh()).resident.find((x) => sameModelName(x.name, model));
    if (r?.contextLength) await this.preload(r.name, r.contextLength, this.keepAliveFor(model));
  }

  pinnedModels(): string[] {
    return [...this.pinned];
  }
}
