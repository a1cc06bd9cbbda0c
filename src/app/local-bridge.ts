import type { Config } from '../config/schema.js';
import { isKirikaeError } from '../core/errors.js';
import {
  effectiveBudget,
  factsCachePath,
  footprintBytes,
  OllamaInventory,
  ResidencyManager,
  resolveHosts,
  sameModelName,
  shapeOf,
  type InstalledWithFacts,
  type ResidentModel,
} from '../local/index.js';
import type { MemorySnapshot } from '../telemetry/memory-snapshot.js';
import type { LocalAdapter } from '../router/types.js';
import type { LocalBridge } from './controller.js';

/** Seconds per GB to load weights from SSD into unified memory, before anything is measured. */
const LOAD_SECONDS_PER_GB = 0.5;

/**
 * Connects the router's synchronous questions (installed? resident? fits? load time?) to the
 * local module's asynchronous ones through a snapshot refreshed in the background: routing a
 * turn never waits on Ollama.
 */
export function createLocalBridge(options: {
  config: Config;
  env: NodeJS.ProcessEnv;
  memory: () => MemorySnapshot | undefined;
}): LocalBridge & { inventory: OllamaInventory; residency: ResidencyManager } {
  const { config } = options;
  const host = resolveHosts(config.local, options.env)[0]!;
  const inventory = new OllamaInventory({
    host: host.url,
    factsCacheFile: factsCachePath(options.env),
  });
  const kv = { cacheType: config.local.kvCacheType, numParallel: config.local.numParallel };
  const residency = new ResidencyManager({
    inventory,
    host,
    memory: options.memory,
    kv,
    keepAlive: config.local.keepAlive,
    pinned: config.local.pinned,
  });
  let installed: InstalledWithFacts[] | undefined;
  let resident: ResidentModel[] = [];
  let problem: string | undefined = `Ollama not checked yet at ${host.url}`;

  const find = (model: string): InstalledWithFacts | undefined =>
    installed?.find((m) => sameModelName(m.name, model));
  const budget = (): number =>
    effectiveBudget({
      configuredBytes: host.memoryBudgetBytes,
      gpuWiredLimitBytes: options.memory()?.gpuWiredLimitBytes,
      reserveBytes: host.reserveBytes,
    });

  const adapter: LocalAdapter = {
    installed: (model) => find(model) !== undefined,
    resident: (model) => resident.some((r) => sameModelName(r.name, model)),
    fits: (model, numCtx) => {
      const entry = find(model);
      if (!entry) return false;
      return footprintBytes(entry.sizeBytes, shapeOf(entry.facts), numCtx, kv) <= budget();
    },
    loadSeconds: (model) => {
      const entry = find(model);
      return (
        residency.expectedLoadSeconds(model) ??
        ((entry?.sizeBytes ?? 20e9) / 1e9) * LOAD_SECONDS_PER_GB
      );
    },
    contextWindow: (model) => find(model)?.facts.contextLength,
  };

  return {
    // Shared with the models screen, so a pin made there is the one the next turn keeps.
    inventory,
    residency,
    adapter: () => (installed ? adapter : undefined),
    unavailableReason: () => problem,
    async refresh() {
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
    },
    async ensureResident(model, numCtx) {
      const result = await residency.ensureResident(model, numCtx);
      if (result.status === 'loaded') {
        resident = (await residency.refresh().catch(() => ({ resident }))).resident;
      }
      return {
        status: result.status,
        loadSeconds: result.loadSeconds,
        unloaded: [...result.unloaded],
        ...(result.status === 'does_not_fit' ? { reason: result.plan.reason } : {}),
      };
    },
    keepAliveFor: (model) => residency.keepAliveFor(model),
    beginUse: (model) => residency.beginUse(model),
    recordLoad: (model, seconds) => residency.recordLoad(model, seconds),
    resident: () => resident.map((r) => ({ name: r.name, bytes: r.sizeBytes })),
  };
}
