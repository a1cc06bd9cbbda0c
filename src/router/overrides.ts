import type { Complexity, TaskType } from '../core/task.js';
import { isTier, type Tier } from '../core/tier.js';
import { hash } from './features.js';
import { turnFeatures } from './trained.js';
import type { SessionFacts } from './types.js';

/**
 * A user's override (a 0–4 key or ←/→ on the route card) is a label: "for this prompt, this
 * tier". The session appends one line per override to `<dataDir>/router/overrides.jsonl`;
 * `tsx scripts/train-router.ts --with-overrides <file>` trains on them with the corpus.
 */
export const OVERRIDES_FILE = 'router/overrides.jsonl';

/** Bumped when features.ts changes what a slot means: stored vectors of another version are skipped. */
export const FEATURE_VERSION = 3;

export interface OverrideLabel {
  kind: 'override';
  at: string;
  /** FNV-1a of the prompt: finds repeats without reading the text. */
  promptHash: string;
  /** The prompt itself, so a retrain re-extracts features with the current code. Absent when the user keeps prompts out of the data dir. */
  text?: string;
  /** The hashed feature vector, for retraining without the text. */
  features: { version: number; dim: number; index: number[]; value: number[] };
  /** The tier the user chose: the one acceptable tier for this prompt. */
  tier: Tier;
  /** What the router proposed, so agreement can be measured. */
  proposedTier: Tier;
  taskType?: TaskType;
  complexity?: Complexity;
}

export interface OverrideInput {
  prompt: string;
  facts?: SessionFacts;
  tier: Tier;
  proposedTier: Tier;
  taskType?: TaskType;
  complexity?: Complexity;
  /** Keep the prompt text in the line (default true). */
  keepText?: boolean;
  dim: number;
  now?: Date;
}

/** FNV-1a of the prompt as stored in a label line. */
export function promptHashOf(prompt: string): string {
  return hash(prompt).toString(16).padStart(8, '0');
}

/** The label line for one override (no trailing newline). Pure: the caller appends it. */
export function overrideLine(input: OverrideInput): string {
  const { x } = turnFeatures(input.prompt, input.facts ?? {}, input.dim);
  const label: OverrideLabel = {
    kind: 'override',
    at: (input.now ?? new Date()).toISOString(),
    promptHash: promptHashOf(input.prompt),
    ...(input.keepText === false ? {} : { text: input.prompt }),
    features: {
      version: FEATURE_VERSION,
      dim: input.dim,
      index: Array.from(x.index),
      value: Array.from(x.value, (v) => Math.round(v * 1e4) / 1e4),
    },
    tier: input.tier,
    proposedTier: input.proposedTier,
    ...(input.taskType ? { taskType: input.taskType } : {}),
    ...(input.complexity ? { complexity: input.complexity } : {}),
  };
  return JSON.stringify(label);
}

/** Parses overrides.jsonl; a torn or foreign line is skipped, never fatal. */
export function parseOverrides(jsonl: string): OverrideLabel[] {
  const out: OverrideLabel[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<OverrideLabel>;
      if (
        v.kind === 'override' &&
        isTier(v.tier) &&
        v.features &&
        Array.isArray(v.features.index)
      ) {
        out.push(v as OverrideLabel);
      }
    } catch {
      // a torn last line after a crash
    }
  }
  return out;
}

/** The latest choice per prompt: a user who overrode the same prompt twice meant the second. */
export function latestPerPrompt(labels: readonly OverrideLabel[]): OverrideLabel[] {
  const byHash = new Map<string, OverrideLabel>();
  for (const l of labels) byHash.set(l.promptHash, l);
  return [...byHash.values()];
}
