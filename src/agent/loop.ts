import { KirikaeError, toKirikaeError } from '../core/errors.js';
import {
  fixedRequestChars,
  messageChars,
  type AssistantMessage,
  type Message,
  type ToolCall,
  type ToolResultMessage,
} from '../core/message.js';
import type { Provider, ProviderRequest } from '../core/provider.js';
import type { RetryNotice, StopReason, StreamMetrics, StreamWarning } from '../core/stream.js';
import { ZERO_USAGE, addUsage, type Usage } from '../core/usage.js';
import type { ApprovalFn, PermissionGate } from './approvals.js';
import { capText, oneLine } from './output.js';
import { checkToolCall } from './tool-calls.js';
import { onlyReads } from './read-only-command.js';
import {
  ToolError,
  type PreparedCall,
  type Tool,
  type ToolContext,
  type ToolOutcome,
} from './tools/types.js';
import { WorkspaceError, openWorkspace, type Workspace } from './workspace.js';

/** Broken calls in a row after which the attempt counts as failed. */
export const MAX_BROKEN_IN_A_ROW = 3;
/** Last-resort cap on any tool result (tools cap their own output well below this). */
const RESULT_CAP = { headBytes: 24_000, tailBytes: 8_000 };

/** Why a turn ended: the model's own reason, or one the loop imposed. */
export type TurnStopReason = StopReason | 'max_steps' | 'broken_tool_calls';

/** What the UI renders while a turn runs. */
export type AgentEvent =
  | {
      type: 'step';
      step: number;
      maxSteps: number;
      /** Characters the step sends (system, tool specs, history): a killed call's input estimate. */
      promptChars: number;
    }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'notice'; message: string }
  /** The provider waits before trying the same call again (a countdown for the screen). */
  | RetryNotice
  /** Something went wrong quietly (Ollama dropped context): shown on the turn and recorded. */
  | { type: 'warning'; warning: StreamWarning }
  | { type: 'tool_start'; id: string; name: string; summary: string }
  | {
      type: 'tool_result';
      id: string;
      name: string;
      ok: boolean;
      summary: string;
      diff?: string;
      /** The call itself was malformed (unknown tool, bad JSON, wrong arguments). */
      broken?: boolean;
      /** Refused by a rule, the mode, or the user. */
      denied?: boolean;
    }
  /** Usage so far: this step's (last report wins) and the turn's total including it. */
  | { type: 'usage'; step: Usage; total: Usage; billedUsd?: number }
  /** One model call ended: what the ledger records (one CallRecord per step). */
  | {
      type: 'model_call';
      step: number;
      usage: Usage;
      billedUsd?: number;
      /** A cost the provider reported but is not trusted to bill (checked against the table). */
      reportedUsd?: number;
      warnings?: StreamWarning[];
      metrics: StreamMetrics;
      stopReason: StopReason;
      error?: KirikaeError;
    };

export interface AgentTurnOptions {
  provider: Provider;
  /** The model part of the id, as the provider expects it. */
  model: string;
  system?: string;
  /** History including the new user prompt; not mutated. */
  messages: readonly Message[];
  tools: readonly Tool[];
  maxSteps: number;
  signal?: AbortSignal;
  approve: ApprovalFn;
  onEvent?: (event: AgentEvent) => void;
  /** Workspace root (file tools are confined to it). */
  workspace: string | Workspace;
  /** The session's permission gate (mode, rules, grants). */
  permissions: PermissionGate;
  /** Default bash timeout (config agent.bashTimeoutMs). */
  bashTimeoutMs?: number;
  /**
   * Awaited before each shell command runs (the test gate snapshots the workspace then, so what
   * the command changes can be told apart; it does the work once).
   */
  beforeShell?: () => Promise<void>;
  /** Passed through on every call: maxTokens, temperature, numCtx, keepAlive. */
  request?: Omit<ProviderRequest, 'model' | 'system' | 'messages' | 'tools'>;
}

export interface AgentTurnResult {
  /** The history with this turn's messages appended. */
  messages: Message[];
  /** Only this turn's messages (assistant replies and tool results). */
  newMessages: Message[];
  /** Summed over every model call of the turn. */
  usage: Usage;
  stopReason: TurnStopReason;
  /** Workspace-relative paths changed by edit_file / write_file, in first-change order. */
  filesChanged: string[];
  /** A provider error (or abort) that ended the turn; the caller decides about fallback. */
  error?: KirikaeError;
  /** Malformed tool calls during the turn. */
  brokenToolCalls: number;
  /** The attempt failed: MAX_BROKEN_IN_A_ROW broken calls in a row. */
  failed: boolean;
  /** Model calls made. */
  steps: number;
  /** Shell commands that ran (bash calls not refused): they may have changed files unseen. */
  commandsRun: number;
  /**
   * Of those, the ones not known only to read (`ls`, `cat`, `grep …` are): outside a git
   * repository, where changes cannot be listed, only these count as a change.
   */
  writingCommands: number;
}

