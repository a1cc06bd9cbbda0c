// The models screen's port, one per Ollama host: that host's inventory, residency and budget,
// and load/unload/pin/delete acting on that host only.
import type { Config } from '../../config/schema.js';
import { TIERS, type Tier } from '../../core/tier.js';
import {
  buildModelsReport,
  describeEnsure,
  headDim,
  sameModelName,
  shapeOf,
  toOllamaError,
  type BudgetView,
  type ModelRow,
} from '../../local/index.js';
import type { LocalHost } from '../../local/runtime.js';
import { attempt, type PortResult } from './port-result.js';

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
  /** Models the config uses from Ollama (the local tier, the semantic cache's embeddings). */
  needed: NeededModel[];
}

export interface NeededModel {
  name: string;
  /** What uses it, as the screen says: "tier 3 local", "semantic cache embeddings". */
  usedBy: string;
}

/** What the config calls that none of these hosts has (hosts that did not answer are not asked). */
export function missingModels(views: readonly ModelsView[]): NeededModel[] {
  return (views[0]?.needed ?? []).filter(
    (m) => !views.some((v) => v.models.some((row) => sameModelName(row.name, m.name))),
  );
}

/**
 * The Ollama models this config would call: the local tier's list and, with the semantic cache
 * on, its embedding model. The screens offer to pull those that no host has.
 */
export function neededModels(config: Config): NeededModel[] {
  const out: NeededModel[] = [];
  const add = (id: string, usedBy: string) => {
    if (!id.startsWith('ollama/')) return;
    const name = id.slice('ollama/'.length);
    if (!out.some((m) => sameModelName(m.name, name))) out.push({ name, usedBy });
  };
  for (const id of config.tiers['3']) add(id, 'tier 3 local');
  if (config.cache.semantic.enabled) add(config.cache.semantic.model, 'semantic cache embeddings');
  return out;
}

export interface ModelsPort {
  /** The host's URL. */
  readonly host: string;
  /** host:port, as the route card and the status bar name it. */
  readonly label?: string;
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

export function createModelsPort(
  ctx: LocalHost,
  config: Config,
  tokRates?: { rate(model: string): number | undefined },
  /** Several hosts share the screen: each sentence then names the host it acted on. */
  nameHost = false,
): ModelsPort {
  const host = ctx.host.url;
  const on = (sentence: string) => (nameHost ? `${sentence} on ${ctx.label}` : sentence);
  return {
    host,
    label: ctx.label,
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
          needed: neededModels(config),
        };
      }),
    loadModel: (name) =>
      attempt(host, name, async () =>
        on(describeEnsure(name, await ctx.residency.ensureResident(name, SCREEN_LOAD_CTX))),
      ),
    unload: (name) =>
      attempt(host, name, async () => {
        await ctx.residency.unload(name);
        return on(`Unloaded ${name}`);
      }),
    pin: (name) =>
      attempt(host, name, async () => {
        const result = await ctx.residency.pin(name, SCREEN_LOAD_CTX);
        const line = describeEnsure(name, result);
        return on(
          result.status === 'does_not_fit'
            ? line
            : `${line}; pinned until unpinned (config local.pinned pins it at every start)`,
        );
      }),
    unpin: (name) =>
      attempt(host, name, async () => {
        await ctx.residency.unpin(name);
        return on(`Unpinned ${name}: it unloads after the normal keep-alive`);
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
