// The local models screen (Ctrl-O): what Ollama has installed, what it costs in memory at each
// context size, what is resident against the budget; load, unload, pin and delete from here.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type {
  ModelEntry,
  ModelsPort,
  ModelsView,
  PortResult,
} from '../../session/ports/screen-ports.js';
import { NUM_CTX_BUCKETS as CONTEXT_BUCKETS } from '../../core/num-ctx.js';
import { bytes } from '../../present/units.js';
import { truncate } from '../format.js';
import { useKeys } from '../hooks/use-keys.js';
import type { KeyEvent } from '../keys.js';
import { tierColor } from '../theme.js';
import { useTheme } from '../theme-context.js';
import {
  cell,
  clampIndex,
  fitColumns,
  KeyLegend,
  marker,
  memoryBarCells,
  MessageLine,
  packParts,
  ScreenTitle,
  visibleWindow,
  type ColumnSpec,
  type LegendItem,
  type ScreenMessage,
} from './screen-kit.js';

const GiB = 1024 ** 3;
const MAX_ROWS = 12;
const MIN_NAME = 12;

// ─── pure layout ───────────────────────────────────────────────────────────────────────────

export type ModelColumnKey =
  'params' | 'quant' | 'disk' | 'caps' | 'tier' | 'resident' | `ctx${number}`;

interface ModelColumn extends ColumnSpec {
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
  const fit = fitColumns(MODEL_COLUMNS, width - 2, MIN_NAME);
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

// ─── components ────────────────────────────────────────────────────────────────────────────

function MemoryBar({ view, width }: { view: ModelsView; width: number }) {
  const theme = useTheme();
  const { residentBytes, budgetBytes } = view.budget;
  const label = 'memory ';
  const cells = Math.max(4, width - label.length);
  const { filled, budgetAt } = memoryBarCells(
    residentBytes,
    budgetBytes,
    view.physicalBytes,
    cells,
  );
  const over = residentBytes > budgetBytes;
  const rest = cells - filled;
  const markerAt = budgetAt !== undefined && budgetAt >= filled ? budgetAt - filled : undefined;
  const summary = [
    `resident ${bytes(residentBytes, 0)}`,
    `budget ${bytes(budgetBytes, 0)}`,
    ...(view.physicalBytes ? [`RAM ${bytes(view.physicalBytes, 0)}`] : []),
  ];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.colors.muted}>{label}</Text>
        <Text color={over ? theme.colors.warn : theme.colors.local}>{'█'.repeat(filled)}</Text>
        {markerAt === undefined ? (
          <Text color={theme.colors.muted}>{'░'.repeat(rest)}</Text>
        ) : (
          <>
            <Text color={theme.colors.muted}>{'░'.repeat(markerAt)}</Text>
            <Text color={theme.colors.accent}>│</Text>
            <Text color={theme.colors.muted}>{'░'.repeat(Math.max(0, rest - markerAt - 1))}</Text>
          </>
        )}
      </Text>
      {packParts(summary, width).map((line, i) => (
        <Text key={i} color={over ? theme.colors.warn : theme.colors.text} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

function ModelRowView({
  model,
  selected,
  columns,
  nameWidth,
}: {
  model: ModelEntry;
  selected: boolean;
  columns: readonly ModelColumn[];
  nameWidth: number;
}) {
  const theme = useTheme();
  const colorOf = (key: ModelColumnKey, text: string): string | undefined => {
    if (key === 'resident') return theme.colors.local;
    if (key === 'tier') return tierColor(theme, model.tier);
    if (key.startsWith('ctx') && text.endsWith('!')) return theme.colors.warn;
    return theme.colors.muted;
  };
  return (
    <Text wrap="truncate-end">
      <Text color={theme.colors.accent}>{marker(selected)}</Text>
      <Text color={model.resident ? theme.colors.local : theme.colors.text} bold={selected}>
        {cell(model.name, nameWidth)}
      </Text>
      {columns.map((c) => {
        const text = modelCell(model, c.key);
        return (
          <Text key={c.key} color={colorOf(c.key, text)}>
            {' '}
            {cell(text, c.width, c.align)}
          </Text>
        );
      })}
    </Text>
  );
}

function ModelTable({
  models,
  selected,
  width,
}: {
  models: readonly ModelEntry[];
  selected: number;
  width: number;
}) {
  const theme = useTheme();
  const { columns, nameWidth } = modelColumns(
    width,
    Math.max(...models.map((m) => [...m.name].length)),
  );
  const { start, end } = visibleWindow(models.length, selected, MAX_ROWS);
  const header =
    '  ' +
    cell('MODEL', nameWidth) +
    columns.map((c) => ' ' + cell(c.header, c.width, c.align)).join('');
  const showsCtx = columns.some((c) => c.key.startsWith('ctx'));
  return (
    <Box flexDirection="column">
      <Text color={theme.colors.muted} wrap="truncate-end">
        {header}
      </Text>
      {start > 0 ? <Text color={theme.colors.muted}>{`  ↑ ${start} more`}</Text> : null}
      {models.slice(start, end).map((m, i) => (
        <ModelRowView
          key={m.name}
          model={m}
          selected={start + i === selected}
          columns={columns}
          nameWidth={nameWidth}
        />
      ))}
      {end < models.length ? (
        <Text color={theme.colors.muted}>{`  ↓ ${models.length - end} more`}</Text>
      ) : null}
      {showsCtx ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {truncate('GiB at each context (weights + KV cache); ! over budget', width)}
        </Text>
      ) : null}
    </Box>
  );
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

function ModelDetails({ model, width }: { model: ModelEntry; width: number }) {
  const theme = useTheme();
  // Lines break between facts, never inside one; a single long sentence wraps by words.
  const lines = detailParts(model).flatMap((parts) =>
    parts.length > 1 ? packParts(parts, width) : parts,
  );
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} color={i === 0 ? theme.colors.text : theme.colors.muted} wrap="wrap">
          {line}
        </Text>
      ))}
    </Box>
  );
}

