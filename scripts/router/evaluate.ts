import { TIERS, type Tier } from '../../src/core/tier.js';
import {
  allowedTiers,
  decide,
  type Decision,
  type HeadProbabilities,
  STRATEGIES,
  type Strategy,
} from '../../src/router/decide.js';
import { activate } from '../../src/router/linear.js';
import { classifyRules } from '../../src/router/rules.js';
import { calibrated } from '../../src/router/trained.js';
import type { Example } from './corpus.js';
import { fitPlatt, fitTemperature } from './fit.js';
import type { Fold } from './folds.js';
import { fitTierTable, type TierTable } from './table-fit.js';
import { HEADS, labelsOf, type HeadName, type OutOfFold } from './pipeline.js';

export interface Scored {
  ex: Example;
  tier: Tier;
  correct: boolean;
  confidence: number;
}

export interface Report {
  strategy: Strategy;
  n: number;
  accuracy: number;
  byLang: Record<string, { n: number; accuracy: number }>;
  /** For each tier: of the prompts whose first acceptable tier is it, the share routed there. */
  recall: Record<Tier, { n: number; recall: number; acceptable: number }>;
  /** Rows: first acceptable tier; columns: chosen tier. */
  confusion: number[][];
  /** Expected calibration error of the confidence (10 bins). */
  ece: number;
  scored: Scored[];
}

export type Temperatures = Record<HeadName, number>;

const allowedCache = new WeakMap<Example, readonly Tier[] | undefined>();
/**
 * The tiers a decision may pick for an example, as classifyTrained restricts them at run time
 * (decide.ts allowedTiers, from the rule classifier's verdict on the same text and facts).
 */
export function allowedFor(ex: Example): readonly Tier[] | undefined {
  if (!allowedCache.has(ex)) {
    allowedCache.set(
      ex,
      ex.text === undefined ? undefined : allowedTiers(classifyRules(ex.text, ex.facts ?? {})),
    );
  }
  return allowedCache.get(ex);
}

export function temperaturesFrom(
  oof: OutOfFold,
  examples: readonly Example[],
  idx: readonly number[],
  link: Links,
): Temperatures {
  const out = {} as Temperatures;
  for (const h of HEADS) {
    const labels = labelsOf(examples, h);
    out[h] = fitTemperature(
      idx.map((i) => oof[h][i]!),
      idx.map((i) => labels[i]),
      link[h],
    );
  }
  return out;
}

export type Links = Record<HeadName, 'softmax' | 'sigmoid'>;

export function probabilitiesAt(
  oof: OutOfFold,
  i: number,
  t: Temperatures,
  link: Links,
): HeadProbabilities {
  return {
    taskType: activate(link.taskType, oof.taskType[i]!, t.taskType),
    complexity: activate(link.complexity, oof.complexity[i]!, t.complexity),
    tier: activate(link.tier, oof.tier[i]!, t.tier),
    set: activate(link.set, oof.set[i]!, t.set),
  };
}

/**
 * Scores the held-out predictions of one strategy. Calibration (the heads' temperatures and
 * the confidence mapping) for a fold's examples is fitted on the OTHER folds' held-out
 * predictions only: no number used on an example was fitted on that example's label.
 */
export function report(
  examples: readonly Example[],
  oof: OutOfFold,
  folds: readonly Fold[],
  strategy: Strategy,
  link: Links,
  /** Per fold, the tier table fitted on that fold's training side (default: the shipped one). */
  tables?: readonly TierTable[],
): Report {
  const scored: Scored[] = [];
  for (const [k, fold] of folds.entries()) {
    const inFold = new Set(fold.test);
    const others = folds.flatMap((f) => f.test).filter((i) => !inFold.has(i));
    const t = temperaturesFrom(oof, examples, others, link);
    const table = tables?.[k];
    const decisionOf = (i: number): Decision =>
      decide(probabilitiesAt(oof, i, t, link), strategy, table, allowedFor(examples[i]!));
    const otherDecisions = others.map(decisionOf);
    const platt = fitPlatt(
      otherDecisions.map((d) => d.p),
      otherDecisions.map((d, j) => examples[others[j]!]!.acceptableTiers.includes(d.tier)),
    );
    for (const i of fold.test) scored.push(scoredOf(examples[i]!, decisionOf(i), platt));
  }
  return summarise(strategy, scored);
}

