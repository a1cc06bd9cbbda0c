import type { Config, RoutingRule } from '../config/schema.js';
import { KirikaeError, isRetryable } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { parseModelRef, type ProviderId } from '../core/model-ref.js';
import type { Provider } from '../core/provider.js';
import type { LedgerRecord } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { ZERO_USAGE, addUsage, type Usage } from '../core/usage.js';
import {
  buildSystemPrompt,
  createPermissionGate,
  createTaskTracker,
  DEFAULT_TOOLS,
  proposeEscalation,
  describeEscalation,
  resolveVerifyCommand,
  runAgentTurn,
  runVerify,
  type AgentEvent,
  type ApprovalAnswer,
  type ApprovalRequest,
  type PermissionGate,
  type SessionWriter,
  type TaskTracker,
} from '../agent/index.js';
import {
  RouterSession,
  nextFallback,
  numCtxBucket,
  tierOfModel,
  recordFailure,
  recordSuccess,
  route,
  ruleFromOverride,
  toCallEstimate,
  upsertRule,
  type CooldownState,
  type LocalAdapter,
  type RouteDecision,
  type RouteOverride,
} from '../router/index.js';
import { buildCallRecord } from './call-record.js';
import { explainDecision, toProposal, toRouteView } from './route-view.js';
import type {
  AppController,
  AppState,
  ApprovalDecision,
  LiveTurn,
  Notice,
  OverrideScope,
  RouteProposal,
  Screen,
  StatusView,
  TranscriptItem,
  NewTranscriptItem,
} from './types.js';

/** What the controller needs from the local-model module (see local-bridge.ts). */
export interface LocalBridge {
  adapter(): LocalAdapter | undefined;
  unavailableReason(): string | undefined;
  ensureResident(
    model: string,
    numCtx: number,
  ): Promise<{
    status: 'already_resident' | 'loaded' | 'does_not_fit';
    loadSeconds: number;
    unloaded: string[];
    reason?: string;
  }>;
  keepAliveFor(model: string): string | number;
  beginUse(model: string): () => void;
  recordLoad(model: string, seconds: number): void;
  resident(): StatusView['resident'];
  refresh(): Promise<void>;
}

/** What the controller needs from the ledger. */
export interface LedgerPort {
  append(record: LedgerRecord): void;
  monthSpendUsd(): number;
}

export interface ControllerDeps {
  cwd: string;
  branch?: string;
  config: Config;
  setupProblems: string[];
  env: NodeJS.ProcessEnv;
  providerFor(id: ProviderId): Provider;
  hasKey(id: ProviderId): boolean;
  ledger?: LedgerPort;
  /** Past ledger records, oldest first, for the router's learned figures. */
  history: LedgerRecord[];
  local?: LocalBridge;
  memory?: () => StatusView['memory'];
  /** Rolling output tok/s per model, fed by every call (shown on the models screen). */
  tokRates?: { recordTurn(model: string, tokens: number, seconds: number): void };
  /** Measured watts of local inference (macmon), when available. */
  watts?: () => number | undefined;
  transcript?: SessionWriter;
  restored?: Message[];
  /** Persists a change to the config file (routing rules, theme, budget). */
  saveConfig(update: (raw: Record<string, unknown>) => void): void;
  /** Persists an "always allow" permission rule. */
  persistPermission?(rule: string): void;
  onExit(): void;
  now?: () => number;
  /** How often stream text reaches the screen (ms between frames; default 50, i.e. 20 fps). */
  frameMs?: number;
  sessionId: string;
}

/**
 * Stream text reaches the screen at most 20 times a second: smooth to read, and Ink redraws the
 * whole live region per frame, which at 30 fps cost more than a fifth of a core.
 */
const FRAME_MS = 50;
const TICK_MS = 1_000;
const LOCAL_REFRESH_MS = 5_000;
const TOK_SAMPLES = 30;

interface PendingTurn {
  decision: RouteDecision;
  input: { prompt: string; override?: RouteOverride };
  escalation?: RouteProposal['escalation'];
}

