import { TASK_TYPES, type Complexity, type TaskType } from '../../src/core/task.js';
import { shownConfidence } from '../../src/router/classify.js';
import { hash } from '../../src/router/features.js';
import { classifierPrompt } from '../../src/router/model-classify.js';
import { mergeModelVerdict, shouldAskModel } from '../../src/router/model-policy.js';
import { classifyRules } from '../../src/router/rules.js';
import { tierFor } from '../../src/router/tier-table.js';
import { summarise, type Report, type Scored } from './evaluate.js';

const OUTCOMES = ['answered', 'invalid', 'timeout', 'unavailable', 'error', 'cancelled'] as const;

/**
 * One corpus prompt as a model classifier answered it (scripts/ask-classifier.ts writes these;
 * data/router/model-answers/ keeps the measured ones). `textHash` ties the answer to the text it
 * was given: an answer to a prompt edited since is stale and not used. `promptHash` says which
 * classifier prompt asked (`classifierPromptHash()`); `ms` how long the answer took.
 */
export interface RecordedAnswer {
  id: string;
  textHash: number;
  promptHash?: number;
  outcome: (typeof OUTCOMES)[number];
  taskType?: TaskType;
  complexity?: Complexity;
  confidence?: number;
  model?: string;
  ms?: number;
}

export const textHash = (text: string): number => hash(text) >>> 0;

/** The classifier prompt's fixed part (its definitions), hashed: which prompt an answer had. */
export const classifierPromptHash = (): number => textHash(classifierPrompt(''));

/** Reads an answers file; a line that is not an answer, or a second one for an id, is an error. */
export function parseModelAnswers(jsonl: string, file = 'answers'): Map<string, RecordedAnswer> {
  const out = new Map<string, RecordedAnswer>();
  jsonl.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let a: RecordedAnswer;
    try {
      a = JSON.parse(line) as RecordedAnswer;
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON`);
    }
    const answered = a.outcome === 'answered';
    if (
      typeof a.id !== 'string' ||
      typeof a.textHash !== 'number' ||
      !OUTCOMES.includes(a.outcome) ||
      (answered &&
        (!TASK_TYPES.includes(a.taskType as TaskType) ||
          !Number.isInteger(a.complexity) ||
          a.complexity! < 1 ||
          a.complexity! > 5))
    ) {
      throw new Error(
        `${file}:${i + 1}: not an answer (id, textHash, outcome, taskType, complexity)`,
      );
    }
    if (out.has(a.id)) throw new Error(`${file}:${i + 1}: a second answer for ${a.id}`);
    out.set(a.id, a);
  });
  return out;
}

export interface WithModel {
  report: Report;
  /** Held-out prompts the session would have asked about (below the threshold, not follow-ups). */
  asked: number;
  /** …of which an answer in the file was used. */
  answered: number;
  /** Answers that came after the time budget: the session would have kept the offline route. */
  late: number;
  /** Asked with no usable answer: none recorded, a failure, or the text changed since. */
  missing: number;
  /** Used answers that another classifier prompt asked for. */
  otherPrompt: number;
  /** On the answered prompts: the offline route's accuracy, and the model's. */
  offlineAccuracy: number;
  modelAccuracy: number;
}

export interface ModelAnswerOptions {
  askBelow: number;
  /** The session's wait (routing.classifierTimeoutMs): a slower answer counts as none. */
  budgetMs: number;
}

/** Whether the session would ask about a held-out prompt: its shown confidence, its signals. */
export function wouldAsk(s: Scored, askBelow: number): boolean {
  if (s.ex.text === undefined) return false;
  const rules = classifyRules(s.ex.text, s.ex.facts ?? {});
  return shouldAskModel(
    { confidence: shownConfidence(s.confidence), source: 'trained', signals: rules.signals },
    { modelReady: true, threshold: askBelow },
  ).ask;
}

/**
 * The session's route on held-out prompts when a model is asked: where it would ask
 * (`wouldAsk`), the model's answer merged as the session merges it (mergeModelVerdict, with the
 * rules' signals: a risky review stays on tiers 1 and 0) through the tier table; the offline
 * route where it would not ask, or the model gave no answer within the budget.
 */
export function withModelAnswers(
  base: Report,
  answers: ReadonlyMap<string, RecordedAnswer>,
  options: ModelAnswerOptions,
): WithModel {
  const current = classifierPromptHash();
  let asked = 0;
  let answered = 0;
  let late = 0;
  let otherPrompt = 0;
  let offlineRight = 0;
  let modelRight = 0;
  const out = base.scored.map((s): Scored => {
    if (!wouldAsk(s, options.askBelow)) return s;
    asked++;
    const a = answers.get(s.ex.id);
    const text = s.ex.text!;
    if (a?.outcome !== 'answered' || a.textHash !== textHash(text)) return s;
    if (a.ms !== undefined && a.ms > options.budgetMs) {
      late++;
      return s;
    }
    answered++;
    if (a.promptHash !== undefined && a.promptHash !== current) otherPrompt++;
    const rules = classifyRules(text, s.ex.facts ?? {});
    const { classification } = mergeModelVerdict(
      { ...rules, source: 'trained' },
      { taskType: a.taskType!, complexity: a.complexity!, confidence: a.confidence ?? 0.5 },
    );
    const tier = tierFor(classification.taskType, classification.complexity);
    const correct = s.ex.acceptableTiers.includes(tier);
    offlineRight += s.correct ? 1 : 0;
    modelRight += correct ? 1 : 0;
    return { ...s, tier, correct };
  });
  return {
    report: summarise(base.strategy, out),
    asked,
    answered,
    late,
    missing: asked - answered - late,
    otherPrompt,
    offlineAccuracy: answered ? offlineRight / answered : NaN,
    modelAccuracy: answered ? modelRight / answered : NaN,
  };
}
