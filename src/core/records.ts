import type { ErrorKind } from './errors.js';
import type { TaskOutcome, TaskType } from './task.js';
import type { Tier } from './tier.js';
import type { Usage } from './usage.js';

/** How the route of a call was settled. */
export type RouteDecision = 'accepted' | 'override' | 'auto' | 'fallback' | 'headless';

/** One model call, written when it ends (ok, error or aborted). One JSONL line in the ledger. */
export interface CallRecord {
  v: 1;
  type: 'call';
  /** ISO time the call ended. */
  ts: string;
  session: string;
  task: string;
  turn: number;
  taskType?: TaskType;
  tier: Tier | null;
  /** `provider/model` actually called. */
  model: string;
  /** `provider/model` the router proposed for this turn. */
  proposed?: string;
  decision: RouteDecision;
  /** Models tried before this one in the same turn, which failed. */
  fallbackHops: string[];
  usage: Usage;
  /** USD priced at write time; null when the model has no known price (never 0 for unknown). */
  costUsd: number | null;
  priceSource: 'catalog' | 'override' | 'local' | 'billed' | 'unknown';
  priceVersion: string;
  durationMs: number;
  tokPerSec?: number;
  /** Local turns: energy used and its price. */
  energyWh?: number;
  energyUsd?: number;
  outcome: 'ok' | 'error' | 'aborted';
  errorKind?: ErrorKind;
  /** What the router estimated, so estimates can be corrected by what really happened. */
  estimate?: { inputTokens: number; outputTokens: number; usdP50?: number; usdP90?: number };
}

/** The result of the test gate after a turn that changed files. */
export interface VerifyRecord {
  v: 1;
  type: 'verify';
  ts: string;
  session: string;
  task: string;
  turn: number;
  taskType?: TaskType;
  tier: Tier | null;
  model: string;
  command: string;
  passed: boolean;
  durationMs: number;
}

/** A task ended: /done (completed), /new (abandoned) or the retry cap (failed). */
export interface TaskRecord {
  v: 1;
  type: 'task';
  ts: string;
  session: string;
  task: string;
  taskType?: TaskType;
  /** Tier of the attempt that finished the task. */
  tier: Tier | null;
  outcome: TaskOutcome;
  attempts: number;
  /** Every model used, in order. */
  models: string[];
}

export type LedgerRecord = CallRecord | VerifyRecord | TaskRecord;
