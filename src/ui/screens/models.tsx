// The local models screen (Ctrl-O): what each Ollama host has installed, what it costs in
// memory at each context size, what is resident against that host's budget; load, unload, pin
// and delete act on the host of the selected row.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type {
  ModelEntry,
  ModelsPort,
  ModelsView,
  PortResult,
} from '../../session/ports/screen-ports.js';
import { truncate } from '../format.js';
import { missingModels } from '../../session/ports/screen-ports.js';
import { useKeys } from '../hooks/use-keys.js';
import type { KeyEvent } from '../keys.js';
import { useTheme } from '../theme-context.js';
import { MemoryBar, ModelDetails, ModelTable } from './models-parts.js';
import {
  clampIndex,
  KeyLegend,
  MessageLine,
  ScreenTitle,
  type LegendItem,
  type ScreenMessage,
} from './screen-kit.js';

export {
  capabilityLabel,
  ctxLabel,
  detailParts,
  modelCell,
  modelColumns,
  residentLabel,
  type ModelColumnKey,
} from './models-layout.js';

const MAX_ROWS = 12;

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

/** A row of the screen: a model and the host (port) it is on. */
interface Row {
  port: number;
  model: ModelEntry;
}

/** One host's part of the screen: its name and version, memory bar, table or failure. */
function HostSection({
  port,
  result,
  rows,
  selected,
  width,
  maxRows,
  titled,
}: {
  port: ModelsPort;
  result: PortResult<ModelsView> | undefined;
  rows: readonly ModelEntry[];
  selected: number;
  width: number;
  maxRows: number;
  titled: boolean;
}) {
  const theme = useTheme();
  const view = result?.ok ? result.value : undefined;
  return (
    <Box flexDirection="column">
      {titled ? (
        <Text color={theme.colors.local} bold wrap="truncate-end">
          {truncate(
            `⌂ ${port.label ?? port.host}${view ? ` · Ollama ${view.version}` : ''}`,
            width,
          )}
        </Text>
      ) : null}
      {view ? <MemoryBar view={view} width={width} /> : null}
      {result && !result.ok ? (
        <MessageLine message={{ level: 'error', text: result.error }} width={width} />
      ) : null}
      {view && !rows.length ? (
        <Text color={theme.colors.muted} wrap="wrap">
          No models installed. Ctrl-T pulls one.
        </Text>
      ) : null}
      {rows.length ? (
        <ModelTable models={rows} selected={selected} width={width} maxRows={maxRows} />
      ) : null}
    </Box>
  );
}

export function ModelsScreen({
  ports,
  width,
  active,
}: {
  /** One per Ollama host. */
  ports: readonly ModelsPort[];
  width: number;
  active: boolean;
}) {
  const theme = useTheme();
  // Each refresh bumps the token; results belong to the token they were loaded for, so
  // "loading" is derived rather than set from an effect.
  const [token, setToken] = useState(0);
  const [loaded, setLoaded] = useState<{
    token: number;
    results: PortResult<ModelsView>[];
  }>();
  const [selected, setSelected] = useState(0);
  const [details, setDetails] = useState(false);
  const [confirm, setConfirm] = useState<Row>();
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<ScreenMessage>();

  useEffect(() => {
    let live = true;
    void Promise.all(ports.map((p) => p.load().catch(failed))).then((results) => {
      if (live) setLoaded({ token, results });
    });
    return () => {
      live = false;
    };
  }, [ports, token]);

  const results = loaded?.results ?? [];
  const rows: Row[] = results.flatMap((r, port) =>
    r.ok ? r.value.models.map((model) => ({ port, model })) : [],
  );
  const index = clampIndex(selected, rows.length);
  const current = rows[index];
  const loading = loaded?.token !== token;
  const several = ports.length > 1;
  const onHost = (row: Row) => (several ? ` on ${ports[row.port]!.label ?? ''}` : '');

  const run = (action: Action, row: Row): void => {
    if (busy) {
      setMessage({ level: 'warn', text: `Wait: ${busy}` });
      return;
    }
    const label = `${ACTION_VERB[action]} ${row.model.name}${onHost(row)}…`;
    setBusy(label);
    setMessage({ level: 'info', text: label });
    ports[row.port]![action](row.model.name)
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
      else setMessage({ level: 'info', text: `Kept ${confirm.model.name}` });
      return;
    }
    if (key.name === 'up') return setSelected(Math.max(0, index - 1));
    if (key.name === 'down') return setSelected(clampIndex(index + 1, rows.length));
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
        return run('loadModel', current);
      case 'u':
        return run('unload', current);
      case 'p':
        return run(current.model.resident?.pinned ? 'unpin' : 'pin', current);
      case 'd':
        setMessage(undefined);
        return setConfirm(current);
    }
  };
  useKeys(onKey, active);

  const first = results[0]?.ok ? results[0].value : undefined;
  const title = several
    ? `${ports.length} Ollama hosts`
    : first
      ? `Ollama ${first.version} at ${first.host.replace(/^https?:\/\//, '')}`
      : (ports[0]?.host ?? '');
  // What the config calls that no host answering has (a host that failed to answer is not asked).
  const missing = missingModels(results.flatMap((r) => (r?.ok ? [r.value] : [])));
  // Rows before each host's first, so a section knows which of its rows is selected.
  const offsets = results.map((_, i) => rows.filter((r) => r.port < i).length);
  return (
    <Box flexDirection="column" width={width}>
      <ScreenTitle title="Local models" detail={title} width={width} />
      {loading ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {truncate(
            loaded
              ? 'Refreshing…'
              : `Loading models from ${ports.map((p) => p.label ?? p.host).join(', ')}…`,
            width,
          )}
        </Text>
      ) : null}
      {ports.map((port, i) => (
        <HostSection
          key={port.host}
          port={port}
          result={results[i]}
          rows={rows.filter((r) => r.port === i).map((r) => r.model)}
          selected={current?.port === i ? index - offsets[i]! : -1}
          width={width}
          maxRows={several ? Math.max(4, Math.floor(MAX_ROWS / ports.length)) : MAX_ROWS}
          titled={several}
        />
      ))}
      {missing.length ? (
        <Text color={theme.colors.muted} wrap="wrap">
          {`Not installed: ${missing.map((m) => `${m.name} (${m.usedBy})`).join(', ')} · Ctrl-T pulls`}
        </Text>
      ) : null}
      {details && current ? <ModelDetails model={current.model} width={width} /> : null}
      {confirm ? (
        <MessageLine
          message={{
            level: 'warn',
            text: `Delete ${confirm.model.name}${onHost(confirm)} from disk? y: delete · any other key: keep`,
          }}
          width={width}
        />
      ) : null}
      {message && !confirm ? <MessageLine message={message} width={width} /> : null}
      <KeyLegend items={LEGEND} width={width} />
    </Box>
  );
}
