import { STRATEGIES, decide, type Strategy } from '../../src/router/decide.js';
import type { FeatureVector } from '../../src/router/features.js';
import type { Example } from './corpus.js';
import {
  allowedFor,
  probabilitiesAt,
  scoredOf,
  summarise,
  temperaturesFrom,
  type Links,
  type Report,
  type Scored,
} from './evaluate.js';
import { fitPlatt, type FitOptions } from './fit.js';
import { groupFolds, type Fold } from './folds.js';
import { outOfFold, type OutOfFold } from './pipeline.js';
import { fitTierTable } from './table-fit.js';

/**
 * Fully nested cross-validation: inside each outer training fold, a grouped inner CV fits
 * everything the outer test fold is then scored with — the tier tables, the temperatures, the
 * choice among the decision strategies and the confidence calibration — so no number used on a
 * held-out prompt was fitted with any help from its label. `oof` holds the outer models' logits.
 * About `inner`× the training time of a plain run.
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
): Report & { chosen: Strategy[] } {
  const scored: Scored[] = [];
  const chosen: Strategy[] = [];
  for (const fold of folds) {
    const shared = fold.train.filter((i) => examples[i]!.origin !== 'override');
    const extra = fold.train.filter((i) => examples[i]!.origin === 'override');
    const innerFolds = groupFolds(
      shared.map((i) => examples[i]!.group),
      inner,
      seed,
    ).map((f) => ({
      train: [...f.train.map((j) => shared[j]!), ...extra],
      test: f.test.map((j) => shared[j]!),
    }));
    const innerOof = outOfFold(xs, examples, innerFolds, fit);
    const innerTest = innerFolds.flatMap((f) => f.test);
    const t = temperaturesFrom(innerOof, examples, innerTest, links);
    const innerTables = innerFolds.map((f) =>
      fitTierTable(f.train.map((i) => examples[i]!).filter((e) => e.origin !== 'override')),
    );
    const innerDecisions = (s: Strategy) =>
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
    const accuracyOf = (s: Strategy) => {
      const ds = innerDecisions(s);
      return (
        ds.filter(({ i, d }) => examples[i]!.acceptableTiers.includes(d.tier)).length / ds.length
      );
    };
    const best = STRATEGIES.reduce((a, b) => (accuracyOf(b) > accuracyOf(a) ? b : a));
    chosen.push(best);
    const ds = innerDecisions(best);
    const platt = fitPlatt(
      ds.map(({ d }) => d.p),
      ds.map(({ i, d }) => examples[i]!.acceptableTiers.includes(d.tier)),
    );
    const table = fitTierTable(shared.map((i) => examples[i]!));
    for (const i of fold.test) {
      const d = decide(probabilitiesAt(oof, i, t, links), best, table, allowedFor(examples[i]!));
      scored.push(scoredOf(examples[i]!, d, platt));
    }
  }
  return { ...summarise('nested' as Strategy, scored), chosen };
}
