import type { Complexity, TaskType } from '../core/task.js';
import type { Config } from '../config/schema.js';
import { LOW_CONFIDENCE } from './classify.js';
import { tierFor } from './tier-table.js';
import type { Classification, RouteDecision } from './types.js';

/**
 * When the session asks the model classifier, and how its answer joins the offline one. Pure:
 * the session owns the clock, the client and the card's "classifying…" state.
 */
export interface ModelAskPolicy {
  /** Ask below this confidence (default LOW_CONFIDENCE, 0.5). */
  threshold?: number;
  /** A small model can answer without loading one (resident on a host), or a cheap cloud model may be asked. */
  modelReady: boolean;
}

export type AskDecision =
  | { ask: true; reason: 'low-confidence' }
  | { ask: false; reason: 'confident' | 'no-model' | 'user-chose' | 'already-model' };

/** What `shouldAskModel` reads: a classification, or a route decision made from one. */
type Classified =
  | Pick<Classification, 'confidence' | 'source'>
  | Pick<RouteDecision, 'confidence' | 'classifier' | 'source'>;

/**
 * Whether the model classifier is worth its time for this turn: only when the offline classifier
 * is unsure, a model is ready, and the route is not the user's own choice (an override or a saved
 * rule decides the tier whatever the task type is).
 */
export function shouldAskModel(c: Classified, policy: ModelAskPolicy): AskDecision {
  const source = 'classifier' in c ? c.classifier : c.source;
  if (source === 'model') return { ask: false, reason: 'already-model' };
  const routeSource = 'classifier' in c ? c.source : undefined;
  if (
    source === 'override' ||
    routeSource?.endsWith('override') ||
    routeSource === 'rule' ||
    routeSource === 'past-choice'
  ) {
    return { ask: false, reason: 'user-chose' };
  }
  if (c.confidence >= (policy.threshold ?? LOW_CONFIDENCE)) {
    return { ask: false, reason: 'confident' };
  }
  if (!policy.modelReady) return { ask: false, reason: 'no-model' };
  return { ask: true, reason: 'low-confidence' };
}

/**
 * The screen's and `kirikae route`'s one rule: a model is asked below routing.askModelBelow,
 * unless the user's own choice (an override, a rule, a past choice) decided the route, or
 * routing.modelClassifier is off. Whether a model can answer is the client's to say.
 */
export function askModel(
  decision: Pick<RouteDecision, 'confidence' | 'classifier' | 'source'>,
  config: Pick<Config, 'routing'>,
): boolean {
  if (config.routing.modelClassifier === 'off') return false;
  return shouldAskModel(decision, { modelReady: true, threshold: config.routing.askModelBelow })
    .ask;
}

/**
 * The offline classification a decision was made from, to hand to the model classifier. A
 * decision keeps the type it routed on, so after the long-conversation rule the asked-for type is
 * `long-context` too; the model's answer supplies its own.
 */
export function classificationOf(decision: RouteDecision): Classification {
  return {
    taskType: decision.taskType,
    baseTaskType: decision.taskType,
    complexity: decision.complexity,
    confidence: decision.confidence,
    signals: decision.signals,
    source: decision.classifier,
  };
}

/** What the model answered, validated against the classifier's JSON schema. */
export interface ModelAnswer {
  taskType: TaskType;
  complexity: Complexity;
  confidence: number;
  /** Who answered (`qwen3:8b`), when the client says. */
  model?: string;
}

export interface MergedVerdict {
  classification: Classification;
  /** Did the model agree with the offline classifier (task type; table tier)? For the retraining log. */
  agreement: { taskType: boolean; tier: boolean };
}

/**
 * The classification the route follows once the model answered: the model's task type and
 * complexity (`source: 'model'`), the offline signals kept, and a confidence that rises when the
 * two classifiers send the turn to the same tier (two that agree are more likely right than
 * either alone) and falls a little when they do not.
 */
export function mergeModelVerdict(
  offline: Classification,
  answer: ModelAnswer,
  userTable: Partial<Record<TaskType, number>> = {},
): MergedVerdict {
  const agreement = {
    taskType: answer.taskType === offline.baseTaskType,
    tier:
      tierFor(answer.taskType, answer.complexity, userTable) ===
      tierFor(offline.baseTaskType, offline.complexity, userTable),
  };
  const confidence = Math.min(
    0.95,
    agreement.tier ? Math.max(answer.confidence, 0.7) : answer.confidence * 0.9,
  );
  return {
    agreement,
    classification: {
      ...offline,
      // The long-context rule is about the conversation, not the prompt: it still applies.
      taskType: offline.taskType === 'long-context' ? 'long-context' : answer.taskType,
      baseTaskType: answer.taskType,
      complexity: answer.complexity,
      confidence: Math.round(confidence * 100) / 100,
      signals: [...offline.signals, `model:${answer.model ?? 'answered'}`],
      source: 'model',
    },
  };
}