export class SessionController implements AppController {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private readonly router = new RouterSession();
  private readonly permissions: PermissionGate;
  private readonly tasks: TaskTracker;
  private messages: Message[];
  private cooldown: CooldownState = { providers: {} };
  private turnOverride: RouteOverride | undefined;
  private sessionOverride: RouteOverride | undefined;
  private sessionRules = new Map<TaskType, RouteOverride>();
  private autoAccept = false;
  private pending: PendingTurn | undefined;
  private lastDecision: RouteDecision | undefined;
  private abort: AbortController | undefined;
  private approvalResolve: ((answer: ApprovalAnswer) => void) | undefined;
  private nextId = 1;
  private turnNumber = 0;
  private frameTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private lastLocalRefresh = 0;
  private liveStats = { firstTokenAt: 0, tokens: 0 };
  private readonly now: () => number;
  private readonly system: string;
  private readonly tools = DEFAULT_TOOLS;

  constructor(private readonly deps: ControllerDeps) {
    this.now = deps.now ?? Date.now;
    this.messages = [...(deps.restored ?? [])];
    this.permissions = createPermissionGate({
      mode: deps.config.agent.permissionMode,
      rules: deps.config.agent,
      persistRule: deps.persistPermission,
      onNotice: (message) => this.notify('warn', message),
    });
    this.tasks = createTaskTracker({
      session: deps.sessionId,
      retryCap: deps.config.verify.retryCap,
      record: (record) => this.record(record),
    });
    this.system = buildSystemPrompt({
      workspace: deps.cwd,
      mode: deps.config.agent.permissionMode,
    });
    const restoredItems: TranscriptItem[] = deps.restored?.length
      ? [
          {
            id: this.nextId++,
            kind: 'notice',
            level: 'info',
            text: `Resumed session ${deps.sessionId}: ${deps.restored.filter((m) => m.role === 'user').length} earlier prompts in the history`,
          },
        ]
      : [];
    this.state = {
      folder: deps.cwd,
      branch: deps.branch,
      screen: 'chat',
      transcript: [
        ...deps.setupProblems.map((text): TranscriptItem => ({
          id: this.nextId++,
          kind: 'notice',
          level: 'warn',
          text,
        })),
        ...restoredItems,
      ],
      status: {
        memory: deps.memory?.(),
        resident: deps.local?.resident() ?? [],
        tokPerSec: [],
        sessionUsd: 0,
        monthUsd: deps.ledger?.monthSpendUsd() ?? 0,
        budgetUsd: deps.config.budget.monthlyUsd,
      },
      setupProblems: deps.setupProblems,
      themeName: deps.config.ui.theme,
      clearEpoch: 0,
      now: this.now(),
      exiting: false,
    };
  }

