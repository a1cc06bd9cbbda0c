import { existsSync } from 'node:fs';
import type { CallRecord, CallRole, LedgerRecord, RouteDecision } from '../core/records.js';
import { parseModelRef, type ModelRef } from '../core/model-ref.js';
import type { ErrorKind, KirikaeError } from '../core/errors.js';
import type { StreamMetrics } from '../core/stream.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { ZERO_USAGE, type Usage } from '../core/usage.js';
import { openLedger, type Ledger } from '../ledger/store.js';
import {
  inflightDir,
  recoverInflight,
  startInflight,
  type InflightHandle,
  type InflightStart,
} from '../ledger/inflight.js';
import { estimateTokensFromChars } from '../providers/run.js';
import { PRICE_DATA_VERSION, priceCall } from '../catalog/prices.js';
import type { Config } from '../config/schema.js';
import type { AgentEvent } from '../agent/index.js';

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
  /** A cost reported by a provider not trusted to bill (kept when it disagrees with the table). */
  reportedUsd?: number;
  /** The Ollama host a local call ran on. */
  host?: string;
  warnings?: CallRecord['warnings'];
  durationMs: number;
  tokPerSec?: number;
  /** Average power draw during a local call, watts (macmon when present, else config). */
  watts?: number;
  outcome: CallRecord['outcome'];
  errorKind?: ErrorKind;
  estimate?: CallRecord['estimate'];
  role?: CallRole;
  /** Executor-result tokens in a planner call's prompt, and those sent for the first time. */
  carried?: { tokens: number; fresh: number };
  now?: Date;
}

