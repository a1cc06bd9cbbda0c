import { loadConfig, type Config } from '../config/index.js';
import {
  KirikaeError,
  ZERO_USAGE,
  totalInput,
  type CallRecord,
  type LedgerRecord,
  type Provider,
  type StreamMetrics,
  type Usage,
} from '../core/index.js';
import { runHeadless } from '../agent/headless.js';
import { ledgerDir, openLedger } from '../ledger/store.js';
import type { RouteOverride } from '../router/types.js';
import { routingHistory } from '../app/ledger-history.js';
import { decideRoute } from './route.js';
import { parseTier } from '../core/tier.js';
import { createProvider } from '../providers/index.js';
import { buildCallRecord } from '../app/call-record.js';
import { tierOfModel } from '../router/table.js';
import { resolveModel } from '../app/resolve-model.js';
import { summaryLine } from '../app/summary.js';
import type { CommandIO } from './io.js';

export interface PrintArgs {
  prompt: string;
  model?: string;
  tier?: string;
  yes?: boolean;
  json?: boolean;
}

/**
 * `kirikae -p`: one prompt, streamed to stdout, with a summary line on stderr (or one JSON
 * object with --json). Ctrl-C stops the stream and still reports the usage known so far.
 */
export async function runPrint(args: PrintArgs, io: CommandIO): Promise<number> {
  const loaded = loadConfig(io.env);
  for (const problem of loaded.problems) io.stderr.write(`kirikae: warning: ${problem}\n`);
  const config = loaded.config;
  if (!args.prompt.trim())
    throw new KirikaeError('config', 'The prompt is empty', {
      hint: 'Example: kirikae -p "explain this error: …"',
    });

  const { history, monthSpendUsd } = await routingHistory(io.env);
  const modelId = await chooseModel(args, config, io, { history, monthSpendUsd });
  const ref = resolveModel(modelId, config);
  const provider = createProvider(ref.provider, {
    env: io.env,
    onNotice: (message) => io.stderr.write(`kirikae: ${message}\n`),
  });

  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  let outcome: Outcome;
  try {
    outcome = args.yes
      ? await runWithTools(provider, ref.model, args.prompt, config, io, abort.signal, !args.json)
      : await runPlain(provider, ref.model, args.prompt, io, abort.signal, !args.json);
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { text, usage, billedUsd, stopReason, metrics, error } = outcome;

  const record = buildCallRecord(
    {
      session: 'print',
      task: 'print',
      turn: 1,
      ref,
      tier: tierOfModel(config, modelId),
      decision: 'headless',
      usage,
      billedUsd,
      durationMs: metrics.durationMs,
      tokPerSec: metrics.tokPerSec,
      outcome: error ? (error.kind === 'aborted' ? 'aborted' : 'error') : 'ok',
      errorKind: error?.kind,
    },
    config,
  );
  recordCall(record, io);

  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({
        model: modelId,
        text,
        usage: {
          input: usage.input,
          output: usage.output,
          cacheRead: usage.cacheRead,
          cacheWrite: usage.cacheWrite,
        },
        costUsd: record.costUsd,
        tokPerSec: metrics.tokPerSec ?? null,
        durationMs: Math.round(metrics.durationMs),
        stopReason,
        ...(error ? { error: { kind: error.kind, message: error.describe() } } : {}),
      })}\n`,
    );
  } else if (text && !text.endsWith('\n')) {
    io.stdout.write('\n');
  }
  // A call that failed before anything came back (no key, server down, rate limited) has no
  // usage to summarise: the error is then the one line on stderr.
  const received = text !== '' || totalInput(usage) + usage.output > 0;
  if (received || !error) {
    io.stderr.write(
      `${summaryLine({ model: modelId, usage, costUsd: record.costUsd, tokPerSec: metrics.tokPerSec, durationMs: metrics.durationMs, stopReason })}\n`,
    );
  }
  if (error) {
    io.stderr.write(`kirikae: ${error.describe()}\n`);
    return error.kind === 'aborted' ? 130 : 1;
  }
  return 0;
}

interface Outcome {
  text: string;
  usage: Usage;
  billedUsd?: number;
  stopReason: string;
  metrics: StreamMetrics;
  error?: KirikaeError;
}

/** One model call, no tools: the answer streams straight to stdout. */
async function runPlain(
  provider: Provider,
  model: string,
  prompt: string,
  io: CommandIO,
  signal: AbortSignal,
  echo: boolean,
): Promise<Outcome> {
  const out: Outcome = {
    text: '',
    usage: ZERO_USAGE,
    stopReason: 'other',
    metrics: { durationMs: 0 },
  };
  for await (const event of provider.stream(
    { model, messages: [{ role: 'user', content: prompt }] },
    signal,
  )) {
    if (event.type === 'text') {
      out.text += event.text;
      if (echo) io.stdout.write(event.text);
    } else if (event.type === 'usage') {
      out.usage = event.usage;
      out.billedUsd = event.billedUsd;
    } else if (event.type === 'notice') {
      io.stderr.write(`kirikae: ${event.message}\n`);
    } else if (event.type === 'done') {
      out.stopReason = event.stopReason;
      out.metrics = event.metrics;
    } else if (event.type === 'error') {
      out.error = event.error;
      out.stopReason = event.error.kind === 'aborted' ? 'aborted' : 'error';
      out.metrics = event.metrics;
    }
  }
  return out;
}

/** --yes: the full agent loop with tools; tool activity is reported on stderr. */
async function runWithTools(
  provider: Provider,
  model: string,
  prompt: string,
  config: Config,
  io: CommandIO,
  signal: AbortSignal,
  echo: boolean,
): Promise<Outcome> {
  let text = '';
  let metrics: StreamMetrics = { durationMs: 0 };
  let billedUsd: number | undefined;
  let billedAll = true;
  const result = await runHeadless({
    provider,
    model,
    prompt,
    cwd: process.cwd(),
    config,
    yes: true,
    signal,
    verify: true,
    onText: (delta) => {
      text += delta;
      if (echo) io.stdout.write(delta);
    },
    onEvent: (event) => {
      if (event.type === 'tool_result')
        io.stderr.write(`${event.ok ? '✓' : '✗'} ${event.name} ${event.summary}\n`);
      if (event.type === 'notice') io.stderr.write(`kirikae: ${event.message}\n`);
      if (event.type === 'model_call') {
        metrics = { ...event.metrics, durationMs: metrics.durationMs + event.metrics.durationMs };
        if (event.billedUsd === undefined) billedAll = false;
        else billedUsd = (billedUsd ?? 0) + event.billedUsd;
      }
    },
  });
  if (result.verify) {
    io.stderr.write(
      `${result.verify.passed ? '✓' : '✗'} ${result.verify.command}: ${result.verify.summary}\n`,
    );
  }
  return {
    text,
    usage: result.usage,
    ...(billedAll && billedUsd !== undefined ? { billedUsd } : {}),
    stopReason: result.stopReason,
    metrics,
    ...(result.error ? { error: result.error } : {}),
  };
}

/** --model, else the first model of --tier, else what the router proposes. */
async function chooseModel(
  args: PrintArgs,
  config: Config,
  io: CommandIO,
  ledger: { history: LedgerRecord[]; monthSpendUsd: number },
): Promise<string> {
  if (args.model) return args.model;
  const override: RouteOverride = {};
  if (args.tier !== undefined) {
    const tier = parseTier(args.tier);
    if (tier === undefined) throw new KirikaeError('config', `--tier ${args.tier} is not 0–4`);
    override.tier = tier;
  }
  const decision = await decideRoute(args.prompt, override, config, io.env, ledger);
  if (!decision.chosen.available) {
    throw new KirikaeError(
      'config',
      `No route available: ${decision.chosen.unavailableReason ?? 'every model is unavailable'}`,
      {
        hint: 'kirikae doctor shows what is missing; or pass --model provider/model',
      },
    );
  }
  io.stderr.write(
    `kirikae: routed to ${decision.chosen.model} (${decision.taskType}, tier ${decision.chosen.tier ?? '-'})\n`,
  );
  return decision.chosen.model;
}

/** A ledger that cannot be written is reported; the answer is still printed. */
function recordCall(record: CallRecord, io: CommandIO): void {
  try {
    const ledger = openLedger(ledgerDir(io.env));
    try {
      ledger.recordCall(record);
    } finally {
      ledger.close();
    }
  } catch (error) {
    io.stderr.write(
      `kirikae: warning: spend not recorded: ${error instanceof KirikaeError ? error.describe() : String(error)}\n`,
    );
  }
}