/** One held-out prompt scored: its route, whether that is acceptable, the calibrated confidence. */
export function scoredOf(ex: Example, d: Decision, platt: { a: number; b: number }): Scored {
  return {
    ex,
    tier: d.tier,
    correct: ex.acceptableTiers.includes(d.tier),
    confidence: calibrated(d.p, platt),
  };
}

export function summarise(strategy: Strategy, scored: Scored[]): Report {
  const byLang: Report['byLang'] = {};
  for (const s of scored) {
    const l = (byLang[s.ex.lang] ??= { n: 0, accuracy: 0 });
    l.n++;
    l.accuracy += s.correct ? 1 : 0;
  }
  for (const l of Object.values(byLang)) l.accuracy /= l.n;
  const recall = {} as Report['recall'];
  const confusion = TIERS.map(() => TIERS.map(() => 0));
  for (const tier of TIERS) {
    const of = scored.filter((s) => s.ex.acceptableTiers[0] === tier);
    recall[tier] = {
      n: of.length,
      recall: of.length ? of.filter((s) => s.tier === tier).length / of.length : NaN,
      acceptable: of.length ? of.filter((s) => s.correct).length / of.length : NaN,
    };
  }
  for (const s of scored) confusion[s.ex.acceptableTiers[0]!]![s.tier]!++;
  // Expected calibration error over 10 equal-width confidence bins.
  let ece = 0;
  for (let b = 0; b < 10; b++) {
    const bin = scored.filter((s) => Math.min(9, Math.floor(s.confidence * 10)) === b);
    if (!bin.length) continue;
    const acc = bin.filter((s) => s.correct).length / bin.length;
    const conf = bin.reduce((a, s) => a + s.confidence, 0) / bin.length;
    ece += (bin.length / scored.length) * Math.abs(acc - conf);
  }
  return {
    strategy,
    n: scored.length,
    accuracy: scored.filter((s) => s.correct).length / Math.max(1, scored.length),
    byLang,
    recall,
    confusion,
    ece,
    scored,
  };
}

/**
 * Accuracy points within which two strategies count as tied: about one binomial standard
 * deviation of an inner fold's accuracy (n ≈ 180 at 83 %), so a smaller difference is noise.
 */
export const TIED_POINTS = 0.01;

/**
 * The one rule that picks a decision strategy (training, the plain eval and each fold of the
 * nested CV): the best tier accuracy, and among strategies tied with it the one that sends more
 * of the local tier's prompts to the local tier. Accuracy alone counts a quick fix sent to tier 2
 * as right (its labels accept [3, 2]), and drifted to "everything mechanical to tier 2": the same
 * accuracy at several times the cost.
 */
export function pickStrategy<T extends { accuracy: number; localRecall: number }>(
  candidates: readonly T[],
): T {
  const top = Math.max(...candidates.map((c) => c.accuracy));
  return candidates
    .filter((c) => c.accuracy >= top - TIED_POINTS)
    .reduce((a, b) => (b.localRecall > a.localRecall ? b : a));
}

/**
 * Every strategy's held-out report, each fold scored through the tier table refitted on its
 * training side, and the strategy pickStrategy ships: what training, the eval and
 * ask-classifier all start from.
 */
export function strategyReports(
  examples: readonly Example[],
  oof: OutOfFold,
  folds: readonly Fold[],
  link: Links,
): { reports: Report[]; best: Report } {
  const tables = folds.map((f) => fitTierTable(f.train.map((i) => examples[i]!)));
  const reports = STRATEGIES.map((s) => report(examples, oof, folds, s, link, tables));
  const best = pickStrategy(reports.map((r) => ({ ...r, localRecall: r.recall[3].recall })));
  return { reports, best };
}