  // ── store ─────────────────────────────────────────────────────────────

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    this.flush();
  }

  private flush(): void {
    if (this.frameTimer) {
      clearTimeout(this.frameTimer);
      this.frameTimer = undefined;
    }
    for (const listener of this.listeners) listener();
  }

  /** Stream deltas are coalesced: at most one screen update per frame. */
  private scheduleFrame(): void {
    if (this.frameTimer) return;
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined;
      for (const listener of this.listeners) listener();
    }, this.deps.frameMs ?? FRAME_MS);
  }

  private push(...items: NewTranscriptItem[]): void {
    const added = items.map((item) => ({ ...item, id: this.nextId++ }) as TranscriptItem);
    this.set({ transcript: [...this.state.transcript, ...added] });
  }

  /** Starts the once-a-second refresh of memory, resident models and the clock. */
  start(): void {
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    // The first inventory read is the caller's (it reports an unreachable Ollama once).
    this.lastLocalRefresh = this.now();
  }

  stop(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.abort?.abort();
  }

  private tick(): void {
    const status: StatusView = {
      ...this.state.status,
      memory: this.deps.memory?.() ?? this.state.status.memory,
    };
    if (this.state.live && this.liveStats.firstTokenAt) {
      const seconds = (this.now() - this.liveStats.firstTokenAt) / 1000;
      if (seconds > 0.5) {
        status.tokPerSec = [...status.tokPerSec, this.liveStats.tokens / seconds].slice(
          -TOK_SAMPLES,
        );
      }
    }
    status.resident = this.deps.local?.resident() ?? status.resident;
    this.set({ status, now: this.now() });
    if (this.now() - this.lastLocalRefresh > LOCAL_REFRESH_MS) void this.refreshLocal();
  }

  private async refreshLocal(): Promise<void> {
    this.lastLocalRefresh = this.now();
    try {
      await this.deps.local?.refresh();
    } catch {
      // Ollama going away is shown through the route card's unavailable reasons.
    }
  }

  notify(level: Notice['level'], text: string): void {
    this.push({ kind: 'notice', level, text });
  }

  private record(record: LedgerRecord): void {
    try {
      this.deps.ledger?.append(record);
      this.deps.history.push(record);
    } catch (error) {
      this.notify(
        'error',
        `Could not write the ledger: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  // ── routing ───────────────────────────────────────────────────────────

  private decide(prompt: string, override?: RouteOverride): RouteDecision {
    this.router.setOverride(this.sessionOverride);
    const local = this.deps.local?.adapter();
    return route(
      {
        prompt,
        system: this.system,
        tools: this.tools.map((t) => t.spec),
        messages: this.messages,
        override,
      },
      {
        config: this.deps.config,
        session: this.router,
        history: this.deps.history,
        hasKey: (id) => this.deps.hasKey(id),
        local,
        localUnavailableReason: this.deps.local?.unavailableReason() ?? 'Ollama is not configured',
        monthSpendUsd: this.deps.ledger?.monthSpendUsd() ?? this.state.status.monthUsd,
        cooldown: this.cooldown,
        localWatts: this.deps.watts?.(),
        now: this.now(),
      },
    );
  }

  submit(prompt: string): void {
    if (this.state.live || this.pending) return;
    const draft = this.decide(prompt);
    // A session rule from `a` for this task type acts like a turn override.
    const rule = this.sessionRules.get(draft.taskType);
    const override = this.turnOverride ?? rule;
    this.turnOverride = undefined;
    const decision = override ? this.decide(prompt, override) : draft;
    this.lastDecision = decision;
    this.pending = { decision, input: { prompt, override } };
    const proposal = toProposal(prompt, decision);
    if (this.shouldAutoAccept(decision, override !== undefined)) {
      this.set({ proposal: undefined });
      const c = decision.chosen;
      this.notify(
        'info',
        `→ ${c.model} (tier ${c.tier ?? '-'}, ${decision.taskType}) ~$${(c.estimate.usdP50 ?? 0).toFixed(4)} · auto-accepted`,
      );
      this.launch(proposal, 0, 'auto');
      return;
    }
    this.set({ proposal, lastRouteExplanation: explainDecision(decision) });
  }

  private shouldAutoAccept(decision: RouteDecision, overridden: boolean): boolean {
    const c = decision.chosen;
    if (!c.available || c.needsConfirmation) return false;
    if (this.autoAccept || overridden || this.sessionOverride) return true;
    const { confirm } = this.deps.config;
    if (confirm.autoAcceptLocal && c.model.startsWith('ollama/')) return true;
    return c.estimate.usdP90 !== null && c.estimate.usdP90 < confirm.autoAcceptBelowUsd;
  }

  acceptRoute(): void {
    const proposal = this.state.proposal;
    if (!proposal) return;
    const option = proposal.options[proposal.selected]!;
    if (!option.available) {
      this.set({
        notice: {
          level: 'error',
          text: `${option.model} is unavailable: ${option.unavailableReason}. Pick another tier (0–4) or model (←/→).`,
        },
      });
      return;
    }
    this.set({ proposal: undefined, notice: undefined });
    this.launch(proposal, proposal.selected, proposal.selected === 0 ? 'accepted' : 'override');
  }

  cancelRoute(): string | undefined {
    const proposal = this.state.proposal;
    this.pending = undefined;
    this.set({ proposal: undefined, notice: undefined });
    return proposal?.escalation ? undefined : proposal?.prompt;
  }

  /** Re-prices the card for a forced tier or model and selects it. */
  private reselect(override: RouteOverride): void {
    const proposal = this.state.proposal;
    if (!proposal || !this.pending) return;
    const forced = this.decide(proposal.prompt, override);
    const view = toRouteView(forced.chosen);
    const existing = proposal.options.findIndex((o) => o.model === view.model);
    const options =
      existing >= 0
        ? proposal.options.map((o, i) => (i === existing ? view : o))
        : [...proposal.options, view];
    const selected = existing >= 0 ? existing : options.length - 1;
    this.set({ proposal: { ...proposal, options, selected }, notice: undefined });
  }

  selectTier(tier: Tier): void {
    const models = this.deps.config.tiers[String(tier) as '0'];
    if (!models.length) {
      this.set({ notice: { level: 'warn', text: `Tier ${tier} has no models in the config` } });
      return;
    }
    const proposal = this.state.proposal;
    const inTier = proposal?.options.findIndex((o) => o.tier === tier && o.available) ?? -1;
    if (proposal && inTier >= 0) {
      this.set({ proposal: { ...proposal, selected: inTier } });
      return;
    }
    this.reselect({ tier });
  }

  cycleModel(direction: -1 | 1): void {
    const proposal = this.state.proposal;
    if (!proposal) return;
    const current = proposal.options[proposal.selected]!;
    const tierModels =
      current.tier === null ? [current.model] : this.deps.config.tiers[String(current.tier) as '0'];
    if (tierModels.length < 2) {
      this.set({
        notice: {
          level: 'info',
          text: `Tier ${current.tier} has one model; 0–4 picks another tier`,
        },
      });
      return;
    }
    const at = Math.max(0, tierModels.indexOf(current.model));
    const next = tierModels[(at + direction + tierModels.length) % tierModels.length]!;
    this.reselect({ model: next });
  }

  alwaysRoute(save: boolean): void {
    const proposal = this.state.proposal;
    if (!proposal) return;
    const option = proposal.options[proposal.selected]!;
    const override: RouteOverride = {
      model: option.model,
      ...(option.tier !== null ? { tier: option.tier } : {}),
    };
    this.sessionRules.set(proposal.taskType, override);
    if (save) {
      const rule: RoutingRule = ruleFromOverride(proposal.taskType, { model: option.model });
      try {
        this.deps.saveConfig((raw) => {
          const routing = (raw.routing ?? {}) as { rules?: RoutingRule[] };
          routing.rules = upsertRule(routing.rules ?? [], rule);
          raw.routing = routing;
        });
        this.notify('info', `Saved: ${proposal.taskType} → ${option.model} (config routing.rules)`);
      } catch (error) {
        this.notify(
          'error',
          `Could not save the rule: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    } else {
      this.notify('info', `${proposal.taskType} → ${option.model} for the rest of this session`);
    }
    this.acceptRoute();
  }

  setModelOverride(model: string | undefined, scope: OverrideScope): void {
    if (model) {
      try {
        parseModelRef(model);
      } catch (error) {
        this.notify('error', error instanceof KirikaeError ? error.describe() : String(error));
        return;
      }
    }
    const override = model ? { model } : undefined;
    if (scope === 'turn') this.turnOverride = override;
    else this.sessionOverride = override;
    this.set({ sessionOverride: this.describeOverride() });
    this.notify(
      'info',
      model
        ? `Model ${model} for ${scope === 'turn' ? 'the next turn' : 'this session'}`
        : 'Back to automatic routing',
    );
  }

  setTierOverride(tier: Tier | undefined, scope: OverrideScope): void {
    const override = tier === undefined ? undefined : { tier };
    if (scope === 'turn') this.turnOverride = override;
    else this.sessionOverride = override;
    this.set({ sessionOverride: this.describeOverride() });
    this.notify(
      'info',
      tier === undefined
        ? 'Back to automatic routing'
        : `Tier ${tier} for ${scope === 'turn' ? 'the next turn' : 'this session'}`,
    );
  }

  private describeOverride(): string | undefined {
    const o = this.sessionOverride;
    return o?.model ?? (o?.tier !== undefined ? `tier ${o.tier}` : undefined);
  }

  setAutoAccept(on: boolean): void {
    this.autoAccept = on;
    this.notify(
      'info',
      on
        ? 'Routes are accepted without the card (/auto off to ask again)'
        : 'The route card is shown before each turn',
    );
  }

  explainLastRoute(): void {
    if (!this.lastDecision) {
      this.notify('info', 'No route yet: send a prompt first (or try `kirikae route "…"`)');
      return;
    }
    for (const line of explainDecision(this.lastDecision)) this.notify('info', line);
  }

  // ── running a turn ────────────────────────────────────────────────────

  private launch(
    proposal: RouteProposal,
    selected: number,
    how: 'accepted' | 'override' | 'auto',
  ): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    const option = proposal.options[selected]!;
    void this.runTurn(pending, option.model, how).catch((error: unknown) => {
      this.set({ live: undefined, approval: undefined });
      this.notify(
        'error',
        `The turn failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  private async runTurn(
    pending: PendingTurn,
    firstModel: string,
    how: 'accepted' | 'override' | 'auto',
  ): Promise<void> {
    const { decision } = pending;
    const prompt = pending.input.prompt;
    this.turnNumber++;
    const turn = this.turnNumber;
    this.turnCost = 0;
    this.lastTokPerSec = undefined;
    const userMessage: Message = { role: 'user', content: prompt };
    this.push({
      kind: 'user',
      text: pending.escalation ? `(retry) ${prompt.split('\n')[0]}` : prompt,
    });
    this.deps.transcript?.appendMessage(userMessage);
    const history = [...this.messages, userMessage];
    const abort = new AbortController();
    this.abort = abort;
    let model = firstModel;
    const tried: string[] = [];
    let total: Usage = ZERO_USAGE;
    let lastTokPerSec: number | undefined;
    const started = this.now();
    let outcome: 'ok' | 'error' | 'aborted' = 'ok';
    let result: Awaited<ReturnType<typeof runAgentTurn>> | undefined;

    for (;;) {
      const ref = parseModelRef(model);
      const option = model === decision.chosen.model ? decision.chosen : undefined;
      const tier = option?.tier ?? tierOfModel(this.deps.config, model);
      this.tasks.turn({ turn, model, tier, taskType: decision.taskType });
      this.liveStats = { firstTokenAt: 0, tokens: 0 };
      this.set({ live: this.newLive(model, tier), status: { ...this.state.status, route: model } });

      let numCtx: number | undefined;
      let release: (() => void) | undefined;
      if (ref.provider === 'ollama' && this.deps.local) {
        const estimateTokens =
          (option?.estimate.inputTokens ?? 8_000) + (option?.estimate.outputTokensP90 ?? 4_000);
        numCtx = numCtxBucket(estimateTokens);
        const placed = await this.deps.local
          .ensureResident(ref.model, numCtx)
          .catch((error: unknown) => ({
            status: 'does_not_fit' as const,
            loadSeconds: 0,
            unloaded: [],
            reason: error instanceof Error ? error.message : String(error),
          }));
        if (placed.unloaded.length)
          this.notify(
            'info',
            `Unloaded ${placed.unloaded.join(', ')} to make room for ${ref.model}`,
          );
        if (placed.status === 'does_not_fit') {
          this.notify(
            'warn',
            `${ref.model} does not fit the memory budget${placed.reason ? `: ${placed.reason}` : ''}`,
          );
        }
        release = this.deps.local.beginUse(ref.model);
      }

      const provider = this.deps.providerFor(ref.provider);
      const callStarted = this.now();
      try {
        result = await runAgentTurn({
          provider,
          model: ref.model,
          system: this.system,
          messages: history,
          tools: this.tools,
          maxSteps: this.deps.config.agent.maxSteps,
          signal: abort.signal,
          approve: (request) => this.askApproval(request),
          onEvent: (event) => this.onAgentEvent(event, { model, tier, turn, decision, how, tried }),
          workspace: this.deps.cwd,
          permissions: this.permissions,
          bashTimeoutMs: this.deps.config.agent.bashTimeoutMs,
          request: {
            ...(numCtx ? { numCtx } : {}),
            ...(ref.provider === 'ollama' && this.deps.local
              ? { keepAlive: this.deps.local.keepAliveFor(ref.model) }
              : {}),
          },
        });
      } finally {
        release?.();
      }
      total = addUsage(total, result.usage);
      lastTokPerSec = this.lastTokPerSec ?? lastTokPerSec;
      this.router.noteSent(
        model,
        { system: this.system, tools: this.tools.map((t) => t.spec), messages: history },
        callStarted,
      );
      this.flushLiveText(model);

      const error = result.error;
      if (!error) {
        this.cooldown = recordSuccess(this.cooldown, ref.provider);
        break;
      }
      if (error.kind === 'aborted') {
        outcome = 'aborted';
        this.notify('warn', 'Interrupted: the partial answer is kept and its usage recorded');
        break;
      }
      this.cooldown = recordFailure(
        this.cooldown,
        ref.provider,
        { kind: error.kind, retryAfterMs: error.retryAfterMs },
        this.now(),
      );
      const fb =
        isRetryable(error.kind) || error.kind === 'context_length'
          ? nextFallback({
              failed: model,
              kind: error.kind,
              chain: this.deps.config.fallback,
              tried,
              unavailable: (m) => this.unavailable(m, prompt),
              cooldown: this.cooldown,
              now: this.now(),
            })
          : undefined;
      if (fb?.next && fb.model) {
        this.notify('warn', `${error.describe()} — ${fb.notice}`);
        tried.push(model);
        model = fb.model;
        continue;
      }
      outcome = 'error';
      this.notify('error', error.describe());
      break;
    }

    this.abort = undefined;
    const finalModel = model;
    if (result) {
      this.messages = result.messages;
      if (result.error && result.newMessages.length === 0 && this.partialText) {
        this.messages.push({ role: 'assistant', content: this.partialText });
      }
      this.deps.transcript?.appendMessages(this.messages.slice(history.length));
    }
    this.partialText = '';
    this.push({
      kind: 'turn',
      model: finalModel,
      tier: tierOfModel(this.deps.config, finalModel),
      usage: total,
      costUsd: this.turnCost,
      tokPerSec: lastTokPerSec,
      durationMs: this.now() - started,
      how: tried.length ? `fallback from ${tried.join(', ')}` : how,
      outcome,
    });
    this.set({
      live: undefined,
      status: {
        ...this.state.status,
        monthUsd:
          this.deps.ledger?.monthSpendUsd() ?? this.state.status.monthUsd + (this.turnCost ?? 0),
      },
    });

    if (!result || outcome !== 'ok') return;
    if (result.failed) {
      const task = this.tasks.attemptFailed('three broken tool calls in a row');
      this.proposeRetry(
        prompt,
        decision.taskType,
        tierOfModel(this.deps.config, finalModel),
        'The model sent three broken tool calls in a row.',
        task?.attempts,
      );
      return;
    }
    if (result.filesChanged.length)
      await this.verify(prompt, turn, finalModel, decision.taskType, abort.signal);
  }

  private turnCost: number | null = 0;
  private lastTokPerSec: number | undefined;
  private partialText = '';

  private newLive(model: string, tier: Tier | null): LiveTurn {
    return { model, tier, text: '', status: 'waiting', startedAt: this.now(), outputTokens: 0 };
  }

  /** Moves the streamed text into the transcript (before a tool runs, and at the end). */
  private flushLiveText(model: string): void {
    const live = this.state.live;
    if (!live?.text.trim()) return;
    this.partialText += live.text;
    this.push({ kind: 'assistant', text: live.text, model });
    this.set({ live: { ...live, text: '' } });
  }

  private onAgentEvent(
    event: AgentEvent,
    ctx: {
      model: string;
      tier: Tier | null;
      turn: number;
      decision: RouteDecision;
      how: string;
      tried: string[];
    },
  ): void {
    const live = this.state.live;
    switch (event.type) {
      case 'text': {
        if (!live) return;
        if (!this.liveStats.firstTokenAt) this.liveStats.firstTokenAt = this.now();
        const tokens = Math.ceil(event.text.length / 4);
        this.liveStats.tokens += tokens;
        this.state = {
          ...this.state,
          live: {
            ...live,
            text: live.text + event.text,
            status: 'streaming',
            outputTokens: live.outputTokens + tokens,
          },
        };
        this.scheduleFrame();
        return;
      }
      case 'tool_start':
        this.flushLiveText(ctx.model);
        if (this.state.live)
          this.set({ live: { ...this.state.live, status: 'tool', tool: event.name } });
        return;
      case 'tool_result':
        this.push({
          kind: 'tool',
          name: event.name,
          summary: event.summary,
          ok: event.ok,
          ...(event.diff ? { detail: event.diff } : {}),
        });
        if (this.state.live)
          this.set({ live: { ...this.state.live, status: 'waiting', tool: undefined } });
        return;
      case 'notice':
        this.notify('warn', event.message);
        return;
      case 'model_call': {
        const ref = parseModelRef(ctx.model);
        const option = ctx.model === ctx.decision.chosen.model ? ctx.decision.chosen : undefined;
        const record = buildCallRecord(
          {
            session: this.deps.sessionId,
            task: this.tasks.current()?.id ?? 'none',
            turn: ctx.turn,
            ref,
            tier: ctx.tier,
            taskType: ctx.decision.taskType,
            proposed: ctx.decision.chosen.model,
            decision: ctx.tried.length
              ? 'fallback'
              : ctx.how === 'accepted'
                ? 'accepted'
                : ctx.how === 'auto'
                  ? 'auto'
                  : 'override',
            fallbackHops: [...ctx.tried],
            usage: event.usage,
            billedUsd: event.billedUsd,
            durationMs: event.metrics.durationMs,
            tokPerSec: event.metrics.tokPerSec,
            watts: this.deps.watts?.(),
            outcome: event.error ? (event.error.kind === 'aborted' ? 'aborted' : 'error') : 'ok',
            errorKind: event.error?.kind,
            ...(option && event.step === 1 ? { estimate: toCallEstimate(option) } : {}),
          },
          this.deps.config,
        );
        this.record(record);
        if (event.metrics.loadMs && ref.provider === 'ollama')
          this.deps.local?.recordLoad(ref.model, event.metrics.loadMs / 1000);
        this.turnCost =
          this.turnCost === null || record.costUsd === null ? null : this.turnCost + record.costUsd;
        if (event.metrics.tokPerSec) {
          this.lastTokPerSec = event.metrics.tokPerSec;
          // Seconds of generation, from the call's own rate (durationMs includes the prompt).
          this.deps.tokRates?.recordTurn(
            ref.provider === 'ollama' ? ref.model : ctx.model,
            event.usage.output,
            event.usage.output / event.metrics.tokPerSec,
          );
        }
        const status = this.state.status;
        this.set({
          status: {
            ...status,
            sessionUsd: status.sessionUsd + (record.costUsd ?? 0),
            tokPerSec: event.metrics.tokPerSec
              ? [...status.tokPerSec, event.metrics.tokPerSec].slice(-TOK_SAMPLES)
              : status.tokPerSec,
          },
        });
        return;
      }
      default:
        return;
    }
  }

  private askApproval(request: ApprovalRequest): Promise<ApprovalAnswer> {
    return new Promise((resolve) => {
      this.approvalResolve = resolve;
      this.set({
        approval: {
          tool: request.tool,
          summary: `${request.summary}${request.reason ? ` — ${request.reason}` : ''}`,
          diff: request.diff,
        },
      });
    });
  }

  answerApproval(decision: ApprovalDecision, note?: string): void {
    const resolve = this.approvalResolve;
    this.approvalResolve = undefined;
    this.set({ approval: undefined });
    resolve?.({ decision, ...(note ? { note } : {}) });
  }

  interrupt(): void {
    if (this.approvalResolve) this.answerApproval('deny', 'The user interrupted the turn');
    this.abort?.abort();
  }

  private unavailable(model: string, prompt: string): string | undefined {
    const decision = this.decide(prompt, { model });
    return decision.chosen.available ? undefined : decision.chosen.unavailableReason;
  }

  // ── the test gate ─────────────────────────────────────────────────────

  private async verify(
    prompt: string,
    turn: number,
    model: string,
    taskType: TaskType,
    signal: AbortSignal,
  ): Promise<void> {
    const command = resolveVerifyCommand(this.deps.config.verify.command, this.deps.cwd);
    if (!command) return;
    const tier = tierOfModel(this.deps.config, model);
    this.set({ live: { ...this.newLive(model, tier), status: 'verifying', tool: command } });
    const result = await runVerify({
      command,
      cwd: this.deps.cwd,
      timeoutMs: this.deps.config.verify.timeoutMs,
      signal,
    });
    this.set({ live: undefined });
    const task = this.tasks.verify({ turn, model, tier, result });
    if (result.passed) {
      this.push({
        kind: 'tool',
        name: 'verify',
        summary: `${command} passed (${(result.durationMs / 1000).toFixed(1)} s)`,
        ok: true,
      });
      return;
    }
    this.push({
      kind: 'tool',
      name: 'verify',
      summary: `${command} failed`,
      ok: false,
      detail: result.summary,
    });
    this.proposeRetry(prompt, taskType, tier, result.summary, task?.attempts);
  }

  /** After a failed attempt: the next tier up, priced, or why not. */
  private proposeRetry(
    prompt: string,
    taskType: TaskType,
    tier: Tier | null,
    summary: string,
    /** Attempts so far, from the tracker's state after this failure (it may have ended the task). */
    attempts = 1,
  ): void {
    const retryPrompt = `The previous attempt did not pass the tests. Failure summary:\n${summary}\n\nFix it. Original request: ${prompt.slice(0, 2_000)}`;
    const escalation = proposeEscalation({
      tier,
      attempts,
      retryCap: this.deps.config.verify.retryCap,
      summary,
      estimate: (t) => {
        const d = this.decide(retryPrompt, { tier: t });
        return d.chosen.available
          ? { model: d.chosen.model, usd: d.chosen.estimate.usdP50 }
          : undefined;
      },
    });
    this.notify('warn', describeEscalation(escalation));
    if (escalation.kind !== 'escalate') return;
    const decision = this.decide(retryPrompt, { model: escalation.model, tier: escalation.toTier });
    this.lastDecision = decision;
    this.pending = {
      decision,
      input: { prompt: retryPrompt, override: { model: escalation.model } },
      escalation: { summary, attempt: escalation.attempt, retriesLeft: escalation.retriesLeft },
    };
    const proposal: RouteProposal = {
      ...toProposal(retryPrompt, decision),
      taskType,
      escalation: this.pending.escalation,
    };
    this.set({ proposal });
  }

  // ── tasks, screens and settings ───────────────────────────────────────

  newTask(): void {
    const ended = this.tasks.abandon();
    this.messages = [];
    this.notify(
      'info',
      ended ? `Task ${ended.id} recorded as abandoned; new task started` : 'New task started',
    );
  }

  doneTask(): void {
    const ended = this.tasks.done();
    this.notify(
      'info',
      ended
        ? `Task ${ended.id} completed after ${ended.attempts} attempt(s) on ${ended.models.join(', ')}`
        : 'No task is active: send a prompt first',
    );
  }

  clearTranscript(): void {
    this.messages = [];
    this.set({ transcript: [], clearEpoch: this.state.clearEpoch + 1 });
  }

  setScreen(screen: Screen): void {
    this.set({ screen });
  }

  setTheme(name: string): void {
    this.set({ themeName: name });
    try {
      this.deps.saveConfig((raw) => {
        raw.ui = { ...((raw.ui as object | undefined) ?? {}), theme: name };
      });
      this.notify('info', `Theme ${name} (saved)`);
    } catch (error) {
      this.notify(
        'warn',
        `Theme ${name} for this session; could not save it: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  setBudget(usd: number): void {
    this.deps.config.budget.monthlyUsd = usd;
    this.set({ status: { ...this.state.status, budgetUsd: usd } });
    try {
      this.deps.saveConfig((raw) => {
        raw.budget = { ...((raw.budget as object | undefined) ?? {}), monthlyUsd: usd };
      });
      this.notify('info', `Monthly budget $${usd.toFixed(2)} (saved)`);
    } catch (error) {
      this.notify(
        'warn',
        `Budget set for this session; could not save it: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  quit(): void {
    this.stop();
    this.set({ exiting: true });
    this.deps.onExit();
  }
}
