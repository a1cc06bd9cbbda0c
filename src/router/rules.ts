import { DEFAULT_ROUTING_TABLE } from '../config/schema.js';
import { TASK_TYPES, type Complexity, type TaskType } from '../core/task.js';
import {
  CUES,
  ERROR_LINE,
  FAILURE_WORDS,
  FILE_EXTENSION,
  FILE_NAME,
  JAPANESE_CHAR,
  mayHaveErrorLine,
  mayHaveStackTrace,
  RISK_WORDS,
  SCOPE_WORDS,
  SMALL_WORDS,
  STACK_TRACE,
} from './lexicon.js';
import { headOf, promptShape, type PromptShape } from './features.js';
import { builtCueNeeds } from './cue-needs.js';
import { LiteralFilter } from './literal-filter.js';
import { tokens as fmtTokens } from './format.js';
import type { Classification, SessionFacts } from './types.js';

/** A pasted prompt this long is reading work whatever it asks (≈ 8K tokens). */
export const LONG_PROMPT_CHARS = 32_000;
const TRACE_LINES = /^\s+at .*$|^\s*File ".*$/gm;

const BASE_COMPLEXITY: Record<TaskType, number> = {
  architecture: 4,
  debug: 3,
  refactor: 3,
  implement: 3,
  bugfix: 2,
  test: 2,
  review: 2,
  docs: 2,
  'quick-fix': 1,
  research: 2,
  'long-context': 3,
  chat: 1,
};

/**
 * On a tie the type that needs the stronger tier wins: under-powering a turn costs a redo,
 * over-powering it only the price difference.
 */
const TIE_ORDER: readonly TaskType[] = [...TASK_TYPES].sort(
  (a, b) => DEFAULT_ROUTING_TABLE[a] - DEFAULT_ROUTING_TABLE[b],
);

export interface ClassifyOptions {
  /** Conversations above this many tokens are long-context turns (routing.longContextThreshold). */
  longContextThreshold?: number;
}

/**
 * The session rule over any classifier: a conversation above `longContextThreshold` makes the
 * turn a long-context one whatever it asks. Returns the signal to show, or undefined.
 */
export function longConversationSignal(
  facts: SessionFacts,
  options: ClassifyOptions,
): string | undefined {
  const threshold = options.longContextThreshold;
  const conversation = facts.conversationTokens ?? 0;
  return threshold !== undefined && conversation > threshold
    ? `conversation:${fmtTokens(conversation)}>${fmtTokens(threshold)}`
    : undefined;
}

/**
 * The part of a prompt the cues scan: its head and its tail, where a request says what it wants
 * (the middle of a long prompt is the pasted log, diff or spec). Every cue is a regex over this
 * text, so its length is most of a classification's cost; the trained model still reads all the
 * words. Training reads the cues through this same cut: the corpus's few prompts with a whole
 * pasted diff (up to 3.4K characters) are seen as the router sees them at run time.
 */
export function cueText(prompt: string): string {
  return headOf(prompt, CUE_HEAD, CUE_TAIL);
}
const CUE_HEAD = 800;
const CUE_TAIL = 200;

/**
 * The cues' prefilter, built on first use. Parsing the 140 patterns costs about what compiling
 * them for a first scan does (~13 ms), so the built bundles carry the parse's result
 * (cue-needs.ts) and a one-shot `kirikae route` pays neither; every later classification
 * saves ~0.1 ms.
 */
function cueFilter(): LiteralFilter {
  return (builtFilter ??= new LiteralFilter(
    CUES.map((c) => c.re),
    builtCueNeeds(),
  ));
}
let builtFilter: LiteralFilter | undefined;

function clampComplexity(n: number): Complexity {
  return Math.min(5, Math.max(1, Math.round(n))) as Complexity;
}

/**
 * Classifies a turn from its prompt and session facts, with rules only (no model call, well
 * under a millisecond): task type, complexity 1–5, confidence and the signals behind them.
 * English and Japanese prompts. The trained classifier reads its verdict as features and
 * falls back to it when the weights cannot be used.
 */
