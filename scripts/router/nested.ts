import { STRATEGIES, decide, type Strategy } from '../../src/router/decide.js';
import type { FeatureVector } from '../../src/router/features.js';
import { trainingOnly, type Example } from './corpus.js';
import {
  pickStrategy,
  allowedFor,
  probabilitiesAt,
  scoredOf,
  summarise,
  temperaturesFrom,
  type Links,
  type Report,
  type Scored,
  type Temperatures,
} from './evaluate.js';
import { fitPlatt, type FitOptions } from './fit.js';
import { groupFolds, type Fold } from './folds.js';
import { HEADS, outOfFold, trainHeads, type OutOfFold } from './pipeline.js';
import { logits } from '../../src/router/linear.js';
import { fitTierTable } from './table-fit.js';

/**
 * Fully nested cross-validation: inside each outer training fold, a grouped inner CV fits
 * everything the outer test fold is then scored with — the tier tables, the temperatures, the
 * choice among the decision strategies and the confidence calibration — and, given a `grid`,
 * the model's L2 penalty — so no number used on a held-out prompt was fitted with any help from
 * its label. `oof` holds the outer models' logits for `fit`; an outer fold whose inner CV picks
 * another grid point is retrained with it. About `inner × grid`× the training time of a plain run.
 */
export function nestedReport(
  examples: readonly Example[],
  xs: readonly FeatureVector[],
  folds: readonly Fold[],
  oof: OutOfFold,
  fit: FitOptions,
  links: Links,
  inner = 4,
  seed = 1,
  grid: readonly FitOptions[] = [fit],
  /** Every model fit goes through this (a test checks what each was given). */
  train: typeof trainHeads = trainHeads,
): Report & { chosen: Strategy[]; chosenL2: number[] } {
  const scored: Scored[] = [];
  const chosen: Strategy[] = [];
  const chosenL2: number[] = [];
  for (const fold of folds) {
    const shared = fold.train.filter((i) => !trainingOnly(examples[i]!));
    const extra = fold.train.filter((i) => trainingOnly(examples[i]!));
    const innerFolds = groupFolds(
      shared.map((i) => examples[i]!.group),
      inner,
      seed,
    ).map((f) => ({
      train: [...f.train.map((j) => shared[j]!), ...extra],
      test: f.test.map((j) => shared[j]!),
    }));
    const innerTest = innerFolds.flatMap((f) => f.test);
    const innerTables = innerFolds.map((f) =>
      fitTierTable(f.train.map((i) => examples[i]!).filter((e) => e.origin !== 'override')),
    );
    const innerDecisions = (innerOof: OutOfFold, t: Temperatures, s: Strategy) =>
      innerFolds.flatMap((f, k) =>
        f.test.map((i) => ({
          i,
          d: decide(
            probabilitiesAt(innerOof, i, t, links),
            s,
            innerTables[k],
            allowedFor(examples[i]!),
          ),
        })),
      );
    const candidates: {
      options: FitOptions;
      strategy: Strategy;
      accuracy: number;
      localRecall: number;
      innerOof: OutOfFold;
    }[] = [];
    for (const options of grid) {
      const innerOof = outOfFold(xs, examples, innerFolds, options, train);
      const t = temperaturesFrom(innerOof, examples, innerTest, links);
      for (const strategy of STRATEGIES) {
        const ds = innerDecisions(innerOof, t, strategy);
        const local = ds.filter(({ i }) => examples[i]!.acceptableTiers[0] === 3);
        candidates.push({
          options,
          strategy,
          accuracy:
            ds.filter(({ i, d }) => examples[i]!.acceptableTiers.includes(d.tier)).length /
            ds.length,
          localRecall: local.filter(({ d }) => d.tier === 3).length / Math.max(1, local.length),
          innerOof,
        });
      }
    }
    const pick = pickStrategy(candidates);
    const best = pick.strategy;
    chosen.push(best);
    chosenL2.push(pick.options.l2);
    const t = temperaturesFrom(pick.innerOof, examples, innerTest, links);
    const ds = innerDecisions(pick.innerOof, t, best);
    const platt = fitPlatt(
      ds.map(({ d }) => d.p),
      ds.map(({ i, d }) => examples[i]!.acceptableTiers.includes(d.tier)),
    );
    // The outer model with the chosen penalty (the passed-in logits when it is `fit`'s).
    let outer = oof;
    if (pick.options !== fit) {
      const heads = train(xs, examples, fold.train, pick.options);
      outer = { taskType: [], complexity: [], tier: [], set: [] };
      for (const i of fold.test) for (const h of HEADS) outer[h][i] = logits(heads[h], xs[i]!);
    }
    const table = fitTierTable(shared.map((i) => examples[i]!));
    for (const i of fold.test) {
      const d = decide(probabilitiesAt(outer, i, t, links), best, table, allowedFor(examples[i]!));
      scored.push(scoredOf(examples[i]!, d, platt));
    }
  }
  return { ...summarise('nested' as Strategy, scored), chosen, chosenL2 };
}
