import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import { totalInput } from '../core/usage.js';
import { parseTier, TIER_NAMES } from '../core/tier.js';
import {
  approveAll,
  createTaskTracker,
  denyAll,
  HEADLESS_DENY_NOTE,
  type SessionWriter,
  type TaskTracker,
} from '../agent/index.js';
import type { Message } from '../core/message.js';
import type { Routing } from '../router/context.js';
import type { ClassifierCall } from '../router/model-classify.js';
import type { TaskType } from '../core/task.js';
import type { CallRecord } from '../core/records.js';
import { verdictLine } from '../session/classifier-call.js';
import { decideRoute, type RouteAnswer, type RouteKit } from './route.js';
import type { RouteDecision, RouteOverride } from '../router/types.js';
import { noRouteReason, unavailableKind } from '../router/unavailable.js';
import { resolveModel } from '../session/resolve-model.js';
import type { TurnLedger } from '../session/turn-ledger.js';
import {
  runTurn,
  type TurnEvent,
  type TurnResult,
  type TurnRunnerDeps,
} from '../session/turn-runner.js';
import { runTestGate, watchTurnChanges } from '../session/verify-flow.js';
import { summaryLine } from './summary.js';
import { defaultExecutor, resolveAlias } from '../delegate/models.js';
import { delegateToolSpec } from '../delegate/tool.js';
import { delegationReport } from '../ledger/delegation.js';
import { redact } from '../core/secrets.js';
import { sanitize } from '../present/sanitize.js';
import { usdJson } from '../present/units.js';
import type { CommandIO } from './io.js';

export interface PrintArgs {
  prompt: string;
  model?: string;
  tier?: string;
  yes?: boolean;
  json?: boolean;
  /**
   * Delegate mode: the routed model plans and hands sub-tasks to an executor (`true`: the local
   * tier's first model; else an alias or provider/model, resolved through the config).
   */
  delegate?: string | boolean;
  /** Continue the last conversation in this folder (the screen's or an earlier `-p`'s). */
  continue?: boolean;
}

/** The conversation a `-p` turn belongs to: its transcript, and with --continue what came before. */
export interface PrintConversation {
  /** The conversation so far (empty for a new one). */
  messages: readonly Message[];
  writer: SessionWriter;
  /** The task type the conversation's last turn ran as: "ok do it" continues it. */
  previousTaskType?: TaskType;
  /** The highest turn number the ledger has for it (a /clear leaves fewer prompts than turns). */
  lastTurn?: number;
}

/** What `-p` runs on: the same routing and turn runner as the screen (built by the wiring). */
export interface PrintKit {
  config: () => Config;
  cwd: string;
  routing: Routing;
  runner: TurnRunnerDeps;
  turnLedger: TurnLedger;
  /** Where the turn is written, and the conversation it continues; none: nothing is kept. */
  conversation?: PrintConversation;
  /** The model classifier's second opinion when the offline one is unsure, as on the card. */
  classify?: RouteKit['classify'];
  /** Books the classifier's call on the turn it was made for; returns the record. */
  bookClassifier?: (
    call: ClassifierCall,
    at: { task: string; turn: number; taskType: TaskType },
  ) => CallRecord | undefined;
}

/**
 * The route `-p` takes: --model or --tier as an override, then the same routing as the card and
 * `kirikae route` (decideRoute: the model classifier is asked when the offline one is unsure).
 */
