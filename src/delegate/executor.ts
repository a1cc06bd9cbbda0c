// One executor run: a concrete sub-task handed over by the planner, run through the same agent
// loop, tools, permission gate, approvals and workspace as any turn, on the executor's model.
// The caller (the turn runner) supplies placing the model and booking each call, so a local
// executor is loaded like any local turn and every call is one ledger record (role executor).
import { isKirikaeError } from '../core/errors.js';
import type { CallRecord } from '../core/records.js';
import type { ProviderRequest, Provider } from '../core/provider.js';
import {
  bashTool,
  openWorkspace,
  runAgentTurn,
  type AgentEvent,
  type AgentTurnResult,
  type ApprovalFn,
  type PermissionGate,
  type Tool,
} from '../agent/index.js';
import type { DelegateBrief } from './brief.js';
import {
  noteLines,
  type ChangedFile,
  type CheckOutcome,
  type ExecutorResult,
  type ExecutorStatus,
  type ResultLimits,
} from './result.js';

/** The executor's model, placed (a local model loaded on its host) and ready to call. */
export interface PlacedExecutor {
  provider: Provider;
  request: Omit<ProviderRequest, 'model' | 'system' | 'messages' | 'tools'>;
  release(): void;
}

export interface ExecutorDeps {
  /** `provider/model`. */
  model: string;
  system: string;
  tools: readonly Tool[];
  permissions: PermissionGate;
  approve: ApprovalFn;
  cwd: string;
  maxSteps: number;
  bashTimeoutMs: number;
  limits: ResultLimits;
  place(model: string): Promise<PlacedExecutor>;
  /** Books one executor model call in the ledger. */
  book(call: Extract<AgentEvent, { type: 'model_call' }>): CallRecord;
  onEvent(event: AgentEvent): void;
  /** A failed or successful attempt, for the provider's cooldown. */
  settle?(failure: AgentTurnResult['error']): void;
}

/** What the executor is told besides the session's system prompt. */
export const EXECUTOR_INSTRUCTIONS =
  'You are the executor of a sub-task another model planned. Do exactly the sub-task with the ' +
  'tools, then stop. Your last reply is read by the planner: at most a few short lines on what ' +
  'you did and anything it must know. Do not repeat file contents or command output.';

export function briefPrompt(brief: DelegateBrief): string {
  const parts = [`Sub-task: ${brief.goal}`];
  if (brief.files.length) parts.push(`Files: ${brief.files.join(', ')}`);
  if (brief.check) parts.push(`Done when this exits 0: ${brief.check}`);
  return parts.join('\n');
}

/** Lines added and removed per path, from the unified diffs the file tools report. */
export function changedFromDiffs(
  diffs: readonly string[],
  paths: readonly string[],
): ChangedFile[] {
  const byPath = new Map<string, ChangedFile>();
  for (const path of paths) byPath.set(path, { path, added: 0, removed: 0 });
  for (const diff of diffs) {
    let file: ChangedFile | undefined;
    for (const line of diff.split('\n')) {
      if (line.startsWith('+++ ')) {
        const path = line.slice(4).replace(/^b\//, '');
        file = byPath.get(path) ?? { path, added: 0, removed: 0 };
        byPath.set(path, file);
      } else if (line.startsWith('--- ')) continue;
      else if (file && line.startsWith('+')) file.added++;
      else if (file && line.startsWith('-')) file.removed++;
    }
  }
  return [...byPath.values()];
}

/** Runs the brief's check through the bash tool and the gate, as the executor's own call would. */
async function runCheck(
  command: string,
  deps: ExecutorDeps,
  signal: AbortSignal,
  tailLines: number,
): Promise<CheckOutcome> {
  const ctx = {
    workspace: openWorkspace(deps.cwd),
    bashTimeoutMs: deps.bashTimeoutMs,
    policy: deps.permissions.toolPolicy,
  };
  const args = { command };
  const prepared = await bashTool.prepare(args, ctx);
  const auth = await deps.permissions.authorize({ tool: bashTool, args, prepared }, deps.approve);
  if (!auth.allowed) return { command, passed: false, exit: `not run: ${auth.message}`, tail: [] };
  try {
    const outcome = await prepared.run(signal);
    const body = outcome.content.split('\n');
    // The bash tool ends its content with how the command ended (`[exit code 1]`).
    const exit = body.pop() ?? '';
    const tail = noteLines(body.join('\n'), Number.MAX_SAFE_INTEGER).slice(-tailLines);
    return { command, passed: outcome.ok, exit, tail };
  } catch (error) {
    return { command, passed: false, exit: `not run: ${String(error)}`, tail: [] };
  }
}

function statusOf(agent: AgentTurnResult): { status: ExecutorStatus; reason?: string } {
  if (agent.error?.kind === 'aborted') return { status: 'aborted', reason: 'stopped by the user' };
  if (agent.error) return { status: 'failed', reason: agent.error.describe() };
  if (agent.failed)
    return { status: 'failed', reason: `${agent.brokenToolCalls} malformed tool calls` };
  if (agent.stopReason === 'max_steps')
    return { status: 'incomplete', reason: `stopped after ${agent.steps} model calls` };
  return { status: 'done' };
}

/**
 * Runs the executor's agent loop on the brief and returns its bounded result. Never throws:
 * a model error, too many steps or broken tool calls come back as a result the planner reads.
 */
export async function runExecutor(
  brief: DelegateBrief,
  signal: AbortSignal,
  deps: ExecutorDeps,
): Promise<ExecutorResult> {
  const diffs: string[] = [];
  let agent: AgentTurnResult;
  let placed: PlacedExecutor;
  try {
    placed = await deps.place(deps.model);
  } catch (error) {
    const reason = isKirikaeError(error) ? error.describe() : String(error);
    return { model: deps.model, status: 'failed', reason, steps: 0, changed: [], notes: [] };
  }
  try {
    agent = await runAgentTurn({
      provider: placed.provider,
      model: deps.model.slice(deps.model.indexOf('/') + 1),
      system: `${deps.system}\n\n${EXECUTOR_INSTRUCTIONS}`,
      messages: [{ role: 'user', content: briefPrompt(brief) }],
      tools: deps.tools,
      maxSteps: deps.maxSteps,
      signal,
      approve: deps.approve,
      workspace: deps.cwd,
      permissions: deps.permissions,
      bashTimeoutMs: deps.bashTimeoutMs,
      request: placed.request,
      onEvent: (event) => {
        if (event.type === 'model_call') deps.book(event);
        if (event.type === 'tool_result' && event.diff) diffs.push(event.diff);
        deps.onEvent(event);
      },
    });
  } finally {
    placed.release();
  }
  deps.settle?.(agent.error);
  const { status, reason } = statusOf(agent);
  const last = agent.newMessages.filter((m) => m.role === 'assistant').at(-1);
  const result: ExecutorResult = {
    model: deps.model,
    status,
    ...(reason ? { reason } : {}),
    steps: agent.steps,
    changed: changedFromDiffs(diffs, agent.filesChanged),
    notes: last ? noteLines(last.content, deps.limits.notesLines) : [],
  };
  if (brief.check && status !== 'aborted' && !signal.aborted)
    result.check = await runCheck(brief.check, deps, signal, deps.limits.checkTailLines);
  return result;
}
