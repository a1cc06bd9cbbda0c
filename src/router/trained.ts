import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import { allowedTiers, decide, type HeadProbabilities, type Strategy } from './decide.js';
import { featurize, promptShape, type FeatureVector } from './features.js';
import {
  encodeFused,
  fuseHeads,
  loadFused,
  loadHead,
  predict,
  predictFused,
  type FusedHeads,
  type LinearHead,
  type StoredHead,
} from './linear.js';
import { classifyRules } from './rules.js';
import type { Classification, SessionFacts } from './types.js';
import { readWeightsFile } from './weights-file.js';
import stored from './weights/router.json' with { type: 'json' };

/** router.json as bundled: a JSON module's type is its literal shape, not the interface. */
const COMMITTED = stored as unknown as StoredModel;
const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
// zlib.crc32 is Node ≥ 20.15 and engines allows any 20: read off the module, so an older node
// checks the SHA-256 instead of failing to link a named import.
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/**
 * Whether `bytes` are the file the model was trained with. CRC-32 where node has it: ~0.5 ms
 * for the 1.5 MB against ~4 ms of SHA-256 on a cold start, and it catches damage on disk and a
 * file from another training alike (whoever could forge one could as well edit the bundle).
 */
function sameFile(bytes: Uint8Array, fused: NonNullable<StoredModel['fused']>): boolean {
  if (fused.crc32 !== undefined && zlibCrc32) return zlibCrc32(bytes) === fused.crc32;
  return sha256Hex(bytes) === fused.sha256;
}

/** The committed model file (written by scripts/train-router.ts). */
export interface StoredModel {
  format: 1;
  dim: number;
  strategy: Strategy;
  /** Maps the strategy's probability to P(tier acceptable): sigmoid(a·logit(p) + b). */
  calibration: { a: number; b: number };
  heads: {
    taskType: StoredHead<TaskType>;
    complexity: StoredHead<number>;
    tier: StoredHead<number>;
    /** Classes index ACCEPTABLE_SETS (decide.ts); absent in older weights. */
    set?: StoredHead<number>;
  };
  /**
   * The heads' rows interleaved (fuseHeads, in the heads' order above), in a binary file beside
   * this one (encodeFused's layout); then no head has `weights` of its own.
   */
  fused?: { file: string; rows: number; bytes: number; sha256: string; crc32?: number };
  trainedOn: {
    examples: number;
    overrides: number;
    /** The model classifier's logged answers (`--with-agreement`); absent when none. */
    modelAnswers?: number;
    corpus: string;
    at: string;
  };
}

export interface Model {
  dim: number;
  strategy: Strategy;
  calibration: { a: number; b: number };
  taskType: LinearHead<TaskType>;
  complexity: LinearHead<number>;
  tier: LinearHead<number>;
  set?: LinearHead<number>;
  /** The heads above interleaved for inference (`taskType, complexity, tier[, set]`). */
  fused?: FusedHeads;
}

/**
 * Decodes a stored model; `readFile` reads its binary file of fused rows (the committed one's
 * sits beside it, or in `dist/` once built).
 */
export function loadModel(
  model: StoredModel,
  readFile: (name: string) => Uint8Array = readWeightsFile,
): Model {
  if (model.fused !== undefined) {
    const { taskType, complexity, tier, set } = model.heads;
    const { file, bytes: length, rows } = model.fused;
    const bytes = readFile(file);
    if (bytes.length !== length) {
      throw new Error(
        `router weights: ${file} has ${bytes.length} bytes, the model says ${length}`,
      );
    }
    // A file of the right size from another training, or damaged on disk, would load and route
    // wrongly without a word.
    if (!sameFile(bytes, model.fused)) {
      throw new Error(`router weights: ${file} is not the file router.json was trained with`);
    }
    const fused = loadFused(
      set ? [taskType, complexity, tier, set] : [taskType, complexity, tier],
      bytes,
      model.dim,
    );
    if (fused.weights.length !== rows * fused.width) {
      throw new Error(`router weights: ${file} holds other rows than the ${rows} of the model`);
    }
    const [t, c, r, s] = fused.heads;
    return {
      dim: model.dim,
      strategy: model.strategy,
      calibration: model.calibration,
      taskType: t as LinearHead<TaskType>,
      complexity: c as LinearHead<number>,
      tier: r as LinearHead<number>,
      ...(s ? { set: s as LinearHead<number> } : {}),
      fused,
    };
  }
  const taskType = loadHead(model.heads.taskType, model.dim);
  const complexity = loadHead(model.heads.complexity, model.dim);
  const tier = loadHead(model.heads.tier, model.dim);
  const set = model.heads.set ? loadHead(model.heads.set, model.dim) : undefined;
  const fused = fuseHeads(set ? [taskType, complexity, tier, set] : [taskType, complexity, tier]);
  return {
    dim: model.dim,
    strategy: model.strategy,
    calibration: model.calibration,
    taskType,
    complexity,
    tier,
    ...(set ? { set } : {}),
    ...(fused ? { fused } : {}),
  };
}

/**
 * The same model with its heads' rows stored fused (what train-router writes): the model file,
 * and the bytes of the binary file `file` it names.
 */
