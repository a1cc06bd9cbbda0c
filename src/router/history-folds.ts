import type { Config } from '../config/schema.js';
import type { LedgerRecord } from '../core/records.js';
import { TIERS } from '../core/tier.js';
import {
  mergePriors,
  successFold,
  type SuccessFold,
  type SuccessState,
  type SuccessTable,
} from './calibration.js';
import { learnFold, type LearnFold, type LearnState, type LearnedStats } from './learn.js';
import { tierModels, tierOfModel } from './table.js';

/** What the router learns from the ledger: the estimator's figures and the success rates. */
export interface HistoryStats extends LearnedStats {
  success: SuccessTable;
}

/*
 * The folds the router's figures come from, in one place: RouterSession.stats runs them over the
 * session's records, ledger/router-figures.ts over the month files with their state
 * checkpointed. Both must build them alike, or `kirikae route` and the card would disagree.
 */
export interface HistoryFolds {
  learn: LearnFold;
  success: SuccessFold;
}

export interface HistoryFoldsState {
  learn: LearnState;
  success: SuccessState;
}

/** The folds for this config, from nothing or going on from a snapshot (which they then own). */
export function historyFolds(config: Config, state?: HistoryFoldsState): HistoryFolds {
  return {
    learn: learnFold(state?.learn),
    success: successFold(
      mergePriors(config.routing.successPriors),
      (model) => tierOfModel(config, model) ?? undefined,
      state?.success,
    ),
  };
}

/**
 * What of the config the folds' state depends on (the success priors, and the tier each model
 * sits in: a task's earlier models count against their tier). A checkpoint keys on it.
 */
export function historyFoldsDepend(config: Config): unknown {
  return [config.routing.successPriors ?? null, TIERS.map((tier) => tierModels(config, tier))];
}

export function addToFolds(
  folds: HistoryFolds,
  records: readonly LedgerRecord[],
  from: number,
): void {
  folds.learn.add(records, from);
  folds.success.add(records, from);
}

export function snapshotFolds(folds: HistoryFolds): HistoryFoldsState {
  return { learn: folds.learn.snapshot(), success: folds.success.snapshot() };
}

export function statsOf(folds: HistoryFolds): HistoryStats {
  return { ...folds.learn.stats(), success: folds.success.table() };
}
