/**
 * Tasks and their outcomes, as a pure state machine. A task runs from its first prompt until
 * /done (completed), /new (abandoned) or a failed attempt past the retry cap (failed). The
 * outcome per task, not per token, is what cost-per-completed-task is measured against.
 * "abandoned" means the outcome is unknown (the user moved on without saying): the ledger keeps
 * it for the task's cost, and calibration learns nothing from it.
 */
import { randomUUID } from 'node:crypto';
import type { LedgerRecord, TaskRecord, VerifyRecord } from '../core/records.js';
import type { TaskOutcome, TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { DEFAULT_RETRY_CAP, retriesLeft } from './escalation.js';

export type TaskStatus = 'active' | TaskOutcome;

export interface TaskState {
  id: string;
  session: string;
  taskType?: TaskType;
  status: TaskStatus;
  /** The first turn is attempt 1; each turn after a failed attempt starts the next one. */
  attempts: number;
  /** Every model used, in order of first use (`provider/model`). */
  models: string[];
  /** Tier of the latest attempt. */
  tier: Tier | null;
  retryCap: number;
  /** The latest attempt failed: the next turn is a retry. */
  awaitingRetry: boolean;
  lastVerify?: { passed: boolean; summary: string };
}

export type TaskEvent =
  | { type: 'turn'; turn: number; model: string; tier: Tier | null; taskType?: TaskType }
  | {
      type: 'verify';
      turn: number;
      model: string;
      tier: Tier | null;
      result: { passed: boolean; command: string; durationMs: number; summary: string };
    }
  /** An attempt failed without a test run (e.g. three broken tool calls in a row). */
  | { type: 'attempt_failed'; summary: string }
  | { type: 'done' }
  | { type: 'abandon' };

export function startTask(init: {
  id: string;
  session: string;
  taskType?: TaskType;
  retryCap?: number;
}): TaskState {
  return {
    id: init.id,
    session: init.session,
    ...(init.taskType ? { taskType: init.taskType } : {}),
    status: 'active',
    attempts: 0,
    models: [],
    tier: null,
    retryCap: init.retryCap ?? DEFAULT_RETRY_CAP,
    awaitingRetry: false,
  };
}

function taskRecord(state: TaskState, outcome: TaskOutcome, ts: string): TaskRecord {
  return {
    v: 1,
    type: 'task',
    ts,
    session: state.session,
    task: state.id,
    ...(state.taskType ? { taskType: state.taskType } : {}),
    tier: state.tier,
    outcome,
    attempts: state.attempts,
    models: [...state.models],
  };
}

/** A failed attempt: the task waits for a retry, or fails when the cap is used up. */
function failAttempt(state: TaskState, ts: string): { state: TaskState; records: LedgerRecord[] } {
  if (retriesLeft(state.attempts, state.retryCap) === 0) {
    const ended = { ...state, status: 'failed' as const, awaitingRetry: false };
    return { state: ended, records: [taskRecord(ended, 'failed', ts)] };
  }
  return { state: { ...state, awaitingRetry: true }, records: [] };
}

/** Applies one event; returns the new state and the ledger records it produced. */
export function reduceTask(
  state: TaskState,
  event: TaskEvent,
  ts: string,
): { state: TaskState; records: LedgerRecord[] } {
  if (state.status !== 'active') return { state, records: [] };
  switch (event.type) {
    case 'turn': {
      const newAttempt = state.attempts === 0 || state.awaitingRetry;
      return {
        state: {
          ...state,
          taskType: state.taskType ?? event.taskType,
          attempts: newAttempt ? state.attempts + 1 : state.attempts,
          models: state.models.includes(event.model)
            ? state.models
            : [...state.models, event.model],
          tier: event.tier,
          awaitingRetry: false,
        },
        records: [],
      };
    }
    case 'verify': {
      const record: VerifyRecord = {
        v: 1,
        type: 'verify',
        ts,
        session: state.session,
        task: state.id,
        turn: event.turn,
        ...(state.taskType ? { taskType: state.taskType } : {}),
        tier: event.tier,
        model: event.model,
        command: event.result.command,
        passed: event.result.passed,
        durationMs: event.result.durationMs,
      };
      const next = {
        ...state,
        lastVerify: { passed: event.result.passed, summary: event.result.summary },
      };
      if (event.result.passed)
        return { state: { ...next, awaitingRetry: false }, records: [record] };
      const failed = failAttempt(next, ts);
      return { state: failed.state, records: [record, ...failed.records] };
    }
    case 'attempt_failed':
      return failAttempt({ ...state, lastVerify: { passed: false, summary: event.summary } }, ts);
    case 'done':
    case 'abandon': {
      const outcome: TaskOutcome = event.type === 'done' ? 'completed' : 'abandoned';
      const ended = { ...state, status: outcome };
      // A task that never reached a model has nothing to record.
      return { state: ended, records: state.attempts > 0 ? [taskRecord(ended, outcome, ts)] : [] };
    }
  }
}

export interface TaskTrackerOptions {
  session: string;
  retryCap?: number;
  /** Receives every record (the lead wires it to the ledger). */
  record: (record: LedgerRecord) => void;
  now?: () => Date;
  newId?: () => string;
}

/** The stateful shell around reduceTask that a session uses. */
export interface TaskTracker {
  /** The active task, if any. */
  current(): TaskState | undefined;
  /**
   * The id of the task the next turn belongs to: the active one, or the one it will start (a
   * call made before the turn, such as the model classifier's, is booked to it).
   */
  upcoming(): string;
  /** A turn is about to run; starts a task when none is active. */
  turn(event: Omit<Extract<TaskEvent, { type: 'turn' }>, 'type'>): TaskState;
  verify(event: Omit<Extract<TaskEvent, { type: 'verify' }>, 'type'>): TaskState | undefined;
  attemptFailed(summary: string): TaskState | undefined;
  /** /done. */
  done(): TaskState | undefined;
  /** /new (or leaving the session): the active task is abandoned. */
  abandon(): TaskState | undefined;
}

export function createTaskTracker(options: TaskTrackerOptions): TaskTracker {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? (() => randomUUID().slice(0, 8));
  let state: TaskState | undefined;
  let nextId: string | undefined;

  const apply = (event: TaskEvent): TaskState | undefined => {
    if (!state || state.status !== 'active') return undefined;
    const result = reduceTask(state, event, now().toISOString());
    state = result.state;
    for (const record of result.records) options.record(record);
    return state;
  };

  return {
    current: () => (state?.status === 'active' ? state : undefined),
    upcoming: () => (state?.status === 'active' ? state.id : (nextId ??= newId())),
    turn(event) {
      if (!state || state.status !== 'active') {
        const id = nextId ?? newId();
        nextId = undefined;
        state = startTask({ id, session: options.session, retryCap: options.retryCap });
      }
      return apply({ type: 'turn', ...event })!;
    },
    verify: (event) => apply({ type: 'verify', ...event }),
    attemptFailed: (summary) => apply({ type: 'attempt_failed', summary }),
    done: () => apply({ type: 'done' }),
    abandon: () => apply({ type: 'abandon' }),
  };
}
