import type { Complexity } from '../core/task.js';
import { TIER_NAMES } from '../core/tier.js';
import {
  classifyRules,
  LONG_PROMPT_CHARS,
  longConversationSignal,
  type ClassifyOptions,
} from './rules.js';
import { classifyTrained, committedModel, type Model } from './trained.js';
import type { Classification, SessionFacts } from './types.js';

export type { ClassifyOptions } from './rules.js';

/**
 * Below this the classification is more likely wrong than right: the card warns. (The model
 * classifier is asked sooner: ASK_MODEL_BELOW.)
 */
export const LOW_CONFIDENCE = 0.5;

/** The lexicon's cues anchored on the whole message (lexicon.ts, chat). */
const WHOLE_MESSAGE_SMALL_TALK = ['en:small talk', 'ja:挨拶'];

/**
 * The confidence a classification carries, as the card shows it and routing.askModelBelow is
 * compared with: two decimals, and never 1.00 (calibrated, but a card that says 1.00 claims a
 * certainty no classifier of prompts has). The eval's model-answer scoring rounds the same way.
 */
export function shownConfidence(p: number): number {
  return Math.min(0.99, Math.round(p * 100) / 100);
}

/**
 * Classifies a turn: the trained model (data/router/ corpus, weights in weights/router.json and
 * router.bin) over the prompt's words, shape and the rule classifier's cues; task type,
 * complexity 1–5 and a calibrated confidence (the probability the table's tier for them is an
 * acceptable one).
 * Session rules apply on top: a conversation above the threshold is long-context, a retry after
 * a failure is one step harder, a vague follow-up continues the previous task.
 */
export function classify(
  prompt: string,
  facts: SessionFacts = {},
  options: ClassifyOptions = {},
  model?: Model,
): Classification {
  let verdict;
  try {
    verdict = classifyTrained(prompt, facts, model ?? committedModel());
  } catch {
    // Unusable weights must not stop a turn: the hand-written rules still route it.
    return classifyRules(prompt, facts, options);
  }
  const { rules } = verdict;
  let { taskType, complexity } = verdict;
  const { confidence } = verdict;
  const signals = [...rules.signals];
  signals.push(`trained:tier ${verdict.tier} (${TIER_NAMES[verdict.tier]})`);

  if (prompt.length > LONG_PROMPT_CHARS) taskType = 'long-context';
  // A message that is nothing but small talk ("thanks!", 「了解」): the corpus is developer
  // requests only, so the trained heads extrapolate there; the whole-message cue does not.
  if (WHOLE_MESSAGE_SMALL_TALK.some((cue) => rules.signals.includes(cue))) {
    taskType = 'chat';
    complexity = 1;
  }
  // A vague follow-up ("ok do it") says nothing the heads can read: the task it continues does.
  if (rules.signals.includes('continues-previous')) taskType = rules.baseTaskType;
  if (facts.followUpOfFailure) complexity = Math.min(5, complexity + 1) as Complexity;

  const longConversation = longConversationSignal(facts, options);
  if (longConversation) signals.push(longConversation);
  return {
    taskType: longConversation ? 'long-context' : taskType,
    baseTaskType: taskType,
    complexity,
    confidence: shownConfidence(confidence),
    signals,
    // 'trained' joins the union in types.ts (the lead's file); until then the cast holds it.
    source: 'trained' as Classification['source'],
  };
}
