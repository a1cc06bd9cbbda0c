import { loadConfig, updateConfig } from '../config/index.js';
import { PROVIDER_IDS, type ProviderId } from '../core/model-ref.js';
import type { Provider } from '../core/provider.js';
import type { LedgerRecord } from '../core/records.js';
import { isKirikaeError } from '../core/errors.js';
import { createProvider, providerSetup } from '../providers/index.js';
import {
  configRuleWriter,
  lastSessionFor,
  loadSession,
  openSessionWriter,
} from '../agent/index.js';
import { dataDir } from '../config/paths.js';
import { addMonths, ledgerDir, monthOfDate, openLedger, type Ledger } from '../ledger/index.js';
import { startMemorySampler, startSampler } from '../telemetry/sampler.js';
import { readPower } from '../telemetry/power.js';
import { TokRateTracker } from '../telemetry/tok-rate.js';
import type { MemorySnapshot } from '../telemetry/memory-snapshot.js';
import { SessionController } from './controller.js';
import { loadTokenizer } from '../router/tokenizer.js';
import { createLocalBridge } from './local-bridge.js';
import { createScreenPorts } from './screen-ports.js';
import { gitBranch } from './git.js';

/** macmon itself samples for 500 ms: every few seconds is plenty for an energy estimate. */
const POWER_INTERVAL_MS = 5_000;

export interface InteractiveOptions {
  model?: string;
  tier?: string;
  yes?: boolean;
  continueSession?: boolean;
}

function describe(error: unknown): string {
  return isKirikaeError(error)
    ? error.describe()
    : error instanceof Error
      ? error.message
      : String(error);
}

/**
 * `kirikae` with no arguments: wires config, providers, ledger, local models, telemetry and the
 * session into a controller, then hands it to the Ink screen. Nothing here waits on the network
 * before the first frame: Ollama and the ledger history load in the background.
 */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const env = process.env;
  const cwd = process.cwd();
  const loaded = loadConfig(env);
  const config = loaded.config;
  const setupProblems = [...loaded.problems];

  const missingKeys = PROVIDER_IDS.filter((id) => id !== 'ollama')
    .map((id) => providerSetup(id, env))
    .filter((s) => !s.keySet && s.keyVar)
    .map((s) => s.keyVar!);
  if (missingKeys.length === PROVIDER_IDS.length - 1) {
    setupProblems.push(
      `No cloud keys set: export ${missingKeys.join(' / ')} to use cloud tiers (kirikae doctor explains)`,
    );
  }

  let ledger: Ledger | undefined;
  try {
    ledger = openLedger(ledgerDir(env));
  } catch (error) {
    setupProblems.push(`Spend cannot be recorded: ${describe(error)}`);
  }
  const history: LedgerRecord[] = [];

  let memory: MemorySnapshot | undefined;
  const sampler = startMemorySampler({ intervalMs: 1_000, onSample: (s) => (memory = s) });
  // Power only on macOS with macmon on PATH (no sudo); the reading during a local turn prices
  // its electricity. Elsewhere readPower answers undefined at once and config watts are used.
  const power = startSampler({ read: () => readPower(), intervalMs: POWER_INTERVAL_MS });
  const local = createLocalBridge({ config, env, memory: () => memory });
  const tokRates = new TokRateTracker();
  const ports = createScreenPorts({
    tokRates,
    config,
    env,
    memory: () => memory,
    local: { inventory: local.inventory, residency: local.residency },
  });

  const providers = new Map<ProviderId, Provider>();
  const providerFor = (id: ProviderId): Provider => {
    let provider = providers.get(id);
    if (!provider) {
      // No hidden SDK retries: the controller shows retries and fallbacks itself.
      provider = createProvider(id, {
        env,
        maxRetries: 1,
        // Called only once the controller below exists (providers are created lazily).
        onNotice: (m) => controller.notify('warn', m),
      });
      providers.set(id, provider);
    }
    return provider;
  };

  let restored;
  let sessionId: string | undefined;
  if (options.continueSession) {
    const last = await lastSessionFor(cwd, dataDir(env)).catch(() => undefined);
    if (last) {
      const session = await loadSession(last.id, dataDir(env)).catch((error: unknown) => {
        setupProblems.push(`Could not resume ${last.id}: ${describe(error)}`);
        return undefined;
      });
      if (session) {
        restored = session.messages;
        sessionId = last.id;
      }
    } else {
      setupProblems.push('No earlier session in this folder: starting a new one');
    }
  }
  const transcript = openSessionWriter({ dataDir: dataDir(env), folder: cwd, id: sessionId });

  let resolveExit: () => void = () => {};
  const exited = new Promise<void>((resolve) => (resolveExit = resolve));
  const controller: SessionController = new SessionController({
    cwd,
    branch: gitBranch(cwd),
    config,
    setupProblems,
    env,
    providerFor,
    hasKey: (id) => providerSetup(id, env).keySet,
    ...(ledger
      ? {
          ledger: {
            append: (record) => ledger.append(record),
            monthSpendUsd: () => ledger.monthSpend(monthOfDate(new Date())).spentUsd,
          },
        }
      : {}),
    history,
    local,
    tokRates,
    watts: () => {
      const reading = power.latest();
      return reading?.sysWatts ?? reading?.allWatts;
    },
    memory: () =>
      memory
        ? { usedBytes: memory.usedBytes, totalBytes: memory.totalBytes, pressure: memory.pressure }
        : undefined,
    transcript,
    restored,
    sessionId: transcript.id,
    saveConfig: (update) => void updateConfig(update, env),
    persistPermission: configRuleWriter(env),
    onExit: () => resolveExit(),
  });
  if (options.model) controller.setModelOverride(options.model, 'session');
  else if (options.tier !== undefined)
    controller.setTierOverride(Number(options.tier) as 0, 'session');
  if (options.yes) controller.notify('warn', '--yes: every tool call that would ask is approved');

  const { renderApp } = await import('../ui/render.js');
  const { createScreenRenderers } = await import('../ui/screens/index.js');
  const app = renderApp(controller, config, env, createScreenRenderers(ports));
  // Everything that talks to Ollama or parses megabytes waits until the first frame is out.
  void local.refresh().then(() => {
    const problem = local.unavailableReason();
    if (problem) controller.notify('warn', `${problem}. Local routes are off until it answers.`);
  });
  // Background: the router learns from this and last month's records once they are read.
  if (ledger) {
    const now = new Date();
    const from = `${addMonths(monthOfDate(now), -1)}-01T00:00:00.000Z`;
    void ledger
      .readRange(from, new Date(now.getTime() + 86_400_000))
      .then((read) => history.unshift(...read.records))
      .catch(() => undefined);
  }
  controller.start();
  // After the first frame: the encoder is large, and routing estimates until it is ready.
  setTimeout(() => void loadTokenizer(), 50);

  await Promise.race([exited, app.waitUntilExit()]);
  app.unmount();
  controller.stop();
  sampler.stop();
  power.stop();
  ports.close();
  ledger?.close();
  return 0;
}
