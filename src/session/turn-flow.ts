import type { Config } from '../config/schema.js';
import type { Message } from '../core/message.js';
import type { Tier } from '../core/tier.js';
import type { ApprovalFn, SessionWriter, TaskTracker } from '../agent/index.js';
import type { PendingRoute, RouteFlow } from './route-flow.js';
import type { SessionStore } from './store.js';
import { applyTurnEvent, finishTurn, newLive } from './transcript.js';
import { runTurn, type TurnHow, type TurnResult, type TurnRunnerDeps } from './turn-runner.js';
import { planEscalation, retryPrompt, runTestGate, watchTurnChanges } from './verify-flow.js';
import type { RouteProposal, StatusView } from './types.js';
import type { SessionFacts } from '../router/types.js';
import { cacheHitRecord, type CacheHit } from '../cache/index.js';
import { ZERO_USAGE } from '../core/usage.js';
import { usd } from '../present/units.js';

const TOK_SAMPLES = 30;

export interface TurnFlowDeps {
  sessionId: string;
  store: SessionStore;
  runner: TurnRunnerDeps;
  tasks: TaskTracker;
  routes: RouteFlow;
  config: () => Config;
  cwd: string;
  approve: ApprovalFn;
  transcript?: SessionWriter;
  monthSpendUsd(): number | undefined;
  /** Offers a card (the escalation after failed tests). */
  propose(pending: PendingRoute, proposal: RouteProposal): void;
  now: () => number;
}

/** The session's spend after one more booked call (an unpriced one is counted, never as $0). */
function withCallCost(status: StatusView, costUsd: number | null): StatusView {
  return {
    ...status,
    sessionUsd: status.sessionUsd + (costUsd ?? 0),
    sessionUnpriced: (status.sessionUnpriced ?? 0) + (costUsd === null ? 1 : 0),
  };
}

/**
 * A turn on the screen: the user's line, the runner's events folded into the transcript and
 * the status bar, the test gate after files changed, and the priced retry when it failed.
 */
export class TurnFlow {
  messages: Message[];
  private abort: AbortController | undefined;
  /** Aborted by `f`: the provider stops waiting to retry and the turn falls back. */
  private skip: AbortController | undefined;
  private turnNumber = 0;
  /** Models this conversation ran on since it began (`/new` begins another; `/done` does not). */
  private readonly ranOn = new Set<string>();

  constructor(
    private readonly deps: TurnFlowDeps,
    restored: readonly Message[] = [],
    /** The models the restored conversation ran on (conversationModelsOf). */
    restoredModels: readonly string[] = [],
  ) {
    this.messages = [...restored];
    for (const model of restoredModels) this.ranOn.add(model);
    // Turn numbers go on from the restored conversation, so a resumed session's ledger records
    // stay in order and its earlier turn lines can be rebuilt from them.
    this.turnNumber = restored.filter((m) => m.role === 'user').length;
  }

  running(): boolean {
    return this.abort !== undefined;
  }

  /** The task and turn number the next turn will have (for calls made before it runs). */
  upcoming(): { task: string; turn: number } {
    return { task: this.deps.tasks.upcoming(), turn: this.turnNumber + 1 };
  }

  /**
   * What the next prompt follows: the active task's type, so a vague follow-up ("ok do it")
   * continues it, and, while the task awaits a retry, the tier its failed attempt ran on, which
   * the route does not go below (the user dismissed the escalation card and typed the retry
   * themselves). Not `followUpOfFailure`: as a classifier feature it sent "try again" after a
   * failed debugging attempt to a weaker tier, not a harder one (review of 1 Dec 2026). Not
   * `long-context` either: that is the conversation's size, not its task.
   */
  sessionFacts(): SessionFacts {
    const task = this.deps.tasks.current();
    const type = task?.taskType;
    return {
      ...(type && type !== 'long-context' ? { previousTaskType: type } : {}),
      ...(task?.awaitingRetry && task.tier !== null ? { failedTier: task.tier } : {}),
    };
  }

  /** The models this conversation ran on: they hold it in their prompt cache. */
  conversationModels(): readonly string[] {
    return [...this.ranOn];
  }

