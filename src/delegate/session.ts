// Delegate mode inside the one turn pipeline: what runTurn adds to a turn whose plan names an
// executor — the `delegate` tool, the planner's metered provider, and executor runs placed and
// booked through the same attempt functions as any model call.
import type { Provider } from '../core/provider.js';
import type { CallRecord } from '../core/records.js';
import { ZERO_USAGE, addUsage, type Usage } from '../core/usage.js';
import type { Tool } from '../agent/index.js';
import { bookCall, placeAttempt, settleAttempt } from '../session/attempt.js';
import type { TurnEvent, TurnPlan, TurnRunnerDeps } from '../session/turn-runner.js';
import { DELEGATE_TOOL, type DelegateBrief } from './brief.js';
import { plannerProvider, type Carried, type PlannerProvider } from './carry.js';
import { runExecutor } from './executor.js';
import { DEFAULT_RESULT_LIMITS, type ResultLimits } from './result.js';
import { createDelegateTool } from './tool.js';

/** How a turn delegates (TurnPlan.delegate). */
export interface DelegatePlan {
  /** The executor's `provider/model`. */
  executor: string;
  /** Replace executor results the planner acted on by one-line stubs (docs/delegation.md). */
  stubActedOn?: boolean;
  limits?: Partial<ResultLimits>;
  /** Model calls an executor run may make (default: config agent.maxSteps). */
  maxSteps?: number;
}

export interface TurnDelegation {
  tool: Tool<DelegateBrief>;
  /** The planner's provider for one attempt, metered (and stubbing, when asked). */
  planner(provider: Provider): PlannerProvider;
  /** What the latest planner request carried. */
  carried(provider: Provider): Carried;
  /** The executors' usage so far. */
  usage(): Usage;
}

/** Tool call ids of the delegate results the conversation already holds (read before). */
function resultIds(plan: TurnPlan): string[] {
  return plan.messages.flatMap((m) =>
    m.role === 'tool' && m.toolName === DELEGATE_TOOL ? [m.toolCallId] : [],
  );
}

export function delegationFor(
  plan: TurnPlan,
  spec: DelegatePlan,
  deps: TurnRunnerDeps,
  onEvent: (event: TurnEvent) => void,
  book: (record: CallRecord) => void,
): TurnDelegation {
  const config = deps.config();
  const executor = spec.executor;
  const limits = { ...DEFAULT_RESULT_LIMITS, ...spec.limits };
  let usage = ZERO_USAGE;
  const tool = createDelegateTool(async (brief, signal) => {
    let placed: Awaited<ReturnType<typeof placeAttempt>> | undefined;
    // Its calls are the turn's spend too: marked while under way, as the planner's are.
    const markCall = deps.ledger.markCalls(() => ({
      task: plan.task,
      turn: plan.turn,
      taskType: plan.taskType,
      model: executor,
      tier: placed?.tier ?? null,
      decision: plan.how,
      fallbackHops: [],
      role: 'executor',
    }));
    return runExecutor(brief, signal, {
      model: executor,
      system: deps.system,
      tools: deps.tools,
      permissions: deps.permissions,
      // The dialog says who asks: the same question from the executor, not the planner.
      approve: (request) =>
        plan.approve({ ...request, reason: `${request.reason} (executor ${executor})` }),
      cwd: deps.cwd,
      maxSteps: spec.maxSteps ?? config.agent.maxSteps,
      bashTimeoutMs: config.agent.bashTimeoutMs,
      limits,
      place: async (model) => (placed = await placeAttempt(model, plan, deps, onEvent)),
      book: (call) => {
        usage = addUsage(usage, call.usage);
        const record = bookCall(
          {
            ...call,
            model: executor,
            tier: placed?.tier ?? null,
            ...(placed?.option ? { option: placed.option } : {}),
            tried: [],
            ...(placed?.host ? { host: placed.host } : {}),
            role: 'executor',
          },
          plan,
          deps,
        );
        book(record);
        return record;
      },
      onEvent: (event) => {
        markCall(event);
        onEvent({ type: 'agent', model: executor, event, role: 'executor' });
      },
      settle: (failure) => void settleAttempt(executor, failure, [], plan, deps),
    });
  }, limits);
  const seen = resultIds(plan);
  return {
    tool,
    planner: (provider) => plannerProvider(provider, { stub: spec.stubActedOn === true, seen }),
    carried: (provider) =>
      'carried' in provider ? (provider as PlannerProvider).carried() : { tokens: 0, fresh: 0 },
    usage: () => usage,
  };
}
