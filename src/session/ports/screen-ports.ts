// The I/O boundary of the models, pull and costs screens. The screens (src/ui/screens) only see
// these interfaces: every call resolves to a value, and a failure comes back as a one-line
// message (KirikaeError.describe()), so nothing ever throws into React. One models port per
// Ollama host; one pull port over every host (the user picks where a pull goes).
import type { Config } from '../../config/schema.js';
import type { CostsGrouping, CostsScreenData } from '../../ledger/screen.js';
import type { LocalRuntime } from '../../local/runtime.js';
import type { MemorySnapshot } from '../../telemetry/memory-snapshot.js';
import { createCostsPort } from './costs.js';
import { createModelsPort, type ModelsPort } from './models-port.js';
import { createPullPort, type PullPort } from './pull-port.js';
import type { PortResult } from './port-result.js';

export * from './models-port.js';
export * from './port-result.js';
export * from './pull-port.js';

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
  /** One per Ollama host, in the config's order. */
  models: readonly ModelsPort[];
  pull: PullPort;
  costs: CostsPort;
  /** Cancels running pulls (the server keeps their partial blobs for a resume). */
  close(): void;
}

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

/** The real ports over src/local (Ollama) and src/ledger, built once per interactive session. */
export function createScreenPorts(options: ScreenPortsOptions): ScreenPorts {
  const hosts = options.local.hosts;
  const pull = createPullPort(hosts);
  return {
    models: hosts.map((h) =>
      createModelsPort(h, options.config, options.tokRates, hosts.length > 1),
    ),
    pull,
    costs: createCostsPort(options.config, options.env, options.now),
    close() {
      for (const job of pull.jobs()) pull.cancel(job.model, job.host);
    },
  };
}