interface StepOutput {
  text: string;
  reasoning: string;
  reportedUsd?: number;
  warnings: StreamWarning[];
  calls: ToolCall[];
  usage: Usage;
  billedUsd?: number;
  stopReason: StopReason;
  metrics: StreamMetrics;
  error?: KirikaeError;
}

async function streamStep(
  options: AgentTurnOptions,
  history: readonly Message[],
  totalBefore: Usage,
  signal: AbortSignal | undefined,
  emit: (event: AgentEvent) => void,
): Promise<StepOutput> {
  const started = Date.now();
  const out: StepOutput = {
    text: '',
    reasoning: '',
    warnings: [],
    calls: [],
    usage: ZERO_USAGE,
    stopReason: 'other',
    metrics: { durationMs: 0 },
  };
  let ended = false;
  const request: ProviderRequest = {
    ...options.request,
    model: options.model,
    messages: [...history],
    ...(options.system ? { system: options.system } : {}),
    ...(options.tools.length ? { tools: options.tools.map((t) => t.spec) } : {}),
  };
  try {
    for await (const event of options.provider.stream(request, signal)) {
      switch (event.type) {
        case 'text':
          out.text += event.text;
          emit(event);
          break;
        case 'reasoning':
          out.reasoning += event.text;
          emit(event);
          break;
        case 'notice':
        case 'retry':
          emit(event);
          break;
        case 'warning':
          out.warnings.push(event.warning);
          emit(event);
          break;
        case 'tool_call':
          out.calls.push(event.call);
          break;
        case 'usage':
          out.usage = event.usage;
          out.billedUsd = event.billedUsd;
          out.reportedUsd = event.reportedUsd;
          emit({
            type: 'usage',
            step: event.usage,
            total: addUsage(totalBefore, event.usage),
            billedUsd: event.billedUsd,
          });
          break;
        case 'done':
          ended = true;
          out.stopReason = event.stopReason;
          out.metrics = event.metrics;
          break;
        case 'error':
          ended = true;
          out.error = event.error;
          out.stopReason = event.error.kind === 'aborted' ? 'aborted' : 'error';
          out.metrics = event.metrics;
          break;
      }
    }
  } catch (error) {
    // Providers promise never to throw; a bug there still must not take the app down.
    out.error = toKirikaeError(error, signal?.aborted ? 'aborted' : 'bad_response');
    out.stopReason = out.error.kind === 'aborted' ? 'aborted' : 'error';
  }
  if (!ended && !out.error) {
    out.error = signal?.aborted
      ? new KirikaeError('aborted', 'Stopped')
      : new KirikaeError('bad_response', 'The stream ended without a result', {
          provider: options.provider.id,
        });
    out.stopReason = signal?.aborted ? 'aborted' : 'error';
  }
  if (!out.metrics.durationMs) out.metrics = { ...out.metrics, durationMs: Date.now() - started };
  return out;
}

