import type { CallRecord, LedgerRecord } from '../core/records.js';
import { isProviderId, type ModelRef } from '../core/model-ref.js';
import type { TaskType } from '../core/task.js';
import { totalInput } from '../core/usage.js';
import {
  DEFAULT_INPUT_RATIO,
  DEFAULT_OUTPUT_RATIO,
  DEFAULT_OUTPUT_TOKENS,
  modelFamily,
} from './priors.js';

/** Figures learned from the ledger that the estimator uses. Pure data, built once per history. */
export interface LearnedStats {
  /** Real input tokens per estimated token, per model family. */
  inputRatio: Record<string, number>;
  /** Output of a family relative to a plain (non-reasoning) model. */
  outputRatio: Record<string, number>;
  /**
   * Output tokens per call, p50/p90, per task type, in plain-model units (observations are
   * divided by their family's output ratio, so a reasoning model's thinking does not inflate
   * the figures of the others).
   */
  outputTokens: Record<TaskType, { p50: number; p90: number }>;
  /** Median measured generation speed per `provider/model`. */
  decodeTokPerSec: Record<string, number>;
}

/** Weight of the prior ratio, in estimated tokens: a few real calls outweigh it. */
const RATIO_PRIOR_TOKENS = 20_000;
/** Weight of the output prior, in calls. */
const OUTPUT_PRIOR_CALLS = 8;
const SPEED_SAMPLES = 50;

function refOf(model: string): ModelRef | undefined {
  const slash = model.indexOf('/');
  const provider = model.slice(0, slash);
  if (slash < 0 || !isProviderId(provider)) return undefined;
  return { provider, model: model.slice(slash + 1) };
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function blendRatio(prior: number, actual: number, estimated: number, priorWeight: number): number {
  return (actual + prior * priorWeight) / (estimated + priorWeight);
}

/**
 * Learns from completed calls. The call's `estimate.inputTokens` must be the router's raw
 * tokenizer count (`RouteEstimate.rawInputTokens`, see `toCallEstimate`) so the ratio measures
 * the tokenizer gap and does not compound earlier corrections.
 */
export function learnFromHistory(records: readonly LedgerRecord[]): LearnedStats {
  const fold = learnFold();
  fold.add(records, 0);
  return fold.stats();
}

/** Inserts `value` into ascending `sorted` (quantiles then need no sort per read). */
export function insertSorted(sorted: number[], value: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, value);
}

/**
 * learnFromHistory as a running fold: records appended to the history are added as they come,
 * so the figures after one more call cost that call, not another pass over the month.
 */
export interface LearnFold {
  /** Adds `records[from..]`. */
  add(records: readonly LedgerRecord[], from: number): void;
  stats(): LearnedStats;
  /** The fold so far, plain data (a ledger checkpoint keeps it); shares the fold's objects. */
  snapshot(): LearnState;
}

export interface LearnState {
  inSums: Map<string, { actual: number; est: number }>;
  /** Per task type, ascending. */
  outputs: Map<TaskType, number[]>;
  /** Per model, the newest SPEED_SAMPLES, oldest first. */
  speeds: Map<string, number[]>;
}

/** A fold from nothing, or going on from a snapshot (which it then owns). */
export function learnFold(state?: LearnState): LearnFold {
  const inSums = state?.inSums ?? new Map<string, { actual: number; est: number }>();
  const outputs = state?.outputs ?? new Map<TaskType, number[]>();
  const speeds = state?.speeds ?? new Map<string, number[]>();
  /** Outputs of the records being added, merged into `outputs` at the end of `add`. */
  const pending = new Map<TaskType, number[]>();

  const addOne = (record: LedgerRecord): void => {
    // The classifier's calls are not turns: their size and speed say nothing of a turn's.
    if (record.type !== 'call' || record.outcome !== 'ok' || record.role === 'classifier') return;
    const call: CallRecord = record;
    const ref = refOf(call.model);
    if (!ref) return;
    const family = modelFamily(ref);
    if (call.estimate && call.estimate.inputTokens > 0) {
      const s = inSums.get(family) ?? { actual: 0, est: 0 };
      s.actual += totalInput(call.usage);
      s.est += call.estimate.inputTokens;
      inSums.set(family, s);
    }
    if (call.taskType) {
      const list = pending.get(call.taskType) ?? [];
      list.push(call.usage.output / (DEFAULT_OUTPUT_RATIO[family] ?? 1));
      pending.set(call.taskType, list);
    }
    if (call.tokPerSec && call.tokPerSec > 0) {
      const list = speeds.get(call.model) ?? [];
      list.push(call.tokPerSec);
      if (list.length > SPEED_SAMPLES) list.shift();
      speeds.set(call.model, list);
    }
  };

  return {
    snapshot: () => ({ inSums, outputs, speeds }),
    add(records, from) {
      for (let i = from; i < records.length; i++) addOne(records[i]!);
      // A call or two (after a turn) are inserted in place; a month read at once is sorted once
      // (inserting 100k one by one took over a second).
      for (const [type, values] of pending) {
        const sorted = outputs.get(type) ?? [];
        if (values.length <= 16) for (const v of values) insertSorted(sorted, v);
        else {
          for (const v of values) sorted.push(v);
          sorted.sort((a, b) => a - b);
        }
        outputs.set(type, sorted);
      }
      pending.clear();
    },
    stats() {
      const inputRatio: Record<string, number> = { ...DEFAULT_INPUT_RATIO };
      for (const [family, s] of inSums) {
        inputRatio[family] = blendRatio(
          DEFAULT_INPUT_RATIO[family] ?? 1,
          s.actual,
          s.est,
          RATIO_PRIOR_TOKENS,
        );
      }
      const outputRatio: Record<string, number> = { ...DEFAULT_OUTPUT_RATIO };

      const outputTokens = { ...DEFAULT_OUTPUT_TOKENS };
      for (const [type, sorted] of outputs) {
        const w = sorted.length / (sorted.length + OUTPUT_PRIOR_CALLS);
        const prior = DEFAULT_OUTPUT_TOKENS[type];
        outputTokens[type] = {
          p50: Math.round(w * quantile(sorted, 0.5) + (1 - w) * prior.p50),
          p90: Math.round(w * quantile(sorted, 0.9) + (1 - w) * prior.p90),
        };
      }

      const decodeTokPerSec: Record<string, number> = {};
      for (const [model, list] of speeds) {
        decodeTokPerSec[model] = quantile(
          [...list].sort((a, b) => a - b),
          0.5,
        );
      }
      return { inputRatio, outputRatio, outputTokens, decodeTokPerSec };
    },
  };
}
