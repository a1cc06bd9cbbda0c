import type { ConfigStore } from '../config/config-store.js';
import type { LedgerRecord } from '../core/records.js';
import { toKirikaeError } from '../core/errors.js';
import { conversationModelsOf, resumedItems } from './resume-view.js';
import { delegateCard, toggleDelegate } from '../delegate/card.js';
import { delegateToolSpec } from '../delegate/tool.js';
import type { DelegatePlan } from '../delegate/session.js';
import type { Message } from '../core/message.js';
import type { Tier } from '../core/tier.js';
import { approveAll, createTaskTracker, type SessionWriter } from '../agent/index.js';
import type { Routing } from '../router/context.js';
import type { RouterSession } from '../router/session.js';
import { explainDecision } from './route-view.js';
import { RouteFlow, autoAcceptedLine, type PendingRoute } from './route-flow.js';
import { askModel, classificationOf } from '../router/model-policy.js';
import { classifierCallFacts, verdictLine } from './classifier-call.js';
import type { CacheFlow, CachedOffer } from './cache-flow.js';
import type { ModelVerdict } from '../router/model-classify.js';
import type { Classification } from '../router/types.js';
import type { TurnQuestion } from '../cache/index.js';
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
  /** The ledger's records, for the restored turns' cost lines. */
  restoredRecords?: readonly LedgerRecord[];
  /** --yes: every call that would ask is approved (deny rules and read-only still hold). */
  yes?: boolean;
  /** The semantic answer cache, when the wiring built one. */
  cache?: CacheFlow;
  /** Resolves once every Ollama host answered (or after the time): the first route waits on it. */
  localReady?(timeoutMs: number): Promise<void>;
  /**
   * The model classifier's second opinion, within its own time budget; never rejects. `busy`:
   * the models this conversation ran on, whose cached prompt a classification would replace.
   */
  classify?(
    prompt: string,
    base: Classification,
    signal: AbortSignal,
    busy?: readonly string[],
  ): Promise<ModelVerdict>;
  /** The ledger's records (the delegation warning reads this task type's history). */
  history?(): Iterable<LedgerRecord>;
  /** Labels for retraining: the model classifier's agreement, the user's tier overrides. */
  labels?: {
    agreement(prompt: string, verdict: ModelVerdict): void;
    override(prompt: string, decision: PendingRoute['decision'], tier: Tier): void;
  };
  onExit(): void;
  now?: () => number;
}

/** How long the first route waits for Ollama's inventory (loopback answers in a few ms). */
const FIRST_ROUTE_WAIT_MS = 300;
/** After that, a card already drawn is still updated when the inventory arrives this late. */
const LATE_INVENTORY_MS = 5_000;

