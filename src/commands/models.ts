import { KirikaeError } from '../core/errors.js';
import { toOllamaError } from '../local/errors.js';
import { formatBytes } from '../local/format.js';
import {
  isLoopbackHost,
  pickHost,
  resolveHosts,
  type LocalSettings,
  type OllamaHost,
  unknownHost,
} from '../local/host.js';
import { factsCachePath, OllamaInventory } from '../local/inventory.js';
import { CONTEXT_BUCKETS, contextBucket } from '../local/kv.js';
import { budgetWithSource } from '../local/budget.js';
import { buildModelsReport, type ModelsReport } from '../local/report.js';
import { ctxLabel, describeEnsure } from '../local/plan-text.js';
import { ResidencyManager } from '../local/residency.js';
import type { MemorySnapshot } from '../telemetry/memory-snapshot.js';
import { readMemory } from '../telemetry/memory.js';
import { reportFatal } from './fail.js';
import type { CommandIO } from './io.js';

export interface ModelsArgs {
  json?: boolean;
  action?: 'list' | 'load' | 'unload' | 'pin';
  model?: string;
  /**
   * Context to load with (load/pin): a number of tokens or `--ctx` text ("16k", "32768").
   * Default: the largest context bucket that fits the budget beside what is resident.
   */
  numCtx?: number | string;
  /** The config's `local` section (no cap and a 4 GiB reserve when absent). */
  local?: LocalSettings;
  /** Which configured Ollama host (`--host`): URL, host:port or machine name; default the first. */
  host?: string;
}

export interface ModelsIO extends CommandIO {
  /** Memory of the machine Ollama runs on; default: read this machine when the host is local. */
  memory?: () => Promise<MemorySnapshot | undefined>;
}

/** `--ctx` text → tokens: "16k" / "16K" = 16384, "1m" = 1048576, "32768" as is. */
export function parseContextSize(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  const n = m ? Math.round(Number(m[1]) * (m[2] ? 1024 ** ('kK'.includes(m[2]) ? 1 : 2) : 1)) : NaN;
  if (!Number.isInteger(n) || n < 256) {
    throw new KirikaeError('bad_request', `--ctx ${text} is not a context size`, {
      hint: 'e.g. --ctx 16k, --ctx 32768',
    });
  }
  return n;
}

/** Moved to local/host.ts (hosts know whether they are this machine); kept for callers. */
export { isLoopbackHost };

/** The configured host `args.host` names (the first by default); throws when none matches. */
export function commandHost(
  args: Pick<ModelsArgs, 'local' | 'host'>,
  env: NodeJS.ProcessEnv,
): OllamaHost {
  const hosts = resolveHosts(args.local, env);
  const host = pickHost(hosts, args.host);
  if (!host) throw unknownHost(args.host!, hosts);
  return host;
}

/** Installed/resident models with footprints and budget, as data (the UI's models screen too). */
export async function collectModelsReport(
  args: Pick<ModelsArgs, 'local' | 'host'>,
  io: Pick<ModelsIO, 'env' | 'memory'>,
): Promise<ModelsReport> {
  const host = commandHost(args, io.env);
  const inventory = new OllamaInventory({ host: host.url, factsCacheFile: factsCachePath(io.env) });
  const memoryReader =
    io.memory ?? (host.thisMachine ? () => readMemory().catch(() => undefined) : undefined);
  const [snapshot, memory] = await Promise.all([inventory.snapshot(), memoryReader?.()]);
  const kv = { numParallel: args.local?.numParallel, cacheType: args.local?.kvCacheType };
  const budget = budgetWithSource({
    configuredBytes: host.memoryBudgetBytes,
    gpuWiredLimitBytes: memory?.gpuWiredLimitBytes,
    reserveBytes: host.reserveBytes,
  });
  return buildModelsReport({
    host: host.url,
    version: snapshot.version,
    installed: snapshot.installed,
    resident: snapshot.resident,
    kv,
    budget: {
      budgetBytes: budget.bytes,
      source: budget.source,
      configuredBytes: host.memoryBudgetBytes,
      reserveBytes: host.reserveBytes,
      gpuWiredLimitBytes: memory?.gpuWiredLimitBytes,
      gpuWiredLimitDefaulted: memory?.gpuWiredLimitDefaulted,
    },
  });
}

const GiB = 1024 ** 3;

export function renderBar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
}

