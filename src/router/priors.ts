import type { ModelRef } from '../core/model-ref.js';
import type { Complexity, TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';

/**
 * Built-in probability that one turn of a task type succeeds on a tier, before any outcome is
 * known. The shape follows the tier plan: frontier models hold up on architecture and hard
 * debugging where local models often fail; on docs, quick fixes and chat every tier does well.
 * Real outcomes (calibration.ts) pull these towards what this user actually sees.
 */
export const DEFAULT_SUCCESS_PRIORS: Record<TaskType, Record<Tier, number>> = {
  //              frontier standard efficient local budget
  architecture: { 0: 0.85, 1: 0.7, 2: 0.45, 3: 0.25, 4: 0.45 },
  debug: { 0: 0.8, 1: 0.7, 2: 0.45, 3: 0.3, 4: 0.45 },
  refactor: { 0: 0.88, 1: 0.82, 2: 0.6, 3: 0.4, 4: 0.6 },
  implement: { 0: 0.9, 1: 0.85, 2: 0.65, 3: 0.45, 4: 0.65 },
  bugfix: { 0: 0.9, 1: 0.85, 2: 0.65, 3: 0.45, 4: 0.65 },
  test: { 0: 0.92, 1: 0.88, 2: 0.72, 3: 0.55, 4: 0.7 },
  review: { 0: 0.92, 1: 0.9, 2: 0.8, 3: 0.7, 4: 0.78 },
  docs: { 0: 0.95, 1: 0.94, 2: 0.9, 3: 0.75, 4: 0.85 },
  'quick-fix': { 0: 0.97, 1: 0.96, 2: 0.93, 3: 0.85, 4: 0.9 },
  research: { 0: 0.9, 1: 0.85, 2: 0.75, 3: 0.55, 4: 0.8 },
  'long-context': { 0: 0.9, 1: 0.88, 2: 0.8, 3: 0.4, 4: 0.7 },
  chat: { 0: 0.97, 1: 0.96, 2: 0.94, 3: 0.88, 4: 0.92 },
};

/**
 * How much harder each complexity step above 3 makes a tier fail, in log-odds. Weak tiers lose
 * more per step: a 5-file risky change hurts a local 30B model more than Opus.
 */
const COMPLEXITY_SLOPE: Record<Tier, number> = { 0: 0.25, 1: 0.4, 2: 0.6, 3: 0.8, 4: 0.6 };

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Adjusts a success rate measured at complexity 3 for the complexity of this turn. */
export function adjustForComplexity(p: number, tier: Tier, complexity: Complexity): number {
  const clamped = Math.min(0.995, Math.max(0.005, p));
  return sigmoid(logit(clamped) - (complexity - 3) * COMPLEXITY_SLOPE[tier]);
}

/** Output tokens of one call, p50 and p90, per task type, before the ledger has any. */
export const DEFAULT_OUTPUT_TOKENS: Record<TaskType, { p50: number; p90: number }> = {
  architecture: { p50: 2500, p90: 6000 },
  refactor: { p50: 2500, p90: 7000 },
  implement: { p50: 2000, p90: 5000 },
  bugfix: { p50: 1000, p90: 3000 },
  debug: { p50: 1200, p90: 3500 },
  test: { p50: 1800, p90: 4500 },
  review: { p50: 900, p90: 2500 },
  docs: { p50: 900, p90: 2500 },
  'quick-fix': { p50: 250, p90: 800 },
  research: { p50: 1200, p90: 3000 },
  'long-context': { p50: 1000, p90: 3000 },
  chat: { p50: 300, p90: 1000 },
};

/** Bigger tasks write more. */
export const COMPLEXITY_OUTPUT_FACTOR: Record<Complexity, number> = {
  1: 0.6,
  2: 0.8,
  3: 1,
  4: 1.3,
  5: 1.7,
};

/**
 * Model family, for per-family token corrections: tokenizers differ by vendor, not by model.
 */
export function modelFamily(ref: ModelRef): string {
  const id = ref.model.toLowerCase();
  if (id.includes('claude')) return 'claude';
  if (/gpt-oss/.test(id)) return 'gpt-oss';
  if (/(^|\/)(gpt|o\d|codex)/.test(id)) return 'openai';
  if (id.includes('gemini')) return 'gemini';
  if (id.includes('deepseek')) return 'deepseek';
  if (id.includes('qwen')) return 'qwen';
  if (id.includes('glm')) return 'glm';
  if (id.includes('llama')) return 'llama';
  if (ref.provider === 'openai') return 'openai';
  return id.split(/[/:-]/)[0] || ref.provider;
}

/**
 * Real input tokens per o200k token, before any CallRecord says otherwise. Claude's tokenizer
 * makes more tokens of code than o200k; the others are close.
 */
export const DEFAULT_INPUT_RATIO: Record<string, number> = {
  claude: 1.15,
  openai: 1,
  'gpt-oss': 1,
  gemini: 1.05,
  deepseek: 1.05,
  qwen: 1.05,
  glm: 1.05,
  llama: 1.1,
};

/**
 * Reasoning models bill their hidden thinking as output. Multiplies the output estimate until
 * the ledger has real figures for the family.
 */
export const DEFAULT_OUTPUT_RATIO: Record<string, number> = { openai: 1.8 };

/** Generation speed, output tokens per second, before measurements. */
export function defaultDecodeTokPerSec(ref: ModelRef): number {
  const id = ref.model.toLowerCase();
  if (ref.provider === 'ollama') return /\b(7|8|14)b/.test(id) ? 60 : 35;
  if (id.includes('opus')) return 40;
  if (id.includes('sonnet')) return 60;
  if (id.includes('haiku')) return 120;
  if (id.includes('flash')) return 180;
  if (id.includes('deepseek')) return 30;
  if (id.includes('gpt-oss')) return 80;
  return 60;
}

/** Prompt processing, input tokens per second. Local prefill on a Mac is the slow part. */
export function defaultPrefillTokPerSec(ref: ModelRef): number {
  return ref.provider === 'ollama' ? 500 : 8000;
}

/** Time to first token, seconds, on top of prefill. */
export function defaultLatencySeconds(ref: ModelRef): number {
  if (ref.provider === 'ollama') return 0.2;
  return modelFamily(ref) === 'openai' ? 2 : 1;
}
