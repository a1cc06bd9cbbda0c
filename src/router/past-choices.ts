import type { Tier } from '../core/tier.js';
import type { FeatureVector } from './features.js';
import { FEATURE_VERSION, promptHashOf, type OverrideLabel } from './overrides.js';
import { committedDim, featuresOf, turnFeatures } from './trained.js';
import type { SessionFacts } from './types.js';

/**
 * The user's own past choice for a prompt like this one (issue 14, "learning from overrides"):
 * every override is a label line in `<dataDir>/router/overrides.jsonl`; a prompt the user has
 * already sent to a tier of their choosing, or one near-identical to it, goes there again. Only
 * near-identical prompts: the trained model generalises, this remembers.
 */
export interface PastChoice {
  tier: Tier;
  /** How many remembered prompts like this one went to `tier`. */
  count: number;
  /** The most recent of them (its text, or its hash when the user keeps prompts out). */
  example: string;
}

export interface PastChoiceOptions {
  /** Feature cosine at or above which two prompts count as near-identical. */
  threshold?: number;
  /** Only the latest labels are searched (the scan stays well under a millisecond). */
  window?: number;
}

/**
 * 0.9: rewordings of one request ("fix the typo in the README" / "fix the typo in README")
 * score 0.9–1, two different requests of one kind ("fix the typo in the README" / "fix the
 * typo in the changelog") well below (test/router/past-choices.test.ts).
 */
export const PAST_CHOICE_COSINE = 0.9;
export const PAST_CHOICE_WINDOW = 500;

interface Prepared {
  labels: OverrideLabel[];
  norms: Float64Array;
  /**
   * The labels' vectors by slot (an inverted index): the labels holding slot `s` are
   * `entry[start[s]..start[s + 1])`, with their values. A prompt's dot product with every label
   * then costs the postings of its own slots, not a pass over every label's vector: most slots
   * are one word's, held by a few labels. With 500 labels, route() paid 0.5 ms more at p50
   * with the pass, nothing measurable with the index (unrelated 2 KB prompts), and 1.6 ms
   * against 0.6 ms for prompts made of the labels' own texts (the worst case).
   */
  start: Int32Array;
  entry: Int32Array;
  value: Float64Array;
}

/** Norms and postings, once per labels array (the source returns the same one until it changes). */
const prepared = new WeakMap<readonly OverrideLabel[], Map<string, Prepared>>();

function prepare(labels: readonly OverrideLabel[], dim: number, window: number): Prepared {
  let byKey = prepared.get(labels);
  if (!byKey) prepared.set(labels, (byKey = new Map()));
  const key = `${dim}|${window}`;
  let out = byKey.get(key);
  if (out) return out;
  // A user who overrode the same prompt twice meant the second: keep the latest per hash.
  const latest = new Map<string, OverrideLabel>();
  for (const l of labels.slice(-window)) {
    latest.delete(l.promptHash);
    latest.set(l.promptHash, l);
  }
  const kept = [...latest.values()];
  const vectors = kept.map((label) => {
    const f = label.features;
    const usable =
      f.version === FEATURE_VERSION && f.dim === dim && f.index.length === f.value.length;
    if (usable) return f;
    return label.text !== undefined ? refeaturized(label.text, dim) : { index: [], value: [] };
  });
  const norms = new Float64Array(kept.length);
  const start = new Int32Array(dim + 1);
  vectors.forEach((v, e) => {
    let norm = 0;
    for (let i = 0; i < v.index.length; i++) {
      norm += v.value[i]! ** 2;
      start[v.index[i]! + 1]!++;
    }
    norms[e] = Math.sqrt(norm);
  });
  for (let slot = 0; slot < dim; slot++) start[slot + 1]! += start[slot]!;
  const fill = start.slice(0, dim);
  const entry = new Int32Array(start[dim]!);
  const value = new Float64Array(start[dim]!);
  vectors.forEach((v, e) => {
    for (let i = 0; i < v.index.length; i++) {
      const at = fill[v.index[i]!]!++;
      entry[at] = e;
      value[at] = v.value[i]!;
    }
  });
  out = { labels: kept, norms, start, entry, value };
  byKey.set(key, out);
  return out;
}