const LEGEND: readonly LegendItem[] = [
  ['↑↓', 'select'],
  ['l', 'load'],
  ['u', 'unload'],
  ['p', 'pin'],
  ['d', 'delete'],
  ['i', 'details'],
  ['r', 'refresh'],
  ['Esc', 'back'],
];

// ─── screen ────────────────────────────────────────────────────────────────────────────────

type Action = 'loadModel' | 'unload' | 'pin' | 'unpin' | 'remove';

const ACTION_VERB: Record<Action, string> = {
  loadModel: 'Loading',
  unload: 'Unloading',
  pin: 'Pinning',
  unpin: 'Unpinning',
  remove: 'Deleting',
};

function failed(error: unknown): PortResult<never> {
  return { ok: false, error: error instanceof Error ? error.message : String(error) };
}

export function ModelsScreen({
  port,
  width,
  active,
}: {
  port: ModelsPort;
  width: number;
  active: boolean;
}) {
  const theme = useTheme();
  // Each refresh bumps the token; a result belongs to the token it was loaded for, so
  // "loading" is derived rather than set from an effect.
  const [token, setToken] = useState(0);
  const [loaded, setLoaded] = useState<{ token: number; result: PortResult<ModelsView> }>();
  const [selected, setSelected] = useState(0);
  const [details, setDetails] = useState(false);
  const [confirm, setConfirm] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<ScreenMessage>();

  useEffect(() => {
    let live = true;
    port
      .load()
      .catch(failed)
      .then((result) => {
        if (live) setLoaded({ token, result });
      });
    return () => {
      live = false;
    };
  }, [port, token]);

  const view = loaded?.result.ok ? loaded.result.value : undefined;
  const models = view?.models ?? [];
  const index = clampIndex(selected, models.length);
  const current = models[index];
  const loading = loaded?.token !== token;

  const run = (action: Action, name: string): void => {
    if (busy) {
      setMessage({ level: 'warn', text: `Wait: ${busy}` });
      return;
    }
    const label = `${ACTION_VERB[action]} ${name}…`;
    setBusy(label);
    setMessage({ level: 'info', text: label });
    port[action](name)
      .catch(failed)
      .then((result) => {
        setBusy(undefined);
        setMessage(
          result.ok
            ? { level: 'success', text: result.value }
            : { level: 'error', text: result.error },
        );
        setToken((t) => t + 1);
      });
  };

  const onKey = (key: KeyEvent): void => {
    if (confirm) {
      setConfirm(undefined);
      if (key.name === 'char' && key.text.toLowerCase() === 'y') run('remove', confirm);
      else setMessage({ level: 'info', text: `Kept ${confirm}` });
      return;
    }
    if (key.name === 'up') return setSelected(Math.max(0, index - 1));
    if (key.name === 'down') return setSelected(clampIndex(index + 1, models.length));
    if (key.name === 'enter') return setDetails((d) => !d);
    if (key.name !== 'char') return;
    if (key.text === 'r') {
      setMessage(undefined);
      return setToken((t) => t + 1);
    }
    if (!current) return;
    switch (key.text) {
      case 'i':
        return setDetails((d) => !d);
      case 'l':
        return run('loadModel', current.name);
      case 'u':
        return run('unload', current.name);
      case 'p':
        return run(current.resident?.pinned ? 'unpin' : 'pin', current.name);
      case 'd':
        setMessage(undefined);
        return setConfirm(current.name);
    }
  };
  useKeys(onKey, active);

  return (
    <Box flexDirection="column" width={width}>
      <ScreenTitle
        title="Local models"
        detail={view ? `Ollama ${view.version} at ${view.host}` : port.host}
        width={width}
      />
      {view ? <MemoryBar view={view} width={width} /> : null}
      {loading ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {truncate(view ? 'Refreshing…' : `Loading models from ${port.host}…`, width)}
        </Text>
      ) : null}
      {loaded && !loaded.result.ok ? (
        <MessageLine message={{ level: 'error', text: loaded.result.error }} width={width} />
      ) : null}
      {view && !models.length ? (
        <Text color={theme.colors.muted} wrap="wrap">
          No models installed. Ctrl-T pulls one.
        </Text>
      ) : null}
      {models.length ? <ModelTable models={models} selected={index} width={width} /> : null}
      {details && current ? <ModelDetails model={current} width={width} /> : null}
      {confirm ? (
        <MessageLine
          message={{
            level: 'warn',
            text: `Delete ${confirm} from disk? y: delete · any other key: keep`,
          }}
          width={width}
        />
      ) : null}
      {message && !confirm ? <MessageLine message={message} width={width} /> : null}
      <KeyLegend items={LEGEND} width={width} />
    </Box>
  );
}