export function classifyRules(
  prompt: string,
  facts: SessionFacts = {},
  options: ClassifyOptions = {},
  /** The prompt's shape when the caller has it already (the trained classifier does). */
  shape?: PromptShape,
): Classification {
  const scores = new Map<TaskType, number>();
  const signals: string[] = [];
  const bump = (type: TaskType, weight: number) =>
    scores.set(type, (scores.get(type) ?? 0) + weight);
  const text = cueText(prompt);

  const japanese = JAPANESE_CHAR.test(text);
  const filter = cueFilter();
  filter.scan(text);
  for (let i = 0; i < CUES.length; i++) {
    const cue = CUES[i]!;
    if (cue.needsJapanese && !japanese) continue;
    if (!filter.mayMatch(i)) continue;
    if (cue.re.test(text)) {
      bump(cue.type, cue.weight);
      if (!signals.includes(cue.signal)) signals.push(cue.signal);
    }
  }

  const failureWords = FAILURE_WORDS.test(text);
  // "Why does React use a virtual DOM?" is a question, not a bug hunt.
  if (signals.some((s) => s === 'en:why' || s === 'ja:なぜ') && !failureWords) {
    bump('debug', -2);
    bump('research', 1);
    bump('chat', 1);
  }

  const stackTrace = facts.hasStackTrace || (mayHaveStackTrace(prompt) && STACK_TRACE.test(prompt));
  if (stackTrace) {
    bump('debug', 4);
    bump('bugfix', 1);
    signals.push('stack-trace');
  } else if (mayHaveErrorLine(prompt) && ERROR_LINE.test(prompt)) {
    bump('bugfix', 2);
    bump('debug', 1);
    signals.push('error-message');
  }

  const files = new Set(facts.filesNamed ?? []);
  if (FILE_EXTENSION.test(prompt))
    for (const match of prompt.matchAll(FILE_NAME)) files.add(match[1]!);
  if (files.size) signals.push(`files:${files.size}`);

  // Only lines under a diff header count: a markdown list is not a diff.
  const diffLines = facts.diffLines ?? (shape ?? promptShape(prompt)).diffLines;
  if (diffLines > 0) signals.push(`diff:${diffLines}`);
  if (diffLines >= 5 && facts.diffLines === undefined) bump('review', 1);

  if (prompt.length > LONG_PROMPT_CHARS) {
    bump('long-context', 5);
    signals.push(`long-prompt:${Math.round(prompt.length / 1000)}K chars`);
  }

  if (facts.followUpOfFailure) {
    signals.push('follow-up-of-failure');
    if (facts.previousTaskType) bump(facts.previousTaskType, 2);
  }

  let taskType: TaskType;
  let confidence: number;
  const ranked = TIE_ORDER.map((type) => ({ type, score: scores.get(type) ?? 0 })).sort(
    (a, b) => b.score - a.score,
  );
  const top = ranked[0]!;
  const second = ranked[1]!;
  if (top.score <= 0) {
    // Nothing matched: a short line is conversation, a longer one is probably a request to
    // build something; a vague follow-up ("ok do it", 「続けて」) continues the previous task. A
    // longer request without a cue, or one naming code, is a request of its own (the lexicon has
    // gaps: "replace the deprecated trimRight() with trimEnd()" has no cue).
    const trimmed = prompt.trim();
    const words = trimmed.split(/\s+/).filter(Boolean).length;
    const cjk = /[\u3040-\u30ff\u3400-\u9fff]/.test(trimmed);
    const codeLike = /[()`[\]{}:_/=<>]/.test(trimmed);
    const vague = words <= 7 && !codeLike && trimmed.length <= (cjk ? 12 : 40);
    const continues = vague ? facts.previousTaskType : undefined;
    taskType = continues ?? (words <= 6 && prompt.length < 40 ? 'chat' : 'implement');
    confidence = continues ? 0.45 : 0.25;
    signals.push(continues ? 'continues-previous' : 'no-cue');
  } else {
    taskType = top.type;
    // Clear winner × enough evidence: one weak verb ("add") is not a classification.
    const margin = 1 - (0.8 * Math.max(0, second.score)) / top.score;
    confidence = margin * Math.min(1, (top.score + 2) / 8);
  }
  confidence = Math.min(0.95, Math.max(0.2, confidence));

  let complexity = BASE_COMPLEXITY[taskType];
  if (files.size >= 3) complexity++;
  if (files.size >= 8) complexity++;
  if (diffLines > 200) complexity++;
  if (diffLines > 1000) complexity++;
  // Paths inside a stack trace (src/auth/…) say nothing about the size of the job.
  const prose = text.replace(TRACE_LINES, '');
  if (SCOPE_WORDS.test(prose)) {
    complexity++;
    signals.push('scope:wide');
  }
  if (RISK_WORDS.test(prose)) {
    complexity++;
    signals.push('risk');
  }
  if (stackTrace && (taskType === 'debug' || taskType === 'bugfix')) complexity += 0.5;
  if (facts.followUpOfFailure) complexity++;
  if (SMALL_WORDS.test(prose) && taskType !== 'architecture') {
    complexity--;
    signals.push('small');
  }
  if (prompt.length > 1500 && prompt.length <= LONG_PROMPT_CHARS) complexity += 0.5;

  const longConversation = longConversationSignal(facts, options);
  if (longConversation) signals.push(longConversation);

  return {
    taskType: longConversation ? 'long-context' : taskType,
    baseTaskType: taskType,
    complexity: clampComplexity(complexity),
    confidence: Math.round(confidence * 100) / 100,
    signals,
    source: 'rules',
  };
}
