import type { Complexity, TaskType } from '../core/task.js';
import type { Config } from '../config/schema.js';
import { allowedTiers } from './decide.js';
import { tierFor } from './tier-table.js';
import type { Classification, RouteDecision } from './types.js';

/**
 * The default of routing.askModelBelow. The trained classifier's confidence is P(the chosen tier
 * is acceptable), and a prompt that says nothing ("yes", "ok do it", "hmm, what should we do
 * about the sync layer") scores 0.73–0.78, about the share of the corpus its likeliest tier
 * suits: below 0.8 the offline verdict is little better than a guess. On held-out corpus
 * prompts (1,767, 1 Dec 2026) it was right for 74 % of the quarter below 0.80 (against 86 %
 * overall); a capable model given the classifier prompt chose an acceptable tier for 91 % of
 * the same prompts, and the session's route reached 90.4 % (docs/router.md, "The model
 * classifier, measured"). 0.75, the default until the weights were retrained on 1,767 prompts,
 * now asks about one prompt in ten (88.6 %); it is the lighter choice where a classification's
 * wait matters more. The old 0.5 was set on the hand-written rules' scale, which the trained
 * classifier never goes below: the model was never asked. Raise it for a strong classifier
 * model (0.85: asked on two prompts in five, 92.0 %).
 */
export const ASK_MODEL_BELOW = 0.8;

/**
 * When the session asks the model classifier, and how its answer joins the offline one. Pure:
 * the session owns the clock, the client and the card's "classifying…" state.
 */
export interface ModelAskPolicy {
  /** Ask below this confidence (default ASK_MODEL_BELOW). */
  threshold?: number;
  /** A small model can answer without loading one (resident on a host), or a cheap cloud model may be asked. */
  modelReady: boolean;
}

export type AskDecision =
  | { ask: true; reason: 'low-confidence' }
  | {
      ask: false;
      reason: 'confident' | 'no-model' | 'user-chose' | 'already-model' | 'follow-up';
    };

/** What `shouldAskModel` reads: a classification, or a route decision made from one. */
type Classified =
  | Pick<Classification, 'confidence' | 'source' | 'signals'>
  | Pick<RouteDecision, 'confidence' | 'classifier' | 'source' | 'signals'>;

/**
 * Turns the offline classifier reads with the conversation's facts (the previous task, a failed
 * attempt) that the model is never shown: it sees the prompt alone, and would route "ok do it"
 * or "try again" as the words say.
 */
const FOLLOW_UP_SIGNALS = ['continues-previous', 'follow-up-of-failure'];

/**
 * Whether the model classifier is worth its time for this turn: only when the offline classifier
 * is unsure, a model is ready, the route is not the user's own choice (an override or a saved
 * rule decides the tier whatever the task type is), and the turn is not a follow-up that only
 * the conversation explains.
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
  if (c.signals.some((s) => FOLLOW_UP_SIGNALS.includes(s))) {
    return { ask: false, reason: 'follow-up' };
  }
  if (c.confidence >= (policy.threshold ?? ASK_MODEL_BELOW)) {
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
  decision: Pick<RouteDecision, 'confidence' | 'classifier' | 'source' | 'signals'>,
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
 * The model's complexity, raised until the table's tier for it is one the rule classifier's
 * verdict allows (decide.ts allowedTiers: a review with a risk cue goes to tier 1 or 0). The
 * offline decision obeys that restriction; a small model's "review, 2" must not send a
 * production migration or an auth change to the local tier.
 */
function allowedComplexity(
  answer: Pick<ModelAnswer, 'taskType' | 'complexity'>,
  signals: readonly string[],
  userTable: Partial<Record<TaskType, number>>,
): Complexity {
  const allowed = allowedTiers({ baseTaskType: answer.taskType, signals: [...signals] });
  if (!allowed) return answer.complexity;
  for (let c = answer.complexity; c <= 5; c++) {
    if (allowed.includes(tierFor(answer.taskType, c as Complexity, userTable))) {
      return c as Complexity;
    }
  }
  return answer.complexity;
}

/**
 * The classification the route follows once the model answered: the model's task type and
 * complexity (`source: 'model'`; the complexity raised where the rules restrict the tier), the
 * offline signals kept, and a confidence that rises when the two classifiers send the turn to
 * the same tier (two that agree are more likely right than either alone) and falls a little
 * when they do not.
 */
export function mergeModelVerdict(
  offline: Classification,
  answer: ModelAnswer,
  userTable: Partial<Record<TaskType, number>> = {},
): MergedVerdict {
  const complexity = allowedComplexity(answer, offline.signals, userTable);
  const agreement = {
    taskType: answer.taskType === offline.baseTaskType,
    tier:
      tierFor(answer.taskType, complexity, userTable) ===
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
      complexity,
      confidence: Math.round(confidence * 100) / 100,
      signals: [...offline.signals, `model:${answer.model ?? 'answered'}`],
      source: 'model',
    },
  };
}
