import type { ConfigStore } from '../config/config-store.js';
import type { Message } from '../core/message.js';
import type { Tier } from '../core/tier.js';
import { approveAll, createTaskTracker, type SessionWriter } from '../agent/index.js';
import type { Routing } from '../router/context.js';
import type { RouterSession } from '../router/session.js';
import { explainDecision } from './route-view.js';
import { RouteFlow, autoAcceptedLine, type PendingRoute } from './route-flow.js';
import { Settings } from './settings.js';
import { StatusTicker, type StatusSources } from './status.js';
import { SessionStore } from './store.js';
import { ApprovalBridge } from './approval-bridge.js';
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
  private pending: PendingRoute | undefined;
  private readonly approvals: ApprovalBridge;

  constructor(private readonly deps: SessionDeps) {
    const now = deps.now ?? Date.now;
    const config = deps.config.get();
    this.store = SessionStore.open({
      folder: deps.cwd,
      ...(deps.branch ? { branch: deps.branch } : {}),
      status: StatusTicker.initial(deps.status, config),
      setupProblems: deps.setupProblems,
      themeName: config.ui.theme,
      now: now(),
    });
    this.approvals = new ApprovalBridge(this.store);
    for (const text of deps.setupProblems) this.notify('warn', text);
    const earlier = deps.restored?.filter((m) => m.role === 'user').length;
    if (earlier)
      this.notify('info', `Resumed session ${deps.sessionId}: ${earlier} earlier prompts`);
    this.settings = new Settings(deps.config, this.store);
    this.routes = new RouteFlow({
      routing: deps.routing,
      router: deps.router,
      config: () => deps.config.get(),
      saveRule: (rule) => this.settings.saveRule(rule),
      notify: (level, text) => this.notify(level, text),
    });
    this.turns = new TurnFlow(
      {
        store: this.store,
        runner: deps.runner,
        tasks: createTaskTracker({
          session: deps.sessionId,
          retryCap: config.verify.retryCap,
          record: (record) => deps.ledger.append(record),
        }),
        routes: this.routes,
        config: () => deps.config.get(),
        cwd: deps.cwd,
        approve: deps.yes ? approveAll : this.approvals.ask,
        ...(deps.transcript ? { transcript: deps.transcript } : {}),
        monthSpendUsd: () => deps.status.monthSpendUsd?.(),
        propose: (pending, proposal) => this.offer(pending, proposal),
        now,
      },
      deps.restored,
    );
    this.ticker = new StatusTicker(this.store, deps.status, now);
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

  answerApproval(decision: ApprovalDecision, note?: string): void {
    this.approvals.answer(decision, note);
  }

  interrupt(): void {
    if (this.approvals.pending) this.approvals.answer('deny', 'The user interrupted the turn');
    this.turns.interrupt();
  }

  setModelOverride(model: string | undefined, scope: OverrideScope): void {
    this.routes.overrideModel(model, scope);
    this.store.set({ sessionOverride: this.routes.describeOverride() });
  }

  setTierOverride(tier: Tier | undefined, scope: OverrideScope): void {
    this.routes.overrideTier(tier, scope);
    this.store.set({ sessionOverride: this.routes.describeOverride() });
  }

  setAutoAccept(on: boolean): void {
    this.routes.setAutoAccept(on);
  }

  explainLastRoute(): void {
    this.routes.explainLast();
  }

  newTask(): void {
    this.notify('info', this.turns.newTask());
  }

  doneTask(): void {
    this.notify('info', this.turns.doneTask());
  }

  clearTranscript(): void {
    this.turns.messages = [];
    this.store.set({ transcript: [], clearEpoch: this.store.getState().clearEpoch + 1 });
  }

  setScreen(screen: Screen): void {
    this.store.set({ screen });
  }

  setTheme(name: string): void {
    const { level, text } = this.settings.setTheme(name);
    this.notify(level, text);
  }

  setBudget(usd: number): void {
    const { level, text } = this.settings.setBudget(usd);
    this.notify(level, text);
  }

  quit(): void {
    this.stop();
    this.store.set({ exiting: true });
    this.deps.onExit();
  }
}
