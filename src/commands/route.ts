import { Ollama } from 'ollama';
import { loadConfig } from '../config/store.js';
import type { Config } from '../config/schema.js';
import { normalizeOllamaHost } from '../config/ollama-host.js';
import { isKirikaeError } from '../core/errors.js';
import { parseModelRef, type ProviderId } from '../core/model-ref.js';
import type { LedgerRecord } from '../core/records.js';
import { TIER_NAMES, isTier } from '../core/tier.js';
import { classify } from '../router/classify.js';
import { KEY_ENV, localFromTags } from '../router/constraints.js';
import { percent, seconds, tokens, usd } from '../router/format.js';
import { modelClassify, ollamaClassifierClient } from '../router/model-classify.js';
import { route } from '../router/route.js';
import { loadTokenizer } from '../router/tokenizer.js';
import { RouterSession } from '../router/session.js';
import type { LocalAdapter, RouteDecision, RouteOption, RouteOverride } from '../router/types.js';
import type { CommandIO } from './io.js';

export interface RouteArgs {
  prompt: string;
  json?: boolean;
  /** Force a model (`provider/model`) for this prompt. */
  model?: string;
  /** Force a tier 0–4 for this prompt. */
  tier?: number;
}

/**
 * Ledger facts the router learns from. The lead wires the ledger reader here; until then the
 * command routes on priors alone.
 */
export interface RouteLedgerInput {
  history?: readonly LedgerRecord[];
  monthSpendUsd?: number;
}

/** The /api/tags probe must not hold up a command: past this, Ollama counts as down. */
export const OLLAMA_PROBE_TIMEOUT_MS = 800;
/** Asks Ollama what is installed and loaded; undefined when it does not answer in time. */
async function probeOllama(host: string): Promise<LocalAdapter | undefined> {
  const client = new Ollama({
    host,
    fetch: (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(OLLAMA_PROBE_TIMEOUT_MS) }),
  });
  try {
    const [tags, ps] = await Promise.all([
      client.list(),
      client.ps().catch(() => ({ models: [] })),
    ]);
    return localFromTags(tags.models, ps.models);
  } catch {
    return undefined;
  }
}

/** The JSON shape of one route: the fields the brief fixes, plus availability. */
function routeJson(option: RouteOption) {
  return {
    model: option.model,
    tier: option.tier,
    available: option.available,
    ...(option.unavailableReason ? { unavailableReason: option.unavailableReason } : {}),
    ...(option.needsConfirmation
      ? { needsConfirmation: true, confirmReason: option.confirmReason }
      : {}),
    coldCache: option.coldCache,
    ...(option.loadsModel ? { loadsModel: option.loadsModel } : {}),
    estimate: option.estimate,
  };
}

function tierLabel(option: RouteOption): string {
  return option.tier === null ? 'no tier' : `tier ${option.tier} ${TIER_NAMES[option.tier]}`;
}

function costLine(option: RouteOption): string {
  const e = option.estimate;
  return `${usd(e.usdP50)} p50 · ${usd(e.usdP90)} p90 · ${usd(e.expectedUsdPerTask)} per completed task · p(success) ${percent(e.pSuccess)}`;
}