/** The headless app behind the screen: intents in, state out. Nothing here knows Ink. */
export class Session implements AppController {
  private readonly store: SessionStore;
  private readonly routes: RouteFlow;
  private readonly turns: TurnFlow;
  private readonly settings: Settings;
  private readonly ticker: StatusTicker;
  private pending: PendingRoute | undefined;
  private readonly approvals: ApprovalBridge;
  /** A prompt between submit and its card (waiting on Ollama, the cache or the classifier). */
  private preparing = false;
  private firstRoute = true;
  private cached: { offer: CachedOffer; question: TurnQuestion } | undefined;
  private question: TurnQuestion | undefined;
  private classifying: AbortController | undefined;
  private delegate: DelegatePlan | undefined;

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
    const earlier = deps.restored?.filter((m) => m.role === 'user').length ?? 0;
    if (earlier) {
      this.store.push(...resumedItems(deps.restored!, deps.restoredRecords ?? [], deps.sessionId));
      this.notify(
        'info',
        `Resumed session ${deps.sessionId}: ${earlier} earlier prompt${earlier === 1 ? '' : 's'}`,
      );
    }
    this.settings = new Settings(deps.config, this.store);
    this.routes = new RouteFlow({
      routing: deps.routing,
      router: deps.router,
      config: () => deps.config.get(),
      saveRule: (rule) => this.settings.saveRule(rule),
      notify: (level, text) => this.notify(level, text),
      facts: () => this.turns.sessionFacts(),
      extraTools: () => (this.delegate ? [delegateToolSpec()] : []),
    });
    this.turns = new TurnFlow(
      {
        sessionId: deps.sessionId,
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
      earlier ? conversationModelsOf(deps.restoredRecords ?? [], deps.sessionId) : [],
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
    if (this.turns.running() || this.pending || this.preparing) return;
    this.preparing = true;
    void this.prepare(prompt)
      .catch((error: unknown) => this.notify('error', `Routing failed: ${String(error)}`))
      .finally(() => (this.preparing = false));
  }

  /**
   * Before the card: the first route waits (briefly) for Ollama's inventory so it does not route
   * as if Ollama were absent; a cached answer is offered first; an unsure classification gets
   * the model classifier's second opinion while the card already shows.
   */
  private async prepare(prompt: string): Promise<void> {
    let late: Promise<unknown> | undefined;
    if (this.firstRoute && this.deps.localReady) {
      let arrived = false;
      const inventory = this.deps.localReady(LATE_INVENTORY_MS).then(() => (arrived = true));
      await Promise.race([inventory, new Promise((r) => setTimeout(r, FIRST_ROUTE_WAIT_MS))]);
      if (!arrived) late = inventory;
    }
    this.firstRoute = false;
    const messages = this.turns.messages;
    const proposed = this.routes.propose(prompt, messages);
    const routed = this.delegate ? this.routes.asPlanner(proposed, messages) : proposed;
    const cache = this.deps.cache;
    this.question = cache?.active()
      ? cache.question(prompt, messages, routed.pending.decision.chosen.tier)
      : undefined;
    const offer = this.question ? await cache?.lookup(this.question) : undefined;
    if (offer && this.question) {
      this.cached = { offer, question: this.question };
      this.offer(routed.pending, {
        ...routed.proposal,
        cached: { line: offer.line, answer: offer.hit.answer },
      });
      return;
    }
    // Ollama answered after the card was drawn: the card is decided again with it.
    if (late) void late.then(() => this.redecide(routed.pending));
    const decision = routed.pending.decision;
    if (!this.deps.classify || !askModel(decision, this.deps.config.get()))
      return this.settle(routed);
    const abort = new AbortController();
    this.classifying = abort;
    if (!routed.auto) this.offer(routed.pending, { ...routed.proposal, classifying: true });
    const at = { ...this.turns.upcoming(), taskType: decision.taskType };
    const verdict = await this.deps.classify!(
      prompt,
      classificationOf(decision),
      abort.signal,
      this.turns.conversationModels(),
    );
    // Booked even when the user accepted meanwhile: the call was sent.
    const booked = verdict.call
      ? this.deps.ledger.recordCall(classifierCallFacts(verdict.call, at))
      : undefined;
    if (booked) this.turns.addCall(booked.costUsd);
    if (this.classifying !== abort) return; // accepted or cancelled meanwhile
    this.classifying = undefined;
    if (verdict.outcome === 'answered') this.deps.labels?.agreement(prompt, verdict);
    const again =
      verdict.outcome === 'answered'
        ? this.decideAgain(routed.pending, verdict.classification)
        : routed;
    const detail = verdictLine(verdict, booked);
    const proposal = {
      ...again.proposal,
      classifier: { ...again.proposal.classifier!, ...(detail ? { detail } : {}) },
    };
    const current = this.store.getState().proposal;
    // The user already moved on the card: their pick stands, only the verdict line changes.
    if (current && current.selected !== 0) {
      this.store.set({
        proposal: { ...current, classifying: false, classifier: proposal.classifier },
      });
      return;
    }
    this.settle({ ...again, proposal });
  }

  /** The same prompt decided again (new local facts), unless the user already acted on the card. */
  private redecide(pending: PendingRoute): void {
    const proposal = this.store.getState().proposal;
    if (this.pending !== pending || !proposal || proposal.selected !== 0 || proposal.cached) return;
    const again = this.decideAgain(pending, classificationOf(pending.decision));
    this.offer(again.pending, {
      ...again.proposal,
      classifier: proposal.classifier,
      ...(proposal.classifying ? { classifying: true } : {}),
    });
  }

  /**
   * The card's prompt decided again (a better classification, new local facts, delegate mode
   * turned on or off): the turn's own override kept, delegate mode's planner tier applied anew,
   * and the request priced with the tools the turn will send.
   */
  private decideAgain(
    pending: PendingRoute,
    classification: Classification,
  ): ReturnType<RouteFlow['propose']> {
    const messages = this.turns.messages;
    const again = this.routes.reclassify(pending, messages, classification);
    return this.delegate ? this.routes.asPlanner(again, messages) : again;
  }

  private settle(routed: ReturnType<RouteFlow['propose']>): void {
    const { pending, proposal, auto } = routed;
    if (auto) {
      this.store.set({ proposal: undefined });
      // After the launch, which shows the prompt at once: the line is about the prompt above it.
      this.launch(pending, pending.decision.chosen.model, 'auto');
      this.notify('info', autoAcceptedLine(pending.decision));
      return;
    }
    this.offer(pending, proposal);
  }

  private offer(pending: PendingRoute, proposal: RouteProposal): void {
    this.pending = pending;
    this.store.set({
      proposal: this.withDelegate(proposal),
      lastRouteExplanation: explainDecision(pending.decision),
    });
  }

  /** The card's delegation line and the ledger's warning, when delegate mode is on. */
  private withDelegate(proposal: RouteProposal): RouteProposal {
    const { delegate: _was, ...rest } = proposal;
    if (!this.delegate) return rest;
    const card = delegateCard(
      this.delegate,
      proposal.taskType,
      this.deps.history?.() ?? [],
      this.deps.config.get(),
    );
    return { ...rest, delegate: card };
  }

  setDelegate(on: boolean, executor?: string): void {
    const config = this.deps.config.get();
    try {
      this.delegate = on ? toggleDelegate(undefined, config, executor) : undefined;
    } catch (error) {
      // An executor that names no model (`/delegate on zzz`) is a typo to report, not a crash;
      // the mode stays as it was.
      this.notify('error', toKirikaeError(error).describe());
      return;
    }
    this.notify(
      'info',
      this.delegate
        ? `Delegate mode: the routed model plans and hands sub-tasks to ${this.delegate.executor} (/delegate off)`
        : 'Delegate mode off: one model does the whole turn',
    );
    const proposal = this.store.getState().proposal;
    const pending = this.pending;
    if (!proposal || !pending) return;
    if (!proposal.cached) {
      // On or off, the route and its price change: the planner tier, the delegate tool.
      const again = this.decideAgain(pending, classificationOf(pending.decision));
      return this.offer(again.pending, again.proposal);
    }
    this.store.set({ proposal: this.withDelegate(proposal) });
  }

  toggleDelegate(): void {
    this.setDelegate(this.delegate === undefined);
  }

  /** Stops waiting for the model classifier: the card as it stands is what the user chose. */
  private stopClassifying(): void {
    this.classifying?.abort();
    this.classifying = undefined;
  }

  acceptRoute(): void {
    const proposal = this.store.getState().proposal;
    const pending = this.pending;
    if (!proposal || !pending) return;
    this.stopClassifying();
    if (proposal.cached && this.cached) return this.serveCached(pending);
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
    const proposed = proposal.options[0]!;
    if (proposal.selected !== 0 && option.tier !== null && option.tier !== proposed.tier)
      this.deps.labels?.override(proposal.prompt, pending.decision, option.tier);
    this.launch(pending, option.model, proposal.selected === 0 ? 'accepted' : 'override');
  }

  private serveCached(pending: PendingRoute): void {
    const { offer } = this.cached!;
    this.cached = undefined;
    this.pending = undefined;
    this.store.set({ proposal: undefined, notice: undefined });
    this.turns.serveCached(pending, offer.hit);
  }

  routeAnyway(): void {
    const proposal = this.store.getState().proposal;
    if (!proposal?.cached) return;
    this.cached = undefined;
    this.store.set({ proposal: { ...proposal, cached: undefined } });
  }

  dropCachedAnswer(): void {
    const proposal = this.store.getState().proposal;
    if (!proposal?.cached || !this.cached || !this.deps.cache) return;
    this.notify('info', this.deps.cache.dropWrong(this.cached.offer.hit));
    this.routeAnyway();
  }

  setCache(on: boolean): void {
    const { level, text } = this.settings.setSemanticCache(on);
    this.notify(level, this.deps.cache || !on ? text : `${text}; it starts with the next session`);
  }

  explainCache(): void {
    for (const line of this.deps.cache?.why() ?? ['The semantic cache is not available here'])
      this.notify('info', line);
  }

  private launch(routed: PendingRoute, model: string, how: TurnHow): void {
    this.pending = undefined;
    const pending = this.delegate ? { ...routed, delegate: this.delegate } : routed;
    const question = this.question;
    this.question = undefined;
    const cache = this.deps.cache;
    const remember =
      question && cache
        ? (result: Parameters<CacheFlow['remember']>[1]) => cache.remember(question, result)
        : undefined;
    void this.turns.run(pending, model, how, remember).catch((error: unknown) => {
      this.store.set({ live: undefined, approval: undefined });
      this.notify(
        'error',
        `The turn failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  cancelRoute(): string | undefined {
    const proposal = this.store.getState().proposal;
    this.stopClassifying();
    this.cached = undefined;
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

  fallbackNow(): void {
    if (this.store.getState().live?.retry) this.turns.skipRetry();
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
    // A new task starts a new conversation, on file too (as /clear): --continue resumes it.
    if (this.turns.messages.length) this.deps.transcript?.appendEvent({ kind: 'clear' });
    this.notify('info', this.turns.newTask());
  }

  doneTask(): void {
    this.notify('info', this.turns.doneTask());
  }

  clearTranscript(): void {
    // On file too: `--continue` resumes from after the clear, never the conversation cleared.
    if (this.turns.messages.length) this.deps.transcript?.appendEvent({ kind: 'clear' });
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
