// The parts every entry point shares, built once: the config store, providers, the local
// runtime, the ledger and its history, the routing context and the turn runner. The screen,
// `-p` and `kirikae route` differ only in what they put on top.
import { inflightDir } from '../ledger/inflight.js';
import { createConfigStore, type ConfigStore } from '../config/config-store.js';
import { loadConfig, updateConfig } from '../config/index.js';
import { isKirikaeError } from '../core/errors.js';
import type { ModelRef, ProviderId } from '../core/model-ref.js';
import type { Provider } from '../core/provider.js';
import {
  buildSystemPrompt,
  createPermissionGate,
  DEFAULT_TOOLS,
  type PermissionGate,
} from '../agent/index.js';
import { HistoryStore } from '../ledger/history.js';
import { monthOfDate } from '../ledger/time.js';
import { ledgerDir, openLedger, type Ledger } from '../ledger/store.js';
import { readRouterFigures, type RouterFigures } from '../ledger/router-figures.js';
import { monthSpendOf } from '../ledger/spend.js';
import { createLocalRuntime, type LocalRuntime } from '../local/runtime.js';
import { createProvider, providerSetup } from '../providers/index.js';
import { createRouting, type Routing } from '../router/context.js';
import type { CooldownState } from '../router/cooldown.js';
import { RouterSession, type HistoryStats } from '../router/session.js';
import { Session, type SessionDeps } from '../session/session.js';
import { TurnLedger, interruptedNotice } from '../session/turn-ledger.js';
import { hostStatusViews } from '../session/status.js';
import { buildCacheFlow, classifierFor, pastOverrides, routerLabels } from './session-aids.js';
import type { TurnRunnerDeps } from '../session/turn-runner.js';
import type { MemorySnapshot } from '../telemetry/memory-snapshot.js';

export interface CoreOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Open the ledger for writing (turns); read-only commands only read its history, or open it
   * `on-demand` when they do spend (`kirikae route` asking a cloud model classifier).
   */
  writeLedger: boolean | 'on-demand';
  /** Session id the ledger records carry. */
  sessionId: string;
  /** Where warnings go (SDK deprecation notices, ledger write failures). */
  notice(level: 'info' | 'warn' | 'error', text: string): void;
  /** Persists "always allow" answers (the screen's approval dialog). */
  persistPermission?: (rule: string) => void;
  /** Measured watts of local inference (macmon), when the screen samples it. */
  watts?: () => number | undefined;
  tokRates?: {
    recordTurn(model: string, tokens: number, seconds: number): void;
    rate?(model: string): number | undefined;
  };
  /**
   * Wait out a 429 that says how long (the screen counts it down; `f` skips it). Off for the
   * gateway: its clients retry on their own and see the retry-after passed through.
   */
  waitOnRateLimits?: boolean;
}

export interface Core {
  env: NodeJS.ProcessEnv;
  cwd: string;
  config: ConfigStore;
  /** Config problems and anything else the user should see at start. */
  problems: string[];
  ledger?: Ledger;
  history: HistoryStore;
  local: LocalRuntime;
  setMemory(snapshot: MemorySnapshot | undefined): void;
  memory(): MemorySnapshot | undefined;
  hasKey(id: ProviderId): boolean;
  router: RouterSession;
  routing: Routing;
  permissions: PermissionGate;
  turnLedger: TurnLedger;
  runner: TurnRunnerDeps;
  monthSpendUsd(): number;
  /** This session's measured output tok/s of a model, when it has run. */
  tokRate(model: string): number | undefined;
  /** Reads last and this month's records into the history (in the background for the screen). */
  loadHistory(): Promise<void>;
  /**
   * For a command that only routes (`kirikae route`): the router's learned figures and the
   * month's spend from the ledger's checkpoints, the records left unread; a history too large
   * for them is read as loadHistory reads it.
   */
  loadRouterFigures(): Promise<void>;
  close(): void;
}