export async function choosePrintRoute(
  args: PrintArgs,
  kit: PrintKit,
  book?: RouteKit['book'],
): Promise<RouteAnswer> {
  const override: RouteOverride = {};
  if (args.model) {
    resolveModel(args.model, kit.config());
    override.model = args.model;
  } else if (args.tier !== undefined) {
    const tier = parseTier(args.tier);
    if (tier === undefined) throw new KirikaeError('config', `--tier ${args.tier} is not 0–4`);
    override.tier = tier;
  }
  // The planner is sent the delegate tool: its route is priced with it, as the card's is.
  const extraTools = args.delegate ? [delegateToolSpec()] : undefined;
  // A continued conversation is routed as the card routes its next prompt: with its length and
  // the task it was on.
  const conversation = kit.conversation;
  const context = {
    ...(extraTools ? { extraTools } : {}),
    ...(conversation?.messages.length ? { messages: conversation.messages } : {}),
    ...(conversation?.previousTaskType
      ? { facts: { previousTaskType: conversation.previousTaskType } }
      : {}),
  };
  const answer = await decideRoute(
    args.prompt,
    override,
    {
      config: kit.config,
      routing: kit.routing,
      ...(kit.classify ? { classify: kit.classify } : {}),
      ...(book ? { book } : {}),
    },
    context,
  );
  let decision = answer.decision;
  // A planner is the tier-0/1 choice: a cheaper route keeps the work and plans for no one.
  if (args.delegate && !args.model && args.tier === undefined && !isPlannerTier(decision))
    decision = kit.routing.decide({
      prompt: args.prompt,
      override: { tier: 1, why: 'delegate mode: the planner runs on tier 1 (standard)' },
      ...context,
      // The model's verdict, when it was asked (and paid for), still names the task.
      ...(answer.verdict?.outcome === 'answered'
        ? { classification: answer.verdict.classification }
        : {}),
    });
  const chosen = decision.chosen;
  // An explicit choice is never swapped for another (paid) model without a person saying so.
  if (args.model && chosen.model !== args.model) {
    const forced = decision.options.find((o) => o.model === args.model);
    const reason = forced?.unavailableReason ?? decision.warnings[0] ?? 'unavailable';
    throw new KirikaeError(unavailableKind(reason), `${args.model} cannot run: ${reason}`, {
      hint: 'kirikae doctor shows what is missing; or choose another --model',
    });
  }
  // Nor is a tier: "--tier 3" with Ollama down must not send the prompt to a cloud tier.
  if (args.tier !== undefined && override.tier !== undefined && chosen.tier !== override.tier) {
    const tier = override.tier;
    const onTier = decision.options.filter((o) => o.tier === tier);
    const why = onTier.length
      ? onTier.map((o) => `${o.model}: ${o.unavailableReason ?? 'unavailable'}`).join('; ')
      : 'no model is configured on it';
    throw new KirikaeError(
      unavailableKind(onTier[0]?.unavailableReason ?? ''),
      `--tier ${tier} (${TIER_NAMES[tier]}) cannot run: ${why}`,
      { hint: 'kirikae doctor shows what is missing; or choose another --tier or a --model' },
    );
  }
  if (!chosen.available) {
    // A block budget stops paid routes, not the free local one the table did not pick.
    const local = decision.options.find((o) => o.available && o.tier === 3);
    throw new KirikaeError(
      unavailableKind(chosen.unavailableReason ?? ''),
      `No route available: ${noRouteReason(decision)}`,
      {
        hint: local
          ? `${local.model} can run it: --tier 3 (local); kirikae doctor shows what else is missing`
          : 'kirikae doctor shows what is missing; or pass --model provider/model',
      },
    );
  }
  // Nobody can answer the card's budget question in a script: "ask" refuses unless --yes.
  if (chosen.needsConfirmation && !args.yes) {
    throw new KirikaeError(
      'spend_limit',
      `${chosen.model}: ${chosen.confirmReason ?? 'needs confirmation'}`,
      {
        hint: 'Run with --yes to accept, raise budget.monthlyUsd, or pick a local model with --tier 3',
      },
    );
  }
  return { ...answer, decision };
}

function isPlannerTier(decision: RouteDecision): boolean {
  return decision.chosen.tier === 0 || decision.chosen.tier === 1;
}