/** Plain-text table: one row per model, memory (GiB) at each context bucket. */
export function renderModelsReport(report: ModelsReport): string {
  const lines: string[] = [`Ollama ${report.version} at ${report.host}`];
  if (!report.models.length) {
    lines.push('No models installed. Try `kirikae pull qwen3-coder:30b`.');
  } else {
    const header = [
      'MODEL',
      'PARAMS',
      'QUANT',
      'SIZE',
      ...CONTEXT_BUCKETS.map(ctxLabel),
      'CAPABILITIES',
      'RESIDENT',
    ];
    const rows = report.models.map((m) => {
      // Each footprint goes in the column of its bucket; an embedding model's 2K context shows
      // under 4K rather than nowhere.
      const byCtx = new Map(m.footprints.map((f) => [contextBucket(f.numCtx), f]));
      const cells = CONTEXT_BUCKETS.map((b) => {
        const f = byCtx.get(b);
        if (!f) return '—';
        // A trailing ! marks a size that does not fit the budget even on an empty machine.
        return `${(f.bytes / GiB).toFixed(1)}${f.fits ? '' : '!'}`;
      });
      const r = m.resident;
      const resident = r
        ? `● ${formatBytes(r.sizeBytes)}${r.contextLength ? ` @${ctxLabel(r.contextLength)}` : ''}${r.pinned ? ' pinned' : ''}`
        : '';
      return [
        m.name,
        m.parameterSize ?? '?',
        m.quantization ?? '?',
        formatBytes(m.sizeBytes),
        ...cells,
        m.capabilities.join(',') || '-',
        resident,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (cells: string[]) =>
      cells
        .map((c, i) =>
          i >= 4 && i < 4 + CONTEXT_BUCKETS.length ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
        )
        .join('  ')
        .trimEnd();
    lines.push(fmt(header), ...rows.map(fmt));
    lines.push('Memory in GiB at each context (weights + KV cache); ! = over the budget.');
  }
  if (report.suggested.length) {
    lines.push(
      '',
      'Not installed, suggested for coding (kirikae pull <model>; memory at 32K context):',
    );
    const w = Math.max(...report.suggested.map((c) => c.name.length));
    for (const c of report.suggested) {
      const fit = c.fits ? 'fits' : 'over budget';
      lines.push(
        `  ${c.name.padEnd(w)}  ~${formatBytes(c.footprintBytes).padStart(8)}  ${fit.padEnd(11)}  ${c.purpose}`,
      );
    }
  }
  const b = report.budget;
  const limit =
    b.gpuWiredLimitBytes === undefined
      ? ''
      : `, GPU limit ${formatBytes(b.gpuWiredLimitBytes)}${b.gpuWiredLimitDefaulted ? ' (default)' : ''}`;
  const cap = b.configuredBytes === undefined ? '' : `cap ${formatBytes(b.configuredBytes)}, `;
  const origin =
    b.source === 'fallback'
      ? 'machine unknown: set local.hosts[].memoryBudgetGb, '
      : limit
        ? ''
        : 'GPU limit unknown, ';
  lines.push(
    `Budget ${renderBar(b.budgetBytes ? b.residentBytes / b.budgetBytes : 1)} ${formatBytes(b.residentBytes)} of ${formatBytes(b.budgetBytes)} resident ` +
      `(${cap}${origin}${limit.replace(/^, /, '')}${limit ? ', ' : ''}reserve ${formatBytes(b.reserveBytes)})`,
  );
  return lines.join('\n') + '\n';
}

/** `kirikae models [list|load|unload|pin] [model] [--json]` → exit code. */
export async function runModels(args: ModelsArgs, io: ModelsIO): Promise<number> {
  const action = args.action ?? 'list';
  const out = (text: string) => io.stdout.write(text);
  try {
    if (action === 'list') {
      const report = await collectModelsReport(args, io);
      out(args.json ? JSON.stringify(report, null, 2) + '\n' : renderModelsReport(report));
      return 0;
    }
    if (!args.model) {
      throw new KirikaeError('bad_request', `models ${action} needs a model name`, {
        hint: `e.g. kirikae models ${action} qwen3-coder:30b`,
      });
    }
    const host = commandHost(args, io.env);
    const inventory = new OllamaInventory({
      host: host.url,
      factsCacheFile: factsCachePath(io.env),
    });
    const memoryReader =
      io.memory ?? (host.thisMachine ? () => readMemory().catch(() => undefined) : undefined);
    const memory = await memoryReader?.();
    const residency = new ResidencyManager({
      inventory,
      host,
      memory: () => memory,
      kv: { numParallel: args.local?.numParallel, cacheType: args.local?.kvCacheType },
      keepAlive: args.local?.keepAlive,
      pinned: args.local?.pinned,
    });
    if (action === 'unload') {
      await residency.unload(args.model);
      out(
        args.json
          ? JSON.stringify({ model: args.model, unloaded: true }) + '\n'
          : `Unloaded ${args.model}\n`,
      );
      return 0;
    }
    const numCtx =
      args.numCtx === undefined
        ? await residency.largestFittingContext(args.model, CONTEXT_BUCKETS)
        : parseContextSize(args.numCtx);
    if (numCtx === undefined) {
      // Nothing fits even at the smallest context: show why with the smallest plan.
      const plan = (await residency.plan(args.model, CONTEXT_BUCKETS[0]!)).plan;
      out(
        args.json
          ? JSON.stringify({ model: args.model, action, status: 'does_not_fit', plan }, null, 2) +
              '\n'
          : `${args.model} does not fit at any context: ${plan.reason}\n`,
      );
      return 1;
    }
    // --ctx is the user's own choice: that context, even when resident at a larger one.
    const exact = args.numCtx !== undefined;
    const result =
      action === 'pin'
        ? await residency.pin(args.model, numCtx, exact)
        : await residency.ensureResident(args.model, numCtx, { exact });
    if (args.json) {
      out(JSON.stringify({ model: args.model, action, ...result }, null, 2) + '\n');
    } else {
      const line = describeEnsure(args.model, result);
      out(`${line}${action === 'pin' && result.status !== 'does_not_fit' ? ' (pinned)' : ''}\n`);
    }
    return result.status === 'does_not_fit' ? 1 : 0;
  } catch (error) {
    const host = pickHost(resolveHosts(args.local, io.env), args.host)?.url ?? args.host ?? '';
    return reportFatal(toOllamaError(error, host, args.model), io.stderr, io.env);
  }
}