/** Prices one finished call and shapes it as a ledger line (pure). */
export function buildCallRecord(facts: CallFacts, config: Config): CallRecord {
  const priced = priceCall(facts.ref, facts.usage, {
    overrides: config.prices,
    ...(facts.billedUsd !== undefined ? { billedUsd: facts.billedUsd } : {}),
    ...(facts.reportedUsd !== undefined ? { reportedUsd: facts.reportedUsd } : {}),
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
    ...(facts.usage.estimated ? { usageEstimated: true } : {}),
    costUsd: priced.usd === 'unknown' ? null : priced.usd,
    priceSource: priced.source,
    priceVersion: PRICE_DATA_VERSION,
    durationMs: Math.round(facts.durationMs),
    ...(facts.tokPerSec !== undefined ? { tokPerSec: facts.tokPerSec } : {}),
    ...(energyWh !== undefined
      ? { energyWh, energyUsd: (energyWh / 1000) * config.local.energyUsdPerKwh }
      : {}),
    ...(priced.billedDisagreement ? { billedDisagreement: priced.billedDisagreement } : {}),
    ...(facts.host ? { host: facts.host } : {}),
    ...(facts.warnings?.length ? { warnings: facts.warnings } : {}),
    outcome: facts.outcome,
    ...(facts.errorKind ? { errorKind: facts.errorKind } : {}),
    ...(facts.estimate ? { estimate: facts.estimate } : {}),
    ...(facts.role ? { role: facts.role } : {}),
    ...(facts.carried
      ? { carriedTokens: facts.carried.tokens, carriedNew: facts.carried.fresh }
      : {}),
  };
}

/** What the turn ledger needs besides the config: where records go and what it measures. */
export interface TurnLedgerDeps {
  config: () => Config;
  session: string;
  /** Appends to the ledger file and the router's history; throws when the file cannot be written. */
  append(record: LedgerRecord): void;
  /** Measured watts of local inference (macmon), when available. */
  watts?: () => number | undefined;
  /** Rolling output tok/s per model (the models screen shows it). */
  tokRates?: { recordTurn(model: string, tokens: number, seconds: number): void };
  /** A cold load's measured seconds, so the router prices the next switch to this model. */
  recordLoad?(model: string, seconds: number): void;
  onError?(message: string): void;
  /**
   * Where calls under way leave a marker (`ledger/inflight`), so one cut short by a kill is
   * booked by the next run; absent where nothing is written to the ledger.
   */
  inflightDir?: string;
}

/** The warning on a call booked from its marker after kirikae died during it. */
export const INTERRUPTED_WARNING = 'interrupted';

/** What kirikae says after booking calls an earlier run died during. */
export function interruptedNotice(count: number): string {
  return `${count} model call${count === 1 ? '' : 's'} cut short when kirikae last ended ${count === 1 ? 'is' : 'are'} now in the ledger, usage estimated`;
}

/**
 * Books a dead run's in-flight markers into the ledger at `dir` for a command that does not
 * otherwise write it (`kirikae costs`), so what it reports includes them. Returns how many; 0
 * when there are none or the ledger cannot be opened (the report says the latter anyway).
 */
export function bookInterruptedCalls(dir: string, config: Config): number {
  const markers = inflightDir(dir);
  if (!existsSync(markers)) return 0;
  let ledger: Ledger;
  try {
    ledger = openLedger(dir);
  } catch {
    return 0;
  }
  try {
    return new TurnLedger({
      config: () => config,
      // Each recovered call keeps the session its marker names.
      session: 'recovered',
      append: (record) => ledger.append(record),
      inflightDir: markers,
    }).recoverInterrupted();
  } finally {
    ledger.close();
  }
}

/** One model call as the turn runner saw it. */
export interface ModelCallFacts {
  task: string;
  turn: number;
  taskType?: TaskType;
  model: string;
  tier: Tier | null;
  proposed?: string;
  decision: RouteDecision;
  fallbackHops: string[];
  usage: Usage;
  billedUsd?: number;
  reportedUsd?: number;
  host?: string;
  warnings?: CallRecord['warnings'];
  metrics: StreamMetrics;
  error?: KirikaeError;
  estimate?: CallRecord['estimate'];
  role?: CallRole;
  carried?: { tokens: number; fresh: number };
}

/**
 * TurnEvents → ledger records: one record per model call on every path (the screen, `-p`, the
 * gateway), each priced on its own usage, with the task and its type, so calibration and the
 * month report see the same thing whoever ran the turn.
 */
export class TurnLedger {
  /** Per model, the prompt tokens its last call left in the provider's cache (markers' guess). */
  private readonly cachedPrompt = new Map<string, number>();

  constructor(private readonly deps: TurnLedgerDeps) {}

  /** Records any ledger line (task and verify records too); a write failure is reported, not thrown. */
  append(record: LedgerRecord): void {
    try {
      this.deps.append(record);
    } catch (error) {
      this.deps.onError?.(
        `Could not write the ledger: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  recordCall(facts: ModelCallFacts): CallRecord {
    const ref = parseModelRef(facts.model);
    const record = buildCallRecord(
      {
        session: this.deps.session,
        task: facts.task,
        turn: facts.turn,
        ref,
        tier: facts.tier,
        ...(facts.taskType ? { taskType: facts.taskType } : {}),
        ...(facts.proposed ? { proposed: facts.proposed } : {}),
        decision: facts.decision,
        fallbackHops: [...facts.fallbackHops],
        usage: facts.usage,
        ...(facts.billedUsd !== undefined ? { billedUsd: facts.billedUsd } : {}),
        ...(facts.reportedUsd !== undefined ? { reportedUsd: facts.reportedUsd } : {}),
        ...(facts.host ? { host: facts.host } : {}),
        ...(facts.warnings?.length ? { warnings: facts.warnings } : {}),
        durationMs: facts.metrics.durationMs,
        ...(facts.metrics.tokPerSec !== undefined ? { tokPerSec: facts.metrics.tokPerSec } : {}),
        watts: this.deps.watts?.(),
        outcome: facts.error ? (facts.error.kind === 'aborted' ? 'aborted' : 'error') : 'ok',
        ...(facts.error ? { errorKind: facts.error.kind } : {}),
        ...(facts.estimate ? { estimate: facts.estimate } : {}),
        ...(facts.role ? { role: facts.role } : {}),
        ...(facts.carried ? { carried: facts.carried } : {}),
      },
      this.deps.config(),
    );
    this.append(record);
    if (facts.metrics.loadMs && ref.provider === 'ollama')
      this.deps.recordLoad?.(ref.model, facts.metrics.loadMs / 1000);
    if (facts.metrics.tokPerSec) {
      // Seconds of generation, from the call's own rate (durationMs includes the prompt).
      this.deps.tokRates?.recordTurn(
        ref.provider === 'ollama' ? ref.model : facts.model,
        facts.usage.output,
        facts.usage.output / facts.metrics.tokPerSec,
      );
    }
    return record;
  }

  /**
   * Follows an agent loop's events and keeps a marker for each model call under way (from its
   * `step` to its `model_call`), so a kill during one still gets it booked. `call` says whose
   * calls they are; `model` is read at each step (a fallback changes it).
   */
  markCalls(
    call: () => Omit<InflightStart, 'session' | 'promptChars'>,
  ): (event: AgentEvent) => void {
    let marker: InflightHandle | undefined;
    let streamed = 0;
    return (event) => {
      if (event.type === 'step') {
        streamed = 0;
        const facts = call();
        const cachedTokens = this.cachedPrompt.get(facts.model);
        marker = this.callStarted({
          ...facts,
          promptChars: event.promptChars,
          ...(cachedTokens ? { cachedTokens } : {}),
        });
      } else if (event.type === 'text' || event.type === 'reasoning') {
        streamed += event.text.length;
        marker?.progress(streamed);
      } else if (event.type === 'model_call') {
        marker?.done();
        marker = undefined;
        // The whole of this request is in the provider's cache for the next one, when it caches.
        const u = event.usage;
        if (u.cacheRead + u.cacheWrite > 0)
          this.cachedPrompt.set(call().model, u.input + u.cacheRead + u.cacheWrite);
      }
    };
  }

  /** Leaves a marker for a model call being sent; undefined when the ledger is not written. */
  callStarted(call: Omit<InflightStart, 'session'>): InflightHandle | undefined {
    const dir = this.deps.inflightDir;
    return dir ? startInflight(dir, { ...call, session: this.deps.session }) : undefined;
  }

  /**
   * Books the calls an earlier kirikae died during, from their markers: usage estimated from
   * the characters sent and streamed (about four to a token; the part the conversation's last
   * call left in the provider's cache as a cache read), priced as any call, marked estimated and
   * interrupted. Returns how many.
   */
  recoverInterrupted(options?: Parameters<typeof recoverInflight>[2]): number {
    const dir = this.deps.inflightDir;
    if (!dir) return 0;
    return recoverInflight(
      dir,
      (call) => {
        // The part of the prompt the last call left cached is priced as a cache read.
        const prompt = estimateTokensFromChars(call.promptChars);
        const cached = Math.min(call.cachedTokens ?? 0, prompt);
        const usage: Usage = {
          ...ZERO_USAGE,
          input: prompt - cached,
          cacheRead: cached,
          output: estimateTokensFromChars(call.outputChars),
          estimated: true,
        };
        const record = buildCallRecord(
          {
            session: call.session,
            task: call.task,
            turn: call.turn,
            ref: parseModelRef(call.model),
            tier: call.tier,
            ...(call.taskType ? { taskType: call.taskType } : {}),
            decision: call.decision,
            fallbackHops: call.fallbackHops,
            usage,
            warnings: [
              {
                kind: INTERRUPTED_WARNING,
                detail:
                  'kirikae ended during this call; usage estimated from what was sent and streamed',
              },
            ],
            durationMs: Math.max(0, Date.parse(call.updatedAt) - Date.parse(call.startedAt)),
            outcome: 'aborted',
            errorKind: 'aborted',
            ...(call.role ? { role: call.role } : {}),
            now: new Date(call.startedAt),
          },
          this.deps.config(),
        );
        // Thrown, not reported: the marker stays for the next run to book.
        this.deps.append(record);
      },
      options,
    );
  }
}