function formatText(decision: RouteDecision): string {
  const c = decision.chosen;
  const e = c.estimate;
  const lines: string[] = [];
  lines.push(
    `task        ${decision.taskType} · complexity ${decision.complexity} · confidence ${decision.confidence.toFixed(2)}`,
  );
  lines.push(
    `route       ${tierLabel(c)} → ${c.model}${c.available ? '' : `  (unavailable: ${c.unavailableReason})`}`,
  );
  lines.push(
    `tokens      in ${tokens(e.inputTokens)} (cache read ${tokens(e.cacheReadTokens)}, cache write ${tokens(e.cacheWriteTokens)}) · out ${tokens(e.outputTokens)} (p90 ${tokens(e.outputTokensP90)})`,
  );
  lines.push(`cost        ${costLine(c)}`);
  lines.push(
    `time        ~${seconds(e.seconds)}${c.loadsModel ? ` incl. model load ${seconds(c.loadsModel.seconds)}` : ''}`,
  );
  if (c.needsConfirmation) lines.push(`confirm     ${c.confirmReason}`);
  lines.push('why');
  for (const reason of decision.reasons) lines.push(`  - ${reason}`);
  if (decision.alternatives.length) {
    lines.push('alternatives');
    for (const alt of decision.alternatives) {
      lines.push(
        alt.available
          ? `  ${tierLabel(alt)}  ${alt.model}  ${costLine(alt)} · ~${seconds(alt.estimate.seconds)}`
          : `  ${tierLabel(alt)}  ${alt.model}  unavailable: ${alt.unavailableReason}`,
      );
    }
  }
  for (const warning of decision.warnings) lines.push(`warning     ${warning}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `kirikae route "<prompt>"`: shows how a prompt would be routed and what it would cost,
 * without sending anything. Exit code 0, or 2 for a bad argument.
 */
/**
 * The routing decision for one prompt outside the interactive session (`kirikae route`,
 * `kirikae -p` without --model): probes Ollama briefly and learns from the ledger records given.
 */
export async function decideRoute(
  prompt: string,
  override: RouteOverride,
  config: Config,
  env: NodeJS.ProcessEnv,
  ledger: RouteLedgerInput = {},
): Promise<RouteDecision> {
  const host = normalizeOllamaHost(env.OLLAMA_HOST);
  await loadTokenizer();
  const local = await probeOllama(host);
  const hasKey = (provider: ProviderId) =>
    provider === 'ollama' ? true : Boolean(env[KEY_ENV[provider]]?.trim());

  const session = new RouterSession();
  let classification = classify(
    prompt,
    {},
    { longContextThreshold: config.routing.longContextThreshold },
  );
  if (local) {
    // Unsure rules get a second opinion from a small model, only if one is already loaded.
    classification = await modelClassify(prompt, classification, {
      client: ollamaClassifierClient(host),
      keepAlive: config.local.keepAlive,
    });
  }

  return route(
    { prompt, override, classification },
    {
      config,
      session,
      history: ledger.history ?? [],
      monthSpendUsd: ledger.monthSpendUsd,
      hasKey,
      local,
      localUnavailableReason: local ? undefined : `Ollama not reachable at ${host}`,
    },
  );
}

export async function runRoute(
  args: RouteArgs,
  io: CommandIO,
  ledger: RouteLedgerInput = {},
): Promise<number> {
  const prompt = args.prompt?.trim() ?? '';
  if (!prompt) {
    io.stderr.write('kirikae route: give a prompt, e.g. kirikae route "fix the typo in README"\n');
    return 2;
  }
  const override: RouteOverride = {};
  try {
    if (args.model) {
      parseModelRef(args.model);
      override.model = args.model;
    }
  } catch (error) {
    io.stderr.write(`kirikae route: ${isKirikaeError(error) ? error.describe() : String(error)}\n`);
    return 2;
  }
  if (args.tier !== undefined) {
    if (!isTier(args.tier)) {
      io.stderr.write(`kirikae route: tier must be 0–4, got ${args.tier}\n`);
      return 2;
    }
    override.tier = args.tier;
  }

  const loaded = loadConfig(io.env);
  for (const problem of loaded.problems) io.stderr.write(`config: ${problem}\n`);
  const decision = await decideRoute(prompt, override, loaded.config, io.env, ledger);

  if (args.json) {
    const out = {
      taskType: decision.taskType,
      complexity: decision.complexity,
      confidence: decision.confidence,
      signals: decision.signals,
      chosen: routeJson(decision.chosen),
      alternatives: decision.alternatives.map(routeJson),
      reasons: decision.reasons,
      warnings: decision.warnings,
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    io.stdout.write(formatText(decision));
  }
  return 0;
}