function errorText(error: unknown): string {
  if (error instanceof ToolError || error instanceof WorkspaceError) return error.message;
  return `The tool failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
}

interface CallOutcome extends ToolOutcome {
  broken?: boolean;
  denied?: boolean;
}

/** Prepare (paths, diff), permission check and approval, then run: one valid tool call. */
/** Whether a bash call's command line is known only to read (one without a command is not). */
function bashOnlyReads(args: unknown): boolean {
  const command = (args as { command?: unknown } | null)?.command;
  return typeof command === 'string' && onlyReads(command);
}

async function executeCall(
  call: ToolCall,
  checked: { tool: Tool; args: unknown },
  options: AgentTurnOptions,
  ctx: ToolContext,
  signal: AbortSignal,
  start: (summary: string) => void,
): Promise<CallOutcome> {
  const failure = (error: unknown): CallOutcome => {
    const text = errorText(error);
    return { ok: false, content: text, summary: oneLine(text) };
  };
  let prepared: PreparedCall;
  try {
    prepared = await checked.tool.prepare(checked.args, ctx);
  } catch (error) {
    start(`${call.name} ${oneLine(call.rawArguments, 80)}`);
    return failure(error);
  }
  start(prepared.summary);
  const auth = await options.permissions.authorize(
    { tool: checked.tool, args: checked.args, prepared },
    options.approve,
  );
  if (!auth.allowed) {
    return { ok: false, content: auth.message, summary: oneLine(auth.message), denied: true };
  }
  try {
    return await prepared.run(signal);
  } catch (error) {
    return failure(error);
  }
}

/**
 * One coding turn: stream the model, run the tools it calls (after permission checks and
 * approvals), feed the results back, and repeat until the model answers without tool calls,
 * `maxSteps` model calls were made, the attempt failed on broken calls, or an error/abort.
 * Provider errors end the turn with the error; fallback is the caller's decision.
 */
export async function runAgentTurn(options: AgentTurnOptions): Promise<AgentTurnResult> {
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal;
  const workspace =
    typeof options.workspace === 'string' ? openWorkspace(options.workspace) : options.workspace;
  const ctx: ToolContext = {
    workspace,
    bashTimeoutMs: options.bashTimeoutMs ?? 120_000,
    // Read rules for searches, the sandbox and a clean environment for bash.
    policy: options.permissions.toolPolicy,
  };
  const toolSignal = signal ?? new AbortController().signal;

  const history: Message[] = [...options.messages];
  const newMessages: Message[] = [];
  const filesChanged: string[] = [];
  let commandsRun = 0;
  let writingCommands = 0;
  let usage: Usage = ZERO_USAGE;
  let brokenToolCalls = 0;
  let brokenInARow = 0;
  let steps = 0;

  const finish = (
    stopReason: TurnStopReason,
    extra: { error?: KirikaeError; failed?: boolean } = {},
  ): AgentTurnResult => ({
    messages: history,
    newMessages,
    usage,
    stopReason,
    filesChanged,
    brokenToolCalls,
    failed: extra.failed ?? false,
    steps,
    commandsRun,
    writingCommands,
    ...(extra.error ? { error: extra.error } : {}),
  });

  // What every step sends besides the history, counted once.
  const fixedChars = fixedRequestChars(
    options.system,
    options.tools.map((t) => t.spec),
  );
  let historyChars = options.messages.reduce((sum, m) => sum + messageChars(m), 0);
  const append = (message: Message): void => {
    history.push(message);
    newMessages.push(message);
    historyChars += messageChars(message);
  };

  while (steps < options.maxSteps) {
    steps++;
    emit({
      type: 'step',
      step: steps,
      maxSteps: options.maxSteps,
      promptChars: fixedChars + historyChars,
    });
    const step = await streamStep(options, history, usage, signal, emit);
    usage = addUsage(usage, step.usage);
    emit({
      type: 'model_call',
      step: steps,
      usage: step.usage,
      billedUsd: step.billedUsd,
      ...(step.reportedUsd !== undefined ? { reportedUsd: step.reportedUsd } : {}),
      ...(step.warnings.length ? { warnings: step.warnings } : {}),
      metrics: step.metrics,
      stopReason: step.stopReason,
      ...(step.error ? { error: step.error } : {}),
    });
    // A half-streamed reply is dropped: the caller may retry the turn on another model.
    if (step.error) return finish(step.stopReason, { error: step.error });

    const assistant: AssistantMessage = { role: 'assistant', content: step.text };
    if (step.calls.length) assistant.toolCalls = step.calls;
    // DeepSeek's thinking models need their reasoning back with the tool calls it led to.
    if (step.calls.length && step.reasoning) assistant.reasoning = step.reasoning;
    append(assistant);
    if (step.calls.length === 0) return finish(step.stopReason);

    for (const call of step.calls) {
      const start = (summary: string): void =>
        emit({ type: 'tool_start', id: call.id, name: call.name, summary });
      let outcome: CallOutcome;
      const checked = toolSignal.aborted ? undefined : checkToolCall(call, options.tools);
      if (!checked) {
        outcome = { ok: false, content: 'Not run: the user stopped the turn.', summary: 'not run' };
      } else if (!checked.ok) {
        brokenToolCalls++;
        brokenInARow++;
        start(`${call.name} ${oneLine(call.rawArguments, 80)}`);
        outcome = {
          ok: false,
          content: checked.error,
          summary: oneLine(checked.error),
          broken: true,
        };
      } else {
        brokenInARow = 0;
        if (call.name === 'bash') await options.beforeShell?.();
        outcome = await executeCall(call, checked, options, ctx, toolSignal, start);
      }
      for (const path of outcome.changed ?? []) {
        if (!filesChanged.includes(path)) filesChanged.push(path);
      }
      if (call.name === 'bash' && checked?.ok && !outcome.denied && !outcome.broken) {
        commandsRun++;
        if (!bashOnlyReads(checked.args)) writingCommands++;
      }
      if (checked) {
        emit({
          type: 'tool_result',
          id: call.id,
          name: call.name,
          ok: outcome.ok,
          summary: outcome.summary,
          ...(outcome.diff ? { diff: outcome.diff } : {}),
          ...(outcome.broken ? { broken: true } : {}),
          ...(outcome.denied ? { denied: true } : {}),
        });
      }
      // Every call gets a result, even unrun ones: the APIs reject a history without them.
      const message: ToolResultMessage = {
        role: 'tool',
        toolCallId: call.id,
        toolName: call.name,
        content: capText(outcome.content, RESULT_CAP),
      };
      if (!outcome.ok) message.isError = true;
      append(message);
    }

    if (brokenInARow >= MAX_BROKEN_IN_A_ROW) {
      emit({
        type: 'notice',
        message: `${brokenInARow} malformed tool calls in a row: this attempt counts as failed`,
      });
      return finish('broken_tool_calls', { failed: true });
    }
    if (toolSignal.aborted) {
      return finish('aborted', { error: new KirikaeError('aborted', 'Stopped') });
    }
  }
  emit({
    type: 'notice',
    message: `Stopped after ${options.maxSteps} model calls (agent.maxSteps)`,
  });
  return finish('max_steps');
}
