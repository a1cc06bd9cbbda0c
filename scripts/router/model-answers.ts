import { TASK_TYPES, type Complexity, type TaskType } from '../../src/core/task.js';
import { hash } from '../../src/router/features.js';
import { tierFor } from '../../src/router/tier-table.js';
import { summarise, type Report, type Scored } from './evaluate.js';

/**
 * One corpus prompt as a model classifier answered it (scripts/ask-classifier.ts writes these;
 * data/router/model-answers/ keeps the measured ones). `textHash` ties the answer to the text it
 * was given: an answer to a prompt edited since is stale and not used.
 */
export interface RecordedAnswer {
  id: string;
  textHash: number;
  outcome: 'answered' | 'invalid' | 'timeout' | 'unavailable' | 'error' | 'cancelled';
  taskType?: TaskType;
  complexity?: Complexity;
  confidence?: number;
  model?: string;
  ms?: number;
}

export const textHash = (text: string): number => hash(text) >>> 0;

/** Reads an answers file; a line that is not an answer is an error naming its line. */
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
    out.set(a.id, a);
  });
  return out;
}

export interface WithModel {
  report: Report;
  /** Held-out prompts below the threshold: those the session would have asked about. */
  asked: number;
  /** …of which an answer in the file was used. */
  answered: number;
  /** Below the threshold with no usable answer: not asked, failed, or the text changed since. */
  missing: number;
  /** On the answered prompts: the offline route's accuracy, and the model's. */
  offlineAccuracy: number;
  modelAccuracy: number;
}

/**
 * The session's route on held-out prompts when a model is asked below `askBelow`: the model's
 * task type and complexity through the tier table (as mergeModelVerdict does), the offline
 * route where the model was not asked or gave no answer.
 */
export function withModelAnswers(
  base: Report,
  answers: ReadonlyMap<string, RecordedAnswer>,
  askBelow: number,
): WithModel {
  let asked = 0;
  let answered = 0;
  let offlineRight = 0;
  let modelRight = 0;
  const out = base.scored.map((s): Scored => {
    if (s.confidence >= askBelow) return s;
    asked++;
    const a = answers.get(s.ex.id);
    const usable =
      a?.outcome === 'answered' && s.ex.text !== undefined && a.textHash === textHash(s.ex.text);
    if (!usable) return s;
    answered++;
    const tier = tierFor(a.taskType!, a.complexity!);
    const correct = s.ex.acceptableTiers.includes(tier);
    offlineRight += s.correct ? 1 : 0;
    modelRight += correct ? 1 : 0;
    return { ...s, tier, correct };
  });
  return {
    report: summarise(base.strategy, out),
    asked,
    answered,
    missing: asked - answered,
    offlineAccuracy: answered ? offlineRight / answered : NaN,
    modelAccuracy: answered ? modelRight / answered : NaN,
  };
}