/**
 * A label stored by another version of the features or model width (a retrain changed what a
 * slot means) is featurized again from its text, once per process: the user's past choices
 * survive an upgrade, for a one-time cost on the first turn after it (~85 ms for 500 labels).
 * The session facts of the original turn are not stored, so the vector is the prompt's alone; a
 * label kept without its text is found by its hash only.
 */
function refeaturized(text: string, dim: number): { index: number[]; value: number[] } {
  const key = `${dim}\n${text}`;
  let v = refeaturizedCache.get(key);
  if (!v) {
    if (refeaturizedCache.size >= 2 * PAST_CHOICE_WINDOW) refeaturizedCache.clear();
    const { x } = featuresOf(text, {}, dim);
    v = { index: Array.from(x.index), value: Array.from(x.value) };
    refeaturizedCache.set(key, v);
  }
  return v;
}
const refeaturizedCache = new Map<string, { index: number[]; value: number[] }>();

let dense: Float64Array | undefined;
let dots = new Float64Array(0);

/**
 * The tier the user chose for prompts like `prompt`: the same prompt (by hash), or one whose
 * feature vector has cosine ≥ threshold with `x`. When remembered prompts went to different
 * tiers, the tier most of them went to wins, the most recent on a tie. Pure; the postings of
 * the prompt's slots in the window's inverted index (prepare).
 */
export function findPastChoice(
  labels: readonly OverrideLabel[],
  prompt: string,
  x: FeatureVector,
  dim: number,
  options: PastChoiceOptions = {},
): PastChoice | undefined {
  if (!labels.length) return undefined;
  const threshold = options.threshold ?? PAST_CHOICE_COSINE;
  const p = prepare(labels, dim, options.window ?? PAST_CHOICE_WINDOW);
  const promptHash = promptHashOf(prompt);

  // The prompt's vector, its repeated slots summed; then each distinct slot's postings once.
  if (dense?.length !== dim) dense = new Float64Array(dim);
  if (dots.length < p.labels.length) dots = new Float64Array(p.labels.length);
  dots.fill(0, 0, p.labels.length);
  for (let i = 0; i < x.index.length; i++) dense[x.index[i]!]! += x.value[i]!;
  let norm = 0;
  for (let i = 0; i < x.index.length; i++) {
    const slot = x.index[i]!;
    const v = dense[slot]!;
    if (v === 0) continue;
    norm += v * v;
    for (let k = p.start[slot]!; k < p.start[slot + 1]!; k++) dots[p.entry[k]!]! += p.value[k]! * v;
    dense[slot] = 0;
  }
  norm = Math.sqrt(norm);

  const matches: OverrideLabel[] = [];
  p.labels.forEach((label, e) => {
    if (label.promptHash === promptHash) matches.push(label);
    else if (norm && p.norms[e]! && dots[e]! / (p.norms[e]! * norm) >= threshold)
      matches.push(label);
  });
  if (!matches.length) return undefined;

  // Latest first, so the first tier to reach the top count is the most recent one.
  matches.reverse();
  const counts = new Map<Tier, number>();
  for (const m of matches) counts.set(m.tier, (counts.get(m.tier) ?? 0) + 1);
  let best = matches[0]!.tier;
  for (const m of matches) if (counts.get(m.tier)! > counts.get(best)!) best = m.tier;
  const example = matches.find((m) => m.tier === best)!;
  return { tier: best, count: counts.get(best)!, example: example.text ?? example.promptHash };
}

/** The route card's reason line. */
export function pastChoiceReason(p: Pick<PastChoice, 'tier' | 'count'>, tierName: string): string {
  const times =
    p.count === 1
      ? 'once you sent a prompt like this'
      : `${p.count} times you sent prompts like this`;
  return `follows your past choices: ${times} to tier ${p.tier} (${tierName})`;
}

/**
 * findPastChoice() for a turn as route() sees it: the prompt's features as the committed model
 * extracts them (the same call overrideLine() makes, memoised, so the classification's pass is
 * reused).
 */
export function pastChoiceFor(
  labels: readonly OverrideLabel[],
  prompt: string,
  facts: SessionFacts = {},
  options: PastChoiceOptions = {},
): PastChoice | undefined {
  if (!labels.length) return undefined;
  // The width comes from the model's JSON: the features need no weights, so past choices are
  // found even while the rules route (a missing router.bin).
  const dim = committedDim();
  return findPastChoice(labels, prompt, turnFeatures(prompt, facts, dim).x, dim, options);
}