  /** A call made for the next turn before it ran (the model classifier's): counted in the session. */
  addCall(costUsd: number | null): void {
    this.deps.store.set({ status: withCallCost(this.deps.store.getState().status, costUsd) });
  }

  interrupt(): void {
    this.abort?.abort();
  }

  /** Ends the current retry wait; the next model of the chain (if any) retries as usual. */
  skipRetry(): void {
    this.skip?.abort();
  }

  /** /new: the task ends without an outcome (calibration does not count it as a failure). */
  newTask(): string {
    const ended = this.deps.tasks.abandon();
    this.messages = [];
    this.ranOn.clear();
    return ended
      ? `Task ${ended.id} ended without an outcome (not counted as a failure); new task started`
      : 'New task started';
  }

  /** /done: the task completed; its attempts and models teach the router. */
  doneTask(): string {
    const ended = this.deps.tasks.done();
    return ended
      ? `Task ${ended.id} completed after ${ended.attempts} attempt(s) on ${ended.models.join(', ')}`
      : 'No task is active: send a prompt first';
  }

  /**
   * Enter on a cached answer: the answer joins the conversation as if the model had just said
   * it, and the ledger books a $0 `cache_hit` with what the original call cost (the saving).
   */
  serveCached(pending: PendingRoute, hit: CacheHit): void {
    const { store, tasks } = this.deps;
    const turn = ++this.turnNumber;
    const taskType = pending.decision.taskType;
    const task =
      tasks.current() ?? tasks.turn({ turn, model: hit.model, tier: hit.tier, taskType });
    const user: Message = { role: 'user', content: pending.prompt };
    const answer: Message = { role: 'assistant', content: hit.answer };
    store.push(
      { kind: 'user', text: pending.prompt },
      { kind: 'assistant', text: hit.answer, model: hit.model },
      {
        kind: 'turn',
        model: hit.model,
        tier: hit.tier,
        usage: ZERO_USAGE,
        costUsd: 0,
        durationMs: 0,
        how: `cached answer · saved ${usd(hit.usd)}`,
        outcome: 'ok',
        cached: true,
      },
    );
    this.messages = [...this.messages, user, answer];
    this.deps.transcript?.appendMessages([user, answer]);
    this.deps.runner.ledger.append(
      cacheHitRecord(hit, {
        session: this.deps.sessionId,
        task: task.id,
        turn,
        taskType,
        now: new Date(this.deps.now()),
      }),
    );
  }

