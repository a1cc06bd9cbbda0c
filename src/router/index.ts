export * from './types.js';
export { route, toCallEstimate, CHEAPER_TIER_TOLERANCE } from './route.js';
export { RouterSession, type HistoryStats } from './session.js';
export { classify, LOW_CONFIDENCE, type ClassifyOptions } from './classify.js';
export {
  modelClassify,
  modelClassifier,
  classifierPrompt,
  classifierFormat,
  DEFAULT_MODEL_TIMEOUT_MS,
  type Classifier,
  type ClassifierClient,
  type ModelClassifyOptions,
  type ModelOutcome,
  type ModelVerdict,
} from './model-classify.js';
export {
  shouldAskModel,
  mergeModelVerdict,
  classificationOf,
  type AskDecision,
  type ModelAskPolicy,
  type ModelAnswer,
  type MergedVerdict,
} from './model-policy.js';
export { classifyRules } from './rules.js';
export { classifyTrained, type TrainedVerdict } from './trained.js';
export { TIER_TABLE, tierFor } from './tier-table.js';
export {
  overrideLine,
  parseOverrides,
  OVERRIDES_FILE,
  type OverrideLabel,
  type OverrideInput,
} from './overrides.js';
export { findPastChoice, pastChoiceFor, type PastChoice } from './past-choices.js';
export { loadTokenizer, tokenizerReady } from './tokenizer.js';
export { estimateCall, keepAliveMs, type CallEstimate, type CallEstimateArgs } from './estimate.js';
export { expectedUsdPerTask, MAX_REDO_LEVELS, type Attempt } from './expected-cost.js';
export {
  successRates,
  mergePriors,
  PRIOR_STRENGTH,
  type SuccessPriors,
  type SuccessRate,
  type SuccessTable,
} from './calibration.js';
export { learnFromHistory, type LearnedStats } from './learn.js';
export * from './cooldown.js';
export * from './budget.js';
export { nextFallback, fallsBack, type FallbackInput, type FallbackResult } from './fallback.js';
export {
  chooseTier,
  tableTier,
  tierModels,
  tierOfModel,
  ruleFromOverride,
  upsertRule,
  removeRule,
  ESCALATION,
  type TierChoice,
} from './table.js';
export {
  unavailableReason,
  localFromTags,
  numCtxBucket,
  windowOf,
  KEY_ENV,
} from './constraints.js';
export { TokenCounter, countRequest, MESSAGE_OVERHEAD_TOKENS } from './tokens.js';
export { cachePolicy, splitInput, type CachePolicy, type CacheKind } from './cache.js';
export { priceCurve, costOf } from './pricing.js';
export { DEFAULT_SUCCESS_PRIORS, DEFAULT_OUTPUT_TOKENS, modelFamily } from './priors.js';
