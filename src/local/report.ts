// The data behind `kirikae models` and the UI's models screen (pure): installed models with
// their footprint per context bucket, what is resident, and the budget.
import type { BudgetSource } from './budget.js';
import { curatedWithFit, type CuratedFit } from './curated.js';
import type { InstalledWithFacts, ResidentModel } from './inventory.js';
import { shapeOf } from './inventory.js';
import { footprintByBucket, type KvOptions } from './kv.js';
import { sameModelName } from './names.js';

export interface BudgetView {
  /** What the planner may fill: GPU wired limit − reserve, lowered by a configured cap. */
  budgetBytes: number;
  /** The explicit cap (memoryBudgetGb), when one is configured. */
  configuredBytes?: number;
  /** Where budgetBytes came from; absent in views built before it was tracked. */
  source?: BudgetSource;
  reserveBytes: number;
  gpuWiredLimitBytes?: number;
  gpuWiredLimitDefaulted?: boolean;
  residentBytes: number;
}

export interface ModelRow {
  name: string;
  digest: string;
  sizeBytes: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
  capabilities: string[];
  /** An Ollama cloud model: runs on ollama.com, takes no memory here (footprints empty). */
  cloud?: boolean;
  /** Weights + KV at each context bucket the model supports. */
  footprints: { numCtx: number; bytes: number; fits: boolean }[];
  resident?: {
    sizeBytes: number;
    sizeVramBytes: number;
    contextLength?: number;
    expiresAt?: string;
    pinned: boolean;
  };
}

export interface ModelsReport {
  host: string;
  version: string;
  budget: BudgetView;
  models: ModelRow[];
  /** Curated coding models not installed yet, with their footprint at 32K and whether they fit. */
  suggested: CuratedFit[];
}

export function buildModelsReport(input: {
  host: string;
  version: string;
  installed: readonly InstalledWithFacts[];
  resident: readonly ResidentModel[];
  budget: Omit<BudgetView, 'residentBytes'>;
  kv?: KvOptions;
}): ModelsReport {
  const residentBytes = input.resident.reduce((s, r) => s + r.sizeBytes, 0);
  const models = input.installed.map((m): ModelRow => {
    const r = input.resident.find((x) => sameModelName(x.name, m.name));
    return {
      name: m.name,
      digest: m.digest,
      sizeBytes: m.sizeBytes,
      family: m.family,
      parameterSize: m.parameterSize,
      quantization: m.quantization,
      contextLength: m.facts.contextLength,
      capabilities: m.facts.capabilities,
      ...(m.cloud ? { cloud: true } : {}),
      footprints: m.cloud
        ? []
        : footprintByBucket(m.sizeBytes, shapeOf(m.facts), input.kv).map((f) => ({
            ...f,
            fits: f.bytes <= input.budget.budgetBytes,
          })),
      resident: r && {
        sizeBytes: r.sizeBytes,
        sizeVramBytes: r.sizeVramBytes,
        contextLength: r.contextLength,
        expiresAt: r.expiresAt?.toISOString(),
        pinned: r.pinned,
      },
    };
  });
  return {
    host: input.host,
    version: input.version,
    budget: { ...input.budget, residentBytes },
    models,
    suggested: curatedWithFit(input.budget.budgetBytes, 32768, input.kv).filter(
      (c) => !input.installed.some((m) => sameModelName(m.name, c.name)),
    ),
  };
}