  async run(
    pending: PendingRoute,
    model: string,
    how: TurnHow,
    /** Offers the finished turn to the semantic cache (it decides whether to store it). */
    remember?: (result: TurnResult) => Promise<void>,
  ): Promise<void> {
    const { store, tasks } = this.deps;
    const turn = ++this.turnNumber;
    const { decision, prompt } = pending;
    const user: Message = { role: 'user', content: prompt };
    store.push({
      kind: 'user',
      text: pending.escalation ? `(retry) ${prompt.split('\n')[0]}` : prompt,
    });
    this.deps.transcript?.appendMessage(user);
    const messages = [...this.messages, user];
    const abort = new AbortController();
    this.abort = abort;
    // An accepted escalation is verified even if it changed nothing ("already fixed"): the
    // tests decide. A question typed after a failure is not a retry of the tests.
    const retrying = pending.escalation !== undefined;
    const changes = watchTurnChanges(this.deps.config(), this.deps.cwd);
    let status: StatusView = store.getState().status;
    try {
      const result = await runTurn(
        {
          turn,
          // The task this turn's attempt starts (or joins): its records carry its id from the first call.
          task: tasks.upcoming(),
          taskType: decision.taskType,
          messages,
          decision,
          model,
          how,
          signal: abort.signal,
          skipRetry: () => (this.skip = new AbortController()).signal,
          ...(pending.delegate ? { delegate: pending.delegate } : {}),
          approve: this.deps.approve,
          beforeShell: changes.beforeShell,
        },
        this.deps.runner,
        (event) => {
          // From the store's status, not a copy taken at the start: the ticker (memory, tok/s)
          // and a classifier call booked meanwhile changed it since.
          status = store.getState().status;
          if (event.type === 'attempt') {
            tasks.turn({ turn, model: event.model, tier: event.tier, taskType: decision.taskType });
            this.ranOn.add(event.model);
            status = { ...status, route: event.model };
          }
          if (event.type === 'call') {
            const { costUsd, tokPerSec } = event.record;
            status = {
              ...withCallCost(status, costUsd),
              tokPerSec: tokPerSec
                ? [...status.tokPerSec, tokPerSec].slice(-TOK_SAMPLES)
                : status.tokPerSec,
            };
          }
          store.setView(applyTurnEvent(store.view(), event, this.deps.now()), { status });
        },
      );
      this.messages = result.messages;
      this.deps.transcript?.appendMessages(result.messages.slice(messages.length));
      const monthUsd = this.deps.monthSpendUsd() ?? status.monthUsd + result.cost.usd;
      store.setView(finishTurn(store.view(), result, how), {
        status: { ...store.getState().status, monthUsd },
      });
      await remember?.(result);
      if (result.outcome !== 'ok' || !result.agent) return;
      if (result.agent.failed) {
        const task = tasks.attemptFailed('three broken tool calls in a row');
        this.offerRetry(
          prompt,
          decision,
          result.tier,
          'The model sent three broken tool calls in a row.',
          task?.attempts,
        );
        return;
      }
      // Checking what a shell changed reads the workspace: the turn still shows as running, so
      // a prompt typed meanwhile is held, not dropped.
      if (result.agent.commandsRun)
        store.set({
          live: { ...newLive(result.model, result.tier, this.deps.now()), status: 'verifying' },
        });
      const changed = await changes.after(result.agent);
      if (result.agent.commandsRun && !changed.changed && !retrying) store.set({ live: undefined });
      if (changed.changed || retrying)
        await this.verify(prompt, turn, result, changed.paths, decision, abort.signal);
    } finally {
      this.abort = undefined;
    }
  }

  private async verify(
    prompt: string,
    turn: number,
    turnResult: TurnResult,
    /** What the turn changed, by the file tools or by a shell. */
    filesChanged: readonly string[],
    decision: PendingRoute['decision'],
    signal: AbortSignal,
  ): Promise<void> {
    const { store, tasks } = this.deps;
    const { model, tier } = turnResult;
    store.set({ live: { ...newLive(model, tier, this.deps.now()), status: 'verifying' } });
    const gate = await runTestGate({
      config: this.deps.config(),
      cwd: this.deps.cwd,
      signal,
      filesChanged,
      permissions: this.deps.runner.permissions,
      approve: this.deps.approve,
    });
    store.set({ live: undefined });
    if (!gate) return;
    if ('skipped' in gate) {
      store.notify('warn', `Tests not run (${gate.command}): ${gate.skipped}`);
      return;
    }
    const task = tasks.verify({
      turn,
      model,
      tier,
      result: { ...gate.result, command: gate.command },
    });
    store.push({
      kind: 'tool',
      name: 'verify',
      summary: gate.line,
      ok: gate.result.passed,
      ...(gate.result.passed ? {} : { detail: gate.result.summary }),
    });
    if (!gate.result.passed)
      this.offerRetry(prompt, decision, tier, gate.result.summary, task?.attempts);
  }

  /** After a failed attempt: the next tier up, priced, on a card — or why not. */
  private offerRetry(
    prompt: string,
    /** The failed turn's route: the retry is the same task, classified as it was. */
    failed: PendingRoute['decision'],
    tier: Tier | null,
    summary: string,
    attempts = 1,
  ): void {
    const retry = retryPrompt(prompt, summary);
    const { escalation, notice } = planEscalation({
      tier,
      attempts,
      config: this.deps.config(),
      summary,
      estimate: (t) => this.deps.routes.estimateOn(retry, this.messages, t, failed),
    });
    this.deps.store.notify('warn', notice);
    if (escalation.kind !== 'escalate') return;
    const { pending, proposal } = this.deps.routes.proposeRetry(
      retry,
      this.messages,
      failed,
      escalation.model,
      { summary, attempt: escalation.attempt, retriesLeft: escalation.retriesLeft },
    );
    this.deps.propose(pending, proposal);
  }
}