/** The error kind behind a route's unavailable reason, so scripts can tell a key from a budget. */
function reportEvent(event: TurnEvent, io: CommandIO, echo: boolean): void {
  if (event.type === 'fallback') {
    io.stderr.write(`kirikae: ${event.error.describe()} — ${event.notice}\n`);
    return;
  }
  if (event.type === 'residency') {
    if (event.unloaded.length)
      io.stderr.write(`kirikae: unloaded ${event.unloaded.join(', ')} on ${event.host}\n`);
    if (event.status === 'does_not_fit')
      io.stderr.write(
        `kirikae: ${event.model} does not fit the memory budget${event.reason ? `: ${event.reason}` : ''}\n`,
      );
    return;
  }
  if (event.type !== 'agent') return;
  const e = event.event;
  if (event.role === 'executor') {
    // The executor's words reach the planner as its result, not the user's stdout; what it
    // runs into (a rate-limit wait, dropped context) is said on stderr, naming it.
    const who = `  ↳ executor ${event.model}:`;
    if (e.type === 'tool_result')
      io.stderr.write(`  ↳ ${e.ok ? '✓' : '✗'} ${e.name} ${e.summary}\n`);
    else if (e.type === 'notice') io.stderr.write(`${who} ${e.message}\n`);
    else if (e.type === 'warning') io.stderr.write(`${who} warning: ${e.warning.message}\n`);
    else if (e.type === 'retry')
      io.stderr.write(
        `${who} ${e.message} · retrying in ${Math.ceil(e.delayMs / 1000)} s (attempt ${e.attempt + 1} of ${e.maxAttempts})\n`,
      );
    return;
  }
  // Model text reaches a terminal only with its control sequences made visible.
  if (e.type === 'text' && echo)
    io.stdout.write((io.stdout as { isTTY?: boolean }).isTTY ? sanitize(e.text) : e.text);
  else if (e.type === 'tool_result')
    io.stderr.write(`${e.ok ? '✓' : '✗'} ${e.name} ${e.summary}\n`);
  else if (e.type === 'notice') io.stderr.write(`kirikae: ${e.message}\n`);
  else if (e.type === 'warning') io.stderr.write(`kirikae: warning: ${e.warning.message}\n`);
  else if (e.type === 'retry')
    io.stderr.write(
      `kirikae: ${e.message} · retrying in ${Math.ceil(e.delayMs / 1000)} s (attempt ${e.attempt + 1} of ${e.maxAttempts})\n`,
    );
}

/** --json promises one JSON object on stdout, whatever happened: a refusal before the turn too. */
export function writeErrorJson(args: PrintArgs, error: unknown, io: CommandIO): void {
  if (args.json && error instanceof KirikaeError)
    io.stdout.write(
      `${JSON.stringify({ model: args.model ?? null, text: '', error: { kind: error.kind, message: error.describe() } })}\n`,
    );
}

/**
 * `kirikae -p`: one prompt through the one turn pipeline — routed, with fallback, every model
 * call in the ledger — streamed to stdout with a summary on stderr (or one JSON object with
 * --json). Without --yes, anything that would ask (edits, commands) is refused with a note.
 */
