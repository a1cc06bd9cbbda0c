// The models screen's pure layout: which columns fit a width, and what each cell and detail
// line says. No React here, so the golden renders' arithmetic is testable on its own.
import type { ModelEntry } from '../../session/ports/screen-ports.js';
import { NUM_CTX_BUCKETS as CONTEXT_BUCKETS } from '../../core/num-ctx.js';
import { bytes } from '../../present/units.js';
import { fitColumns, type ColumnSpec } from './screen-kit.js';

const GiB = 1024 ** 3;
const MIN_NAME = 12;

export type ModelColumnKey =
  'params' | 'quant' | 'disk' | 'caps' | 'tier' | 'resident' | `ctx${number}`;

export interface ModelColumn extends ColumnSpec {
  key: ModelColumnKey;
  header: string;
  align: 'left' | 'right';
}

export const ctxLabel = (n: number): string => (n >= 1024 ? `${Math.round(n / 1024)}K` : String(n));

// The 32K bucket is what the router loads most; the others go first when space is short.
const CTX_PRIORITY: Record<number, number> = {
  32768: 3,
  8192: 7,
  131072: 9,
  16384: 10,
  65536: 11,
  4096: 12,
};

const MODEL_COLUMNS: readonly ModelColumn[] = [
  { key: 'params', header: 'PARAMS', width: 6, priority: 5, align: 'right' },
  { key: 'quant', header: 'QUANT', width: 7, priority: 6, align: 'left' },
  { key: 'disk', header: 'DISK', width: 7, priority: 2, align: 'right' },
  ...CONTEXT_BUCKETS.map((b): ModelColumn => ({
    key: `ctx${b}`,
    header: ctxLabel(b),
    width: 6,
    priority: CTX_PRIORITY[b] ?? 12,
    align: 'right',
  })),
  { key: 'caps', header: 'CAPS', width: 11, priority: 8, align: 'left' },
  { key: 'tier', header: 'T', width: 2, priority: 4, align: 'left' },
  { key: 'resident', header: 'RESIDENT', width: 12, priority: 1, align: 'left' },
];

/**
 * The columns a `width`-wide table shows (after the 2-cell selection marker and the name). The
 * name column is no wider than the longest name, so the figures sit next to it.
 */
export function modelColumns(
  width: number,
  longestName = Infinity,
): { columns: ModelColumn[]; nameWidth: number } {
  // The whole name comes before the figures ("qwen3-coder…" names nothing), up to half the row.
  const wanted = Number.isFinite(longestName)
    ? Math.max(MIN_NAME, Math.min(longestName, Math.floor((width - 2) / 2)))
    : MIN_NAME;
  const fit = fitColumns(MODEL_COLUMNS, width - 2, wanted);
  return {
    columns: fit.columns,
    nameWidth: Math.min(fit.flexWidth, Math.max(MIN_NAME, longestName)),
  };
}

const CAP_SHORT: Record<string, string> = {
  completion: '',
  tools: 'tools',
  vision: 'vis',
  thinking: 'think',
  embedding: 'embed',
  insert: 'fim',
};

/** Capabilities worth telling apart ("completion" is every chat model's, so it is left out). */
export function capabilityLabel(caps: readonly string[]): string {
  const short = caps.map((c) => CAP_SHORT[c] ?? c).filter(Boolean);
  return short.length ? short.join(',') : '–';
}

export function residentLabel(model: ModelEntry): string {
  const r = model.resident;
  if (!r) return '';
  // Whole GiB in the table: the column is as narrow as the row allows.
  return `● ${bytes(r.sizeBytes, 0)}${r.pinned ? ' pin' : ''}`;
}

/** The footprint shown under bucket `b` (an embedding model's 2K context sits under 4K). */
function footprintAt(model: ModelEntry, bucket: number) {
  return model.footprints.find((f) => CONTEXT_BUCKETS.find((b) => b >= f.numCtx) === bucket);
}

export function modelCell(model: ModelEntry, key: ModelColumnKey): string {
  switch (key) {
    case 'params':
      return model.parameterSize ?? '?';
    case 'quant':
      return model.quantization ?? '?';
    case 'disk':
      return bytes(model.sizeBytes, 0);
    case 'caps':
      return capabilityLabel(model.capabilities);
    case 'tier':
      return model.tier === undefined ? '' : `T${model.tier}`;
    case 'resident':
      return residentLabel(model);
    default: {
      const f = footprintAt(model, Number(key.slice(3)));
      // A trailing ! marks a size over the budget even on an otherwise empty machine.
      return f ? `${(f.bytes / GiB).toFixed(1)}${f.fits ? '' : '!'}` : '—';
    }
  }
}

/** The facts behind the memory estimate, and what the table had to cut; one array per line. */
export function detailParts(model: ModelEntry): string[][] {
  const f = model.facts;
  const known = (label: string, value: number | string | undefined) =>
    `${label} ${value === undefined ? '?' : value}`;
  const r = model.resident;
  const identity = [f.architecture ?? model.family, model.parameterSize, model.quantization];
  return [
    [model.name, ...identity.filter((x): x is string => !!x), `${bytes(model.sizeBytes)} on disk`],
    [
      known('layers', f.layers),
      known('KV heads', f.kvHeads),
      known('head size', f.headSize),
      known('context', f.contextLength),
    ],
    [
      `capabilities ${model.capabilities.join(', ') || 'unknown'}`,
      model.tokPerSec === undefined
        ? 'speed not measured yet'
        : `${model.tokPerSec.toFixed(0)} tok/s measured`,
    ],
    model.footprints.map(
      (fp, i) =>
        `${i === 0 ? 'memory ' : ''}${ctxLabel(fp.numCtx)} ${bytes(fp.bytes)}${fp.fits ? '' : '!'}`,
    ),
    r
      ? [
          `resident ${bytes(r.sizeBytes)}` +
            (r.contextLength ? ` at ${ctxLabel(r.contextLength)} context` : ''),
          ...(r.pinned ? ['pinned'] : []),
        ]
      : ['not loaded'],
    [
      model.tier === undefined
        ? `no tier: add "ollama/${model.name}" to tiers.3 in the config to route to it`
        : `tier ${model.tier} (config tiers.${model.tier})`,
    ],
  ];
}