function describe(error: unknown): string {
  if (isKirikaeError(error)) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

export function buildCore(options: CoreOptions): Core {
  const { env, cwd } = options;
  const loaded = loadConfig(env);
  const problems = [...loaded.problems];
  const config = createConfigStore(loaded.config, (update) => void updateConfig(update, env));

  let ledger: Ledger | undefined;
  if (options.writeLedger === true) {
    try {
      ledger = openLedger(ledgerDir(env));
    } catch (error) {
      problems.push(`Spend cannot be recorded: ${describe(error)}`);
    }
  }
  // Throws when the folder is not writable: the turn ledger reports it as a failed write.
  const writer = (): Ledger | undefined =>
    options.writeLedger === 'on-demand' ? (ledger ??= openLedger(ledgerDir(env))) : ledger;
  const history = new HistoryStore();
  let learned: HistoryStats | undefined;
  let readSpend = 0;
  const monthSpendUsd = (): number =>
    ledger ? ledger.monthSpend(monthOfDate(new Date())).spentUsd : readSpend;

  let memory: MemorySnapshot | undefined;
  const providers = new Map<string, Provider>();
  const make = (id: ProviderId, providerEnv: NodeJS.ProcessEnv): Provider =>
    createProvider(id, {
      env: providerEnv,
      // A failed call moves down the fallback chain at once (shown on the transcript) rather
      // than waiting on the same provider — except, where asked, a rate limit that says how
      // long to wait. The SDKs never retry by themselves.
      maxRetries: options.waitOnRateLimits ? 2 : 0,
      retry: { kinds: ['rate_limit'] },
      onNotice: (message) => options.notice('warn', message),
    });
  const local = createLocalRuntime({
    config: loaded.config,
    env,
    memory: () => memory,
    createChat: (url) => make('ollama', { ...env, OLLAMA_HOST: url }),
  });
  const providerFor = (ref: ModelRef): Provider => {
    if (ref.provider === 'ollama') return local.providerFor(ref.model);
    let provider = providers.get(ref.provider);
    if (!provider) {
      provider = make(ref.provider, env);
      providers.set(ref.provider, provider);
    }
    return provider;
  };
  const hasKey = (id: ProviderId): boolean => providerSetup(id, env).keySet;

  const router = new RouterSession();
  let cooldown: CooldownState = { providers: {} };
  const mode = loaded.config.agent.permissionMode;
  const system = buildSystemPrompt({ workspace: cwd, mode });
  const tools = DEFAULT_TOOLS;
  const permissions = createPermissionGate({
    mode,
    rules: loaded.config.agent,
    sandbox: loaded.config.agent.sandbox,
    envAllow: loaded.config.agent.envAllow,
    // A permission section that did not validate fails closed: no edits, no commands.
    ...(loaded.permissionLock ? { locked: loaded.permissionLock } : {}),
    ...(options.persistPermission ? { persistRule: options.persistPermission } : {}),
    onNotice: (message) => options.notice('warn', message),
  });
  const turnLedger = new TurnLedger({
    config: () => config.get(),
    session: options.sessionId,
    append: (record) => {
      writer()?.append(record);
      history.append(record);
    },
    ...(options.watts ? { watts: options.watts } : {}),
    ...(options.tokRates ? { tokRates: options.tokRates } : {}),
    recordLoad: (model, seconds) => local.recordLoad(model, seconds),
    onError: (message) => options.notice('error', message),
    ...(ledger ? { inflightDir: inflightDir(ledgerDir(env)) } : {}),
  });
  if (ledger) {
    try {
      const recovered = turnLedger.recoverInterrupted();
      if (recovered) options.notice('warn', interruptedNotice(recovered));
    } catch (error) {
      options.notice('warn', `Calls cut short last time could not be booked: ${describe(error)}`);
    }
  }
  const routing = createRouting({
    config: () => config.get(),
    session: router,
    history: () => ({
      records: history.records(),
      version: history.version,
      ...(learned ? { learned } : {}),
    }),
    hasKey,
    local,
    monthSpendUsd,
    cooldown: () => cooldown,
    ...(options.watts ? { watts: options.watts } : {}),
    system,
    tools: tools.map((t) => t.spec),
    // A prompt like one the user re-routed before follows their choice (router/past-choices).
    overrides: pastOverrides(env),
  });
  const runner: TurnRunnerDeps = {
    config: () => config.get(),
    cwd,
    system,
    tools,
    permissions,
    providerFor,
    local,
    ledger: turnLedger,
    router,
    cooldown: { get: () => cooldown, set: (state) => (cooldown = state) },
    unavailable: (model) => {
      const provider = model.slice(0, model.indexOf('/')) as ProviderId;
      return provider !== 'ollama' && !hasKey(provider) ? 'no API key' : undefined;
    },
  };

  const loadHistory = async (): Promise<void> => {
    try {
      await history.load(ledgerDir(env));
      if (!ledger) {
        // Read-only commands open no ledger: the month's spend comes from what was read.
        const month = monthOfDate(new Date());
        readSpend = monthSpendOf(history.since(`${month}-01T00:00:00.000Z`), month).spentUsd;
      }
    } catch (error) {
      options.notice('warn', `The ledger history could not be read: ${describe(error)}`);
    }
  };

  return {
    env,
    cwd,
    config,
    problems,
    ...(ledger ? { ledger } : {}),
    history,
    local,
    setMemory: (snapshot) => (memory = snapshot),
    memory: () => memory,
    hasKey,
    router,
    routing,
    permissions,
    turnLedger,
    runner,
    monthSpendUsd,
    tokRate: (model) => options.tokRates?.rate?.(model),
    loadHistory,
    async loadRouterFigures() {
      let figures: RouterFigures | undefined;
      try {
        figures = await readRouterFigures(ledgerDir(env), config.get());
      } catch (error) {
        options.notice('warn', `The ledger history could not be read: ${describe(error)}`);
        return;
      }
      if (!figures) return loadHistory();
      learned = figures.stats;
      if (!ledger) readSpend = figures.spend.spentUsd;
    },
    close: () => {
      ledger?.close();
      local.close();
    },
  };
}

export interface SessionOptions {
  sessionId: string;
  branch?: string;
  setupProblems?: string[];
  transcript?: SessionDeps['transcript'];
  restored?: SessionDeps['restored'];
  yes?: boolean;
  onExit?: () => void;
  /** Ask the model classifier when the offline one is unsure (the screen; tests opt in). */
  modelClassifier?: boolean;
}

/** The screen's session on top of a core (the interactive wiring and the session tests). */
export function buildSession(core: Core, options: SessionOptions): Session {
  const session: Session = new Session({
    cwd: core.cwd,
    ...(options.branch ? { branch: options.branch } : {}),
    sessionId: options.sessionId,
    config: core.config,
    setupProblems: [...core.problems, ...(options.setupProblems ?? [])],
    routing: core.routing,
    router: core.router,
    runner: core.runner,
    ledger: core.turnLedger,
    status: {
      memory: () => {
        const m = core.memory();
        return m
          ? { usedBytes: m.usedBytes, totalBytes: m.totalBytes, pressure: m.pressure }
          : undefined;
      },
      resident: () => core.local.residentViews(),
      hosts: () => hostStatusViews(core.local.hosts, (m) => core.tokRate(m)),
      refreshLocal: () => core.local.refresh(),
      monthSpendUsd: () => core.monthSpendUsd(),
    },
    ...(options.transcript ? { transcript: options.transcript } : {}),
    ...(options.restored
      ? { restored: options.restored, restoredRecords: core.history.records() }
      : {}),
    yes: options.yes === true,
    onExit: options.onExit ?? (() => {}),
    cache: buildCacheFlow(core, (level, text) => session.notify(level, text)),
    localReady: (ms) => core.local.ready(ms),
    history: () => core.history.records(),
    ...(options.modelClassifier ? { classify: classifierFor(core) } : {}),
    labels: routerLabels(core.env, (text) => session.notify('warn', text)),
  });
  return session;
}