export async function runPrint(args: PrintArgs, kit: PrintKit, io: CommandIO): Promise<number> {
  if (!args.prompt.trim())
    throw new KirikaeError('config', 'The prompt is empty', {
      hint: 'Example: kirikae -p "explain this error: …"',
    });
  let decision: RouteDecision;
  const conversation = kit.conversation;
  const history = conversation?.messages ?? [];
  const turn =
    Math.max(history.filter((m) => m.role === 'user').length, conversation?.lastTurn ?? 0) + 1;
  const tasks: TaskTracker = createTaskTracker({
    session: conversation?.writer.id ?? 'print',
    retryCap: kit.config().verify.retryCap,
    record: (record) => kit.turnLedger.append(record),
  });
  let classifierCall: CallRecord | undefined;
  try {
    // A classifier call is booked on the task the turn will start (tasks.upcoming()).
    const book: RouteKit['book'] = kit.bookClassifier
      ? (call, taskType) => kit.bookClassifier!(call, { task: tasks.upcoming(), turn, taskType })
      : undefined;
    const routed = await choosePrintRoute(args, kit, book);
    decision = routed.decision;
    classifierCall = routed.booked;
    const line = routed.verdict ? verdictLine(routed.verdict, routed.booked) : undefined;
    if (line) io.stderr.write(`kirikae: classifier: ${line}\n`);
  } catch (error) {
    writeErrorJson(args, error, io);
    throw error;
  }
  const model = decision.chosen.model;
  if (!args.model)
    io.stderr.write(
      `kirikae: routed to ${model} (${decision.taskType}, tier ${decision.chosen.tier ?? '-'})\n`,
    );
  const executor = args.delegate
    ? typeof args.delegate === 'string'
      ? resolveAlias(args.delegate, kit.config())
      : defaultExecutor(kit.config())
    : undefined;
  if (executor) io.stderr.write(`kirikae: delegating sub-tasks to ${executor}\n`);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  let text = '';
  let refused = 0;
  let verify: PrintVerify | undefined;
  let result: TurnResult;
  // Edits made through a shell count as the file tools' do (the gate runs, and asks about a
  // rewritten test script); only with --yes is anything changed at all.
  const changes = args.yes ? watchTurnChanges(kit.config(), kit.cwd) : undefined;
  const user: Message = { role: 'user', content: args.prompt };
  conversation?.writer.appendMessage(user);
  try {
    result = await runTurn(
      {
        turn,
        task: tasks.turn({
          turn,
          model,
          tier: decision.chosen.tier,
          taskType: decision.taskType,
        }).id,
        taskType: decision.taskType,
        messages: [...history, user],
        decision,
        model,
        how: 'headless',
        signal: abort.signal,
        approve: args.yes ? approveAll : denyAll(HEADLESS_DENY_NOTE),
        ...(changes ? { beforeShell: changes.beforeShell } : {}),
        ...(executor ? { delegate: { executor } } : {}),
      },
      kit.runner,
      (event) => {
        const planner = event.type !== 'agent' || event.role !== 'executor';
        if (planner && event.type === 'agent' && event.event.type === 'text')
          text += event.event.text;
        if (event.type === 'agent' && event.event.type === 'tool_result' && event.event.denied)
          refused += 1;
        reportEvent(event, io, !args.json);
      },
    );
    conversation?.writer.appendMessages(result.messages.slice(history.length + 1));
    const changed = result.agent ? await changes?.after(result.agent) : undefined;
    if (result.outcome === 'ok' && changed?.changed) {
      const gate = await runTestGate({
        config: kit.config(),
        cwd: kit.cwd,
        signal: abort.signal,
        filesChanged: changed.paths,
        permissions: kit.runner.permissions,
        approve: approveAll,
      });
      if (gate && 'skipped' in gate) {
        verify = { command: gate.command, skipped: gate.skipped };
        io.stderr.write(`kirikae: tests not run (${gate.command}): ${gate.skipped}\n`);
      } else if (gate) {
        verify = {
          command: gate.command,
          passed: gate.result.passed,
          summary: gate.result.summary,
        };
        tasks.verify({
          turn,
          model: result.model,
          tier: result.tier,
          result: { ...gate.result, command: gate.command },
        });
        io.stderr.write(
          `${gate.result.passed ? '✓' : '✗'} ${gate.command}: ${gate.result.summary}\n`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return finish(
    args,
    result,
    text,
    io,
    {
      verify,
      refused,
      aborted: abort.signal.aborted,
      ...(conversation ? { session: conversation.writer.id } : {}),
    },
    classifierCall,
  );
}

/** What the test gate said after the turn's edits (`-p --yes`): passed, failed, or not run. */
type PrintVerify =
  { command: string; passed: boolean; summary: string } | { command: string; skipped: string };

/** Exit status of `-p` when the tests failed after its edits: the turn ran, the work did not. */
export const TESTS_FAILED_EXIT = 3;

/** A delegated turn's books in `-p --json`: calls per role and the planner's re-read overhead. */
function delegationJson(result: TurnResult) {
  const books = delegationReport(result.records);
  return {
    delegation: {
      plannerCalls: books.roles.planner.calls,
      executorCalls: books.roles.executor.calls,
      executorUsd: books.roles.executor.usd.unknown ? null : usdJson(books.roles.executor.usd.usd),
      overheadTokens: books.overhead.tokens,
      overheadUsd: books.overhead.usd.unknown ? null : usdJson(books.overhead.usd.usd),
    },
  };
}

function finish(
  args: PrintArgs,
  result: TurnResult,
  text: string,
  io: CommandIO,
  after: {
    verify: PrintVerify | undefined;
    refused: number;
    aborted: boolean;
    /** The session the turn was written to (`kirikae -p -c` continues it). */
    session?: string;
  },
  /** The model classifier's call before the turn, booked apart from the turn's own. */
  classifier?: CallRecord,
): number {
  const { verify, refused, aborted: abortedRun } = after;
  const last = result.records[result.records.length - 1];
  const stopReason =
    result.agent?.stopReason ?? (result.outcome === 'aborted' ? 'aborted' : 'error');
  const costUsd = result.cost.unknown ? null : usdJson(result.cost.usd);
  const durationMs = result.records.reduce((sum, r) => sum + r.durationMs, 0);
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({
        model: result.model,
        ...(after.session ? { session: after.session } : {}),
        text,
        usage: {
          input: result.usage.input,
          output: result.usage.output,
          cacheRead: result.usage.cacheRead,
          cacheWrite: result.usage.cacheWrite,
        },
        costUsd,
        costKnown: result.cost.unknown === 0,
        tokPerSec: result.tokPerSec ?? null,
        durationMs: Math.round(durationMs),
        stopReason,
        calls: result.records.length,
        ...(result.records.some((r) => r.role === 'planner') ? delegationJson(result) : {}),
        ...(classifier
          ? {
              classifier: {
                model: classifier.model,
                costUsd: classifier.costUsd === null ? null : usdJson(classifier.costUsd),
              },
            }
          : {}),
        warnings: result.records.flatMap((r) => r.warnings ?? []),
        verify: verify ?? null,
        refusedCalls: refused,
        ...(result.tried.length ? { fallbackFrom: result.tried } : {}),
        ...(result.error
          ? { error: { kind: result.error.kind, message: result.error.describe() } }
          : {}),
      })}\n`,
    );
  } else if (text && !text.endsWith('\n')) {
    io.stdout.write('\n');
  }
  // A call that failed before anything came back has no usage to summarise.
  const received = text !== '' || totalInput(result.usage) + result.usage.output > 0;
  if (received || !result.error) {
    io.stderr.write(
      `${summaryLine({ model: result.model, usage: result.usage, cost: result.cost, tokPerSec: result.tokPerSec ?? last?.tokPerSec, durationMs, stopReason })}\n`,
    );
  }
  if (result.error) {
    io.stderr.write(`kirikae: ${redact(result.error.describe())}\n`);
    return result.error.kind === 'aborted' ? 130 : 1;
  }
  if (result.agent?.failed) {
    io.stderr.write(
      'kirikae: the model sent three malformed tool calls in a row; the turn failed\n',
    );
    return 1;
  }
  if (refused && !args.yes) {
    // Said whole here: the per-call lines are cut to fit, and this is the line to act on.
    io.stderr.write(
      `kirikae: ${refused} tool call${refused === 1 ? '' : 's'} refused: ${HEADLESS_DENY_NOTE} edits and commands\n`,
    );
  }
  // Stopped while the tests ran: an interrupt, not a verdict on the edits.
  if (abortedRun) return 130;
  if (verify && 'passed' in verify && !verify.passed) {
    io.stderr.write(`kirikae: the tests failed after the edits (${verify.command})\n`);
    return TESTS_FAILED_EXIT;
  }
  return 0;
}
