import type { CallRecord, RouteDecision } from '../core/records.js';
import type { ModelRef } from '../core/model-ref.js';
import type { ErrorKind } from '../core/errors.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import type { Usage } from '../core/usage.js';
import { PRICE_DATA_VERSION, priceUsage } from '../catalog/prices.js';
import type { Config } from '../config/schema.js';

export interface CallFacts {
  session: string;
  task: string;
  turn: number;
  ref: ModelRef;
  tier: Tier | null;
  taskType?: TaskType;
  proposed?: string;
  decision: RouteDecision;
  fallbackHops?: string[];
  usage: Usage;
  billedUsd?: number;
  durationMs: number;
  tokPerSec?: number;
  /** Average power draw during a local call, watts (macmon when present, else config). */
  watts?: number;
  outcome: CallRecord['outcome'];
  errorKind?: ErrorKind;
  estimate?: CallRecord['estimate'];
  now?: Date;
}

/** Prices one finished call and shapes it as a ledger line (pure). */
export function buildCallRecord(facts: CallFacts, config: Config): CallRecord {
  const priced = priceUsage(facts.ref, facts.usage, {
    overrides: config.prices,
    billedUsd: facts.billedUsd,
  });
  const local = facts.ref.provider === 'ollama';
  const watts = facts.watts ?? config.local.defaultWatts;
  const energyWh = local ? (watts * facts.durationMs) / 3_600_000 : undefined;
  return {
    v: 1,
    type: 'call',
    ts: (facts.now ?? new Date()).toISOString(),
    session: facts.session,
    task: facts.task,
    turn: facts.turn,
    ...(facts.taskType ? { taskType: facts.taskType } : {}),
    tier: facts.tier,
    model: `${facts.ref.provider}/${facts.ref.model}`,
    ...(facts.proposed ? { proposed: facts.proposed } : {}),
    decision: facts.decision,
    fallbackHops: facts.fallbackHops ?? [],
    usage: facts.usage,
    costUsd: priced.usd === 'unknown' ? null : priced.usd,
    priceSource: priced.source,
    priceVersion: PRICE_DATA_VERSION,
    durationMs: Math.round(facts.durationMs),
    ...(facts.tokPerSec !== undefined ? { tokPerSec: facts.tokPerSec } : {}),
    ...(energyWh !== undefined
      ? { energyWh, energyUsd: (energyWh / 1000) * config.local.energyUsdPerKwh }
      : {}),
    outcome: facts.outcome,
    ...(facts.errorKind ? { errorKind: facts.errorKind } : {}),
    ...(facts.estimate ? { estimate: facts.estimate } : {}),
  };
}
