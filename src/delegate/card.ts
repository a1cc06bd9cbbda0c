// What the route card needs for delegate mode (the lead wires `/delegate on|off` and the `d`
// key to these): the plan a turn carries, the card's line, and its warning with figures.
import type { Config } from '../config/schema.js';
import type { LedgerRecord } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import { delegationAdvice } from '../ledger/delegation.js';
import { defaultExecutor, resolveAlias } from './models.js';
import type { DelegatePlan } from './session.js';

/** `d` on the card, `/delegate on|off`: delegate mode toggled, the executor kept when on. */
export function toggleDelegate(
  current: DelegatePlan | undefined,
  config: Config,
  executor?: string,
): DelegatePlan | undefined {
  if (current && executor === undefined) return undefined;
  return {
    ...current,
    executor: executor ? resolveAlias(executor, config) : defaultExecutor(config),
  };
}

export interface DelegateCard {
  /** "delegates to ollama/qwen3-coder:30b (d: solo)". */
  line: string;
  /** This task type's ledger says delegating costs more or completes less: the figures. */
  warning?: string;
}

/** The card's delegation line for a turn about to be sent, and its warning when the books say so. */
export function delegateCard(
  plan: DelegatePlan,
  taskType: TaskType,
  history: Iterable<LedgerRecord>,
  config: Pick<Config, 'prices'>,
): DelegateCard {
  const warning = delegationAdvice(history, taskType, { overrides: config.prices });
  return {
    line: `delegates to ${plan.executor}${plan.stubActedOn ? ', stubbing acted-on results' : ''} (d: solo)`,
    ...(warning ? { warning } : {}),
  };
}
