import { TASK_TYPES } from '../../src/core/task.js';
import { TIERS } from '../../src/core/tier.js';
import { ACCEPTABLE_SETS } from '../../src/router/decide.js';
import type { FeatureVector } from '../../src/router/features.js';
import { logits, type LinearHead } from '../../src/router/linear.js';
import { turnFeatures } from '../../src/router/trained.js';
import type { RouterCliOptions } from './cli.js';
import { loadExamples, trainingOnly, type Example } from './corpus.js';
import { fitHead, type FitOptions, type SetLabel } from './fit.js';
import { groupFolds, type Fold } from './folds.js';

export const HEADS = ['taskType', 'complexity', 'tier', 'set'] as const;
export type HeadName = (typeof HEADS)[number];

export const CLASSES = {
  taskType: TASK_TYPES,
  complexity: [1, 2, 3, 4, 5],
  tier: TIERS,
  set: ACCEPTABLE_SETS.map((_, i) => i),
} as const;

const setKey = (tiers: readonly number[]) => tiers.join(',');
const SET_INDEX = new Map(ACCEPTABLE_SETS.map((s, i) => [setKey(s), i]));

export function featurizeExamples(examples: readonly Example[], dim: number): FeatureVector[] {
  return examples.map((ex) => {
    if (ex.text !== undefined) return turnFeatures(ex.text, ex.facts ?? {}, dim).x;
    if (ex.features && ex.features.dim === dim) {
      return {
        index: Int32Array.from(ex.features.index),
        value: Float32Array.from(ex.features.value),
      };
    }
    return { index: new Int32Array(0), value: new Float32Array(0) };
  });
}

export function labelsOf(examples: readonly Example[], head: HeadName): SetLabel[] {
  return examples.map((ex) => {
    if (head === 'taskType') return ex.taskType ? [TASK_TYPES.indexOf(ex.taskType)] : undefined;
    if (head === 'complexity') return ex.complexity ? [ex.complexity - 1] : undefined;
    if (head === 'set') {
      const i = SET_INDEX.get(setKey(ex.acceptableTiers));
      return i === undefined ? undefined : [i];
    }
    return ex.acceptableTiers.length ? ex.acceptableTiers.map((t) => TIERS.indexOf(t)) : undefined;
  });
}

export function linkOf(head: HeadName, options: FitOptions): 'softmax' | 'sigmoid' {
  return head === 'tier' ? options.tierLink : 'softmax';
}

export function linksOf(options: FitOptions): Record<HeadName, 'softmax' | 'sigmoid'> {
  return { taskType: 'softmax', complexity: 'softmax', tier: options.tierLink, set: 'softmax' };
}

export type Heads = { [H in HeadName]: LinearHead };

export function trainHeads(
  xs: readonly FeatureVector[],
  examples: readonly Example[],
  indices: readonly number[],
  options: FitOptions,
): Heads {
  const sx = indices.map((i) => xs[i]!);
  const sub = indices.map((i) => examples[i]!);
  const out = {} as Heads;
  for (const head of HEADS) {
    out[head] = fitHead(
      sx,
      labelsOf(sub, head),
      CLASSES[head] as readonly (string | number)[],
      options,
      linkOf(head, options),
      sub.map((e) => (e.lang === 'ja' ? options.jaWeight : 1)),
    );
  }
  return out;
}

/** Held-out logits of every example, each from the model of the fold it was left out of. */
export type OutOfFold = { [H in HeadName]: Float64Array[] };

/**
 * Trains one model per fold on that fold's `train` indices only and scores its `test` indices.
 * `train` is injectable so a test can check what each fit was given.
 */
export function outOfFold(
  xs: readonly FeatureVector[],
  examples: readonly Example[],
  folds: readonly Fold[],
  options: FitOptions,
  train: typeof trainHeads = trainHeads,
): OutOfFold {
  const oof: OutOfFold = { taskType: [], complexity: [], tier: [], set: [] };
  for (const fold of folds) {
    const heads = train(xs, examples, fold.train, options);
    for (const i of fold.test) for (const h of HEADS) oof[h][i] = logits(heads[h], xs[i]!);
  }
  return oof;
}

export interface Prepared {
  /** Corpus and labelled examples first, then the user's overrides. */
  examples: Example[];
  /** How many leading examples are shared data (scored); overrides follow. */
  shared: number;
  xs: FeatureVector[];
  /** Grouped folds over the shared examples; every override is in every training side. */
  folds: Fold[];
}

/** Loads, featurizes and folds the examples as both scripts do. */
export function prepare(opts: RouterCliOptions): Prepared {
  const all = loadExamples({
    corpus: opts.corpus,
    overrides: opts.overrides,
    ...(opts.withAgreement ? { agreement: opts.withAgreement } : {}),
    withLabelled: opts.withLabelled,
  });
  // A user's overrides are training data only: the figures are about the shared corpus.
  const shared = all.filter((e) => !trainingOnly(e));
  const extra = all.filter(trainingOnly);
  const examples = [...shared, ...extra];
  const overrideIdx = extra.map((_, i) => shared.length + i);
  const folds = groupFolds(
    shared.map((e) => e.group),
    opts.folds,
    opts.seed,
  ).map((f) => ({ train: [...f.train, ...overrideIdx], test: f.test }));
  return { examples, shared: shared.length, xs: featurizeExamples(examples, opts.fit.dim), folds };
}
