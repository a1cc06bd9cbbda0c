import type { ConfigStore } from '../config/config-store.js';
import { KirikaeError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import { parseModelRef } from '../core/model-ref.js';
import type { Tier } from '../core/tier.js';
import {
  approveAll,
  createTaskTracker,
  type ApprovalAnswer,
  type ApprovalRequest,
  type SessionWriter,
} from '../agent/index.js';
import type { Routing } from '../router/context.js';
import type { RouterSession } from '../router/session.js';
import type { RouteOverride } from '../router/types.js';
import { explainDecision } from './route-view.js';
import { RouteFlow, autoAcceptedLine, type PendingRoute } from './route-flow.js';
import { Settings } from './settings.js';
import { StatusTicker, type StatusSources } from './status.js';
import { SessionStore } from './store.js';
import { TurnFlow } from './turn-flow.js';
import type { TurnLedger } from './turn-ledger.js';
import type { TurnHow, TurnRunnerDeps } from './turn-runner.js';
import type {
  AppController,
  ApprovalDecision,
  Notice,
  OverrideScope,
  RouteProposal,
  Screen,
} from './types.js';

export interface SessionDeps {
  cwd: string;
  branch?: string;
  sessionId: string;
  config: ConfigStore;
  setupProblems: string[];
  routing: Routing;
  router: RouterSession;
  runner: TurnRunnerDeps;
  ledger: TurnLedger;
  status: StatusSources;
  transcript?: SessionWriter;
  restored?: Message[];
  /** --yes: every call that would ask is approved (deny rules and read-only still hold). */
  yes?: boolean;
  onExit(): void;
  now?: () => number;
}

/** The headless app behind the screen: intents in, state out. Nothing here knows Ink. */
export class Session implements AppController {
  private readonly store: SessionStore;
  private readonly routes: RouteFlow;
  private readonly turns: TurnFlow;
  private readonly settings: Settings;
  private readonly ticker: StatusTicker;
  private readonly tasks;
  private pending: PendingRoute | undefined;
  private approvalResolve: ((answer: ApprovalAnswer) => void) | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
    const config = deps.config.get();
    this.store = new SessionStore({
      folder: deps.cwd,
      ...(deps.branch ? { branch: deps.branch } : {}),
      screen: 'chat',
      transcript: [],
      status: StatusTicker.initial(deps.status, config),
      setupProblems: deps.setupProblems,
      themeName: config.ui.theme,
      clearEpoch: 0,
      now: this.now(),
      exiting: false,
    });
    for (const text of deps.setupProblems) this.notify('warn', text);
    if (deps.restored?.length)
      this.notify(
        'info',
        `Resumed session ${deps.sessionId}: ${deps.restored.filter((m) => m.role === 'user').length} earlier prompts in the history`,
      );
    this.settings = new Settings(deps.config);
    this.routes = new RouteFlow({
      routing: deps.routing,
      router: deps.router,
      config: () => deps.config.get(),
      saveRule: (rule) => this.settings.saveRule(rule),
      notify: (level, text) => this.notify(level, text),
    });
    this.tasks = createTaskTracker({
      session: deps.sessionId,
      retryCap: config.verify.retryCap,
      record: (record) => deps.ledger.append(record),
    });
    this.turns = new TurnFlow(
      {
        store: this.store,
        runner: deps.runner,
        tasks: this.tasks,
        routes: this.routes,
        config: () => deps.config.get(),
        cwd: deps.cwd,
        approve: deps.yes ? approveAll : (request) => this.askApproval(request),
        ...(deps.transcript ? { transcript: deps.transcript } : {}),
        monthSpendUsd: () => deps.status.monthSpendUsd?.(),
        propose: (pending, proposal) => this.offer(pending, proposal),
        now: this.now,
      },
      deps.restored,
    );
    this.ticker = new StatusTicker(this.store, deps.status, this.now);
    deps.config.subscribe((c) =>
      this.store.set({
        themeName: c.ui.theme,
        status: { ...this.store.getState().status, budgetUsd: c.budget.monthlyUsd },
      }),
    );
  }

  getState = () => this.store.getState();
  subscribe = (listener: () => void) => this.store.subscribe(listener);

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
    this.turns.interrupt();
  }

  notify(level: Notice['level'], text: string): void {
    this.store.notify(level, text);
  }

  submit(prompt: string): void {
    if (this.turns.running() || this.pending) return;
    const { pending, proposal, auto } = this.routes.propose(prompt, this.turns.messages);
    if (auto) {
      this.notify('info', autoAcceptedLine(pending.decision));
      this.launch(pending, pending.decision.chosen.model, 'auto');
      return;
    }
    this.offer(pending, proposal);
  }

  private offer(pending: PendingRoute, proposal: RouteProposal): void {
    this.pending = pending;
    this.store.set({ proposal, lastRouteExplanation: explainDecision(pending.decision) });
  }

  acceptRoute(): void {
    const proposal = this.store.getState().proposal;
    const pending = this.pending;
    if (!proposal || !pending) return;
    const option = proposal.options[proposal.selected]!;
    if (!option.available) {
      this.store.set({
        notice: {
          level: 'error',
          text: `${option.model} is unavailable: ${option.unavailableReason}. Pick another tier (0–4) or model (←/→).`,
        },
      });
      return;
    }
    this.store.set({ proposal: undefined, notice: undefined });
    this.launch(pending, option.model, proposal.selected === 0 ? 'accepted' : 'override');
  }

  private launch(pending: PendingRoute, model: string, how: TurnHow): void {
    this.pending = undefined;
    void this.turns.run(pending, model, how).catch((error: unknown) => {
      this.store.set({ live: undefined, approval: undefined });
      this.notify(
        'error',
        `The turn failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  cancelRoute(): string | undefined {
    const proposal = this.store.getState().proposal;
    this.pending = undefined;
    this.store.set({ proposal: undefined, notice: undefined });
    return proposal?.escalation ? undefined : proposal?.prompt;
  }

  private change(change: ReturnType<RouteFlow['selectTier']>): void {
    if (change.notice) this.store.set({ notice: change.notice });
    else this.store.set({ proposal: change.proposal, notice: undefined });
  }

  selectTier(tier: Tier): void {
    const proposal = this.store.getState().proposal;
    if (proposal) this.change(this.routes.selectTier(proposal, tier));
  }

  cycleModel(direction: -1 | 1): void {
    const proposal = this.store.getState().proposal;
    if (proposal) this.change(this.routes.cycleModel(proposal, direction));
  }

  alwaysRoute(save: boolean): void {
    const proposal = this.store.getState().proposal;
    if (!proposal) return;
    this.routes.always(proposal, save);
    this.acceptRoute();
  }

  private askApproval(request: ApprovalRequest): Promise<ApprovalAnswer> {
    return new Promise((resolve) => {
      this.approvalResolve = resolve;
      this.store.set({
        approval: {
          tool: request.tool,
          summary: `${request.summary}${request.reason ? ` — ${request.reason}` : ''}`,
          ...(request.diff ? { diff: request.diff } : {}),
        },
      });
    });
  }

  answerApproval(decision: ApprovalDecision, note?: string): void {
    const resolve = this.approvalResolve;
    this.approvalResolve = undefined;
    this.store.set({ approval: undefined });
    resolve?.({ decision, ...(note ? { note } : {}) });
  }

  interrupt(): void {
    if (this.approvalResolve) this.answerApproval('deny', 'The user interrupted the turn');
    this.turns.interrupt();
  }

  private override(override: RouteOverride | undefined, scope: OverrideScope, what: string): void {
    this.routes.setOverride(override, scope);
    this.store.set({ sessionOverride: this.routes.describeOverride() });
    this.notify(
      'info',
      override
        ? `${what} for ${scope === 'turn' ? 'the next turn' : 'this session'}`
        : 'Back to automatic routing',
    );
  }

  setModelOverride(model: string | undefined, scope: OverrideScope): void {
    try {
      if (model) parseModelRef(model);
    } catch (error) {
      this.notify('error', error instanceof KirikaeError ? error.describe() : String(error));
      return;
    }
    this.override(model ? { model } : undefined, scope, `Model ${model}`);
  }

  setTierOverride(tier: Tier | undefined, scope: OverrideScope): void {
    this.override(tier === undefined ? undefined : { tier }, scope, `Tier ${tier}`);
  }

  setAutoAccept(on: boolean): void {
    this.routes.setAutoAccept(on);
    this.notify(
      'info',
      on
        ? 'Routes are accepted without the card (/auto off to ask again)'
        : 'The route card is shown before each turn',
    );
  }

  explainLastRoute(): void {
    const last = this.routes.last;
    if (!last)
      this.notify('info', 'No route yet: send a prompt first (or try `kirikae route "…"`)');
    else for (const line of explainDecision(last)) this.notify('info', line);
  }

  newTask(): void {
    const ended = this.tasks.abandon();
    this.turns.messages = [];
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
    this.turns.messages = [];
    this.store.set({ transcript: [], clearEpoch: this.store.getState().clearEpoch + 1 });
  }

  setScreen(screen: Screen): void {
    this.store.set({ screen });
  }

  setTheme(name: string): void {
    const result = this.settings.setTheme(name);
    this.notify(result.level, result.text);
  }

  setBudget(usd: number): void {
    const result = this.settings.setBudget(usd);
    this.notify(result.level, result.text);
  }

  quit(): void {
    this.stop();
    this.store.set({ exiting: true });
    this.deps.onExit();
  }
}