export function fuseStoredModel(
  model: StoredModel,
  file = 'router.bin',
): { model: StoredModel; bytes: Uint8Array } {
  if (model.fused !== undefined) throw new Error('router weights: the heads are fused already');
  const loaded = loadModel(model);
  const { taskType, complexity, tier, set } = model.heads;
  const bare = <H extends StoredHead>({ weights: _weights, ...head }: H) => head as H;
  // loadModel fused the int8 heads already (a stored head is always int8).
  const { bytes, rows } = encodeFused(loaded.fused!, model.dim);
  return {
    model: {
      ...model,
      heads: {
        taskType: bare(taskType),
        complexity: bare(complexity),
        tier: bare(tier),
        ...(set ? { set: bare(set) } : {}),
      },
      fused: {
        file,
        rows,
        bytes: bytes.length,
        sha256: sha256Hex(bytes),
        ...(zlibCrc32 ? { crc32: zlibCrc32(bytes) } : {}),
      },
    },
    bytes,
  };
}

/**
 * The committed model's hashing width, from its JSON alone (bundled, so always there): what an
 * override label's features are hashed into even when the binary weights cannot be read.
 */
export function committedDim(): number {
  return COMMITTED.dim;
}

let committed: Model | undefined;
/** The committed weights, decoded on first use (a few ms, once). */
export function committedModel(): Model {
  committed ??= loadModel(COMMITTED);
  return committed;
}

export type WeightsStatus =
  { usable: true; dim: number; examples: number; at: string } | { usable: false; error: string };

/**
 * Whether the committed weights load (`kirikae doctor`): without them every turn is routed by
 * the hand-written rules, which the card shows only as its `rules` source.
 */
export function committedWeightsStatus(load: () => Model = committedModel): WeightsStatus {
  try {
    const { dim } = load();
    const { trainedOn } = COMMITTED;
    return { usable: true, dim, examples: trainedOn.examples, at: trainedOn.at };
  } catch (e) {
    return { usable: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Rule signals that carry knowledge rather than counts (the shape features count). */
const COUNT_SIGNAL = /^(files|diff|long-prompt|conversation):/;

/**
 * The features of a turn: the prompt's words and shape, plus the rule classifier's verdict and
 * cues. Training and inference both call this, so they cannot drift apart.
 */
export function turnFeatures(
  prompt: string,
  facts: SessionFacts,
  dim: number,
): { x: FeatureVector; rules: Classification } {
  const { conversationTokens: _ignored, ...promptFacts } = facts;
  // A turn asks twice — the classification, then the user's past choices — for one prompt.
  const key = JSON.stringify(promptFacts);
  if (last?.prompt === prompt && last.dim === dim && last.key === key) return last.result;
  const result = featuresOf(prompt, promptFacts, dim);
  last = { prompt, dim, key, result };
  return result;
}
let last:
  { prompt: string; dim: number; key: string; result: ReturnType<typeof turnFeatures> } | undefined;

/**
 * turnFeatures without its one-entry memo, for features of other prompts than the turn's (old
 * override labels), which would otherwise evict the turn's.
 */
export function featuresOf(
  prompt: string,
  promptFacts: SessionFacts,
  dim: number,
): { x: FeatureVector; rules: Classification } {
  const shape = promptShape(prompt);
  const rules = classifyRules(prompt, promptFacts, {}, shape);
  const ruleSignals = [
    `rule:${rules.baseTaskType}`,
    `rule:${rules.baseTaskType}:${rules.complexity}`,
    ...rules.signals.filter((s) => !COUNT_SIGNAL.test(s)),
  ];
  return { x: featurize(prompt, dim, promptFacts, ruleSignals, shape), rules };
}

export function headProbabilities(model: Model, x: FeatureVector): HeadProbabilities {
  // Only when the fused rows are these heads' (a model copied with a head replaced is not).
  const f = model.fused;
  if (
    f &&
    f.heads[0] === model.taskType &&
    f.heads[1] === model.complexity &&
    f.heads[2] === model.tier &&
    f.heads[3] === model.set
  ) {
    const [taskType, complexity, tier, set] = predictFused(f, x);
    return { taskType: taskType!, complexity: complexity!, tier: tier!, ...(set ? { set } : {}) };
  }
  return {
    taskType: predict(model.taskType, x),
    complexity: predict(model.complexity, x),
    tier: predict(model.tier, x),
    ...(model.set ? { set: predict(model.set, x) } : {}),
  };
}

export function calibrated(p: number, calibration: { a: number; b: number }): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return 1 / (1 + Math.exp(-(calibration.a * Math.log(q / (1 - q)) + calibration.b)));
}

/** A trained classification: the route's tier and every head's view, for logging. */
export interface TrainedVerdict {
  tier: Tier;
  taskType: TaskType;
  complexity: Classification['complexity'];
  confidence: number;
  probabilities: HeadProbabilities;
  rules: Classification;
}

/** Classifies a prompt with a model (the committed one by default). Pure; well under 1 ms. */
export function classifyTrained(
  prompt: string,
  facts: SessionFacts = {},
  model: Model = committedModel(),
): TrainedVerdict {
  const { x, rules } = turnFeatures(prompt, facts, model.dim);
  const probabilities = headProbabilities(model, x);
  const d = decide(probabilities, model.strategy, undefined, allowedTiers(rules));
  if (!Number.isFinite(d.p)) throw new Error('router weights gave no probability');
  return {
    tier: d.tier,
    taskType: d.taskType,
    complexity: d.complexity,
    confidence: calibrated(d.p, model.calibration),
    probabilities,
    rules,
  };
}
