import type { FeatureVector } from '../../src/router/features.js';
import { activate, logits, sigmoid, softmax, type LinearHead } from '../../src/router/linear.js';

/**
 * Multinomial logistic regression, in plain TypeScript: a few thousand examples × a few hundred
 * active slots train in about a second, so no library is worth its weight. Each label is a SET of
 * acceptable classes (a prompt may be fine on tier 3 or 2); the loss is −log Σ_{k∈A} p_k, which is
 * ordinary cross-entropy when the set has one member.
 */
export interface FitOptions {
  dim: number;
  /** L2 penalty on the weights (not the biases), per example. */
  l2: number;
  epochs: number;
  learningRate: number;
  /** Weigh examples so each class counts as much as the others (by inverse frequency). */
  balance: boolean;
  /** The tier head: `sigmoid` learns "is tier t acceptable?" per tier; `softmax`, one tier. */
  tierLink: 'softmax' | 'sigmoid';
  /** Weight of a Japanese example relative to an English one (the smaller language). */
  jaWeight: number;
}

/**
 * 65,536 slots: at 8,192 the corpus's ~53,000 distinct features shared a slot with six others,
 * and the nested CV gained 1.9 points (Japanese 2.6) with 8× the slots. The penalty rose with
 * them (1e-4 → 3e-4): the plain CV is the same either way (84.1 / 84.3 %), and the held-out
 * hand-written prompts route 63/81 against 61/81 (docs/router.md, "65,536 slots"). 3e-5 since
 * 1 Dec 2026: the nested CV's inner folds chose it in 9 of 10 outer folds (two fold seeds, 1,963
 * prompts), so the shipped weights now come from the procedure the quoted figure measures; plain
 * CV 85.8 % against 85.7 %, local recall 65.2 % against 62.1 % (docs/router.md, "L2 3e-5").
 */
export const DEFAULT_FIT: FitOptions = {
  dim: 1 << 16,
  l2: 3e-5,
  epochs: 120,
  learningRate: 0.05,
  balance: true,
  tierLink: 'sigmoid',
  jaWeight: 1,
};

/** Labels: indices of the acceptable classes, or undefined when the example has no label for this head. */
export type SetLabel = readonly number[] | undefined;

function exampleWeights(labels: readonly SetLabel[], k: number, balance: boolean): Float64Array {
  const w = new Float64Array(labels.length);
  if (!balance) {
    labels.forEach((l, i) => (w[i] = l ? 1 : 0));
    return w;
  }
  const count = new Float64Array(k);
  let n = 0;
  for (const l of labels) {
    if (!l) continue;
    n++;
    for (const c of l) count[c]! += 1 / l.length;
  }
  labels.forEach((l, i) => {
    if (!l) return;
    let sum = 0;
    for (const c of l) sum += n / (k * Math.max(1, count[c]!));
    // Square root: full inverse frequency over-rewards a class seen five times.
    w[i] = Math.sqrt(sum / l.length);
  });
  return w;
}

/** Per-class logistic loss: each class is a yes/no; the gradient is σ(z) − y. */
function gradSigmoid(z: Float64Array, label: readonly number[]): Float64Array {
  const g = sigmoid(z);
  for (const c of label) g[c]! -= 1;
  return g;
}

/** The set-likelihood gradient with respect to the logits: p − p·1[A]/Σ_A p. */
function gradLogits(p: Float64Array, label: readonly number[]): Float64Array {
  let mass = 0;
  for (const c of label) mass += p[c]!;
  const g = Float64Array.from(p);
  for (const c of label) g[c]! -= p[c]! / Math.max(mass, 1e-12);
  return g;
}

export function fitHead<C extends string | number>(
  xs: readonly FeatureVector[],
  labels: readonly SetLabel[],
  classes: readonly C[],
  options: FitOptions = DEFAULT_FIT,
  link: 'softmax' | 'sigmoid' = 'softmax',
  /** Per-example weights on top of the class balance (e.g. by language). */
  sampleWeight?: readonly number[],
): LinearHead<C> {
  const k = classes.length;
  const { dim } = options;
  const head: LinearHead<C> = {
    classes,
    dim,
    weights: new Float32Array(dim * k),
    bias: new Float32Array(k),
    temperature: 1,
    link,
  };
  const sw = exampleWeights(labels, k, options.balance);
  if (sampleWeight) sw.forEach((w, i) => (sw[i] = w * sampleWeight[i]!));
  let total = 0;
  for (const w of sw) total += w;
  if (total === 0) return head;
  // Adam over the full batch: deterministic, and the data is small.
  const size = dim * k;
  const m = new Float64Array(size + k);
  const v = new Float64Array(size + k);
  const grad = new Float64Array(size + k);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    grad.fill(0);
    xs.forEach((x, i) => {
      const label = labels[i];
      if (!label || sw[i] === 0) return;
      const z = logits(head, x);
      const g = link === 'sigmoid' ? gradSigmoid(z, label) : gradLogits(softmax(z), label);
      const scale = sw[i]! / total;
      for (let j = 0; j < x.index.length; j++) {
        const row = x.index[j]! * k;
        const xv = x.value[j]! * scale;
        for (let c = 0; c < k; c++) grad[row + c]! += xv * g[c]!;
      }
      for (let c = 0; c < k; c++) grad[size + c]! += scale * g[c]!;
    });
    const lr = options.learningRate;
    const c1 = 1 - b1 ** epoch;
    const c2 = 1 - b2 ** epoch;
    for (let j = 0; j < size + k; j++) {
      const isBias = j >= size;
      const g = grad[j]! + (isBias ? 0 : options.l2 * head.weights[j]!);
      if (g === 0 && m[j] === 0) continue;
      m[j] = b1 * m[j]! + (1 - b1) * g;
      v[j] = b2 * v[j]! + (1 - b2) * g * g;
      const step = (lr * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + 1e-8);
      if (isBias) head.bias[j - size]! -= step;
      else head.weights[j]! -= step;
    }
  }
  return head;
}

/** Mean loss of held-out logits at a temperature: set likelihood, or per-class log loss. */
export function heldOutLoss(
  zs: readonly ArrayLike<number>[],
  labels: readonly SetLabel[],
  t: number,
  link: 'softmax' | 'sigmoid' = 'softmax',
): number {
  let loss = 0;
  let n = 0;
  zs.forEach((z, i) => {
    const label = labels[i];
    if (!label) return;
    const p = activate(link, z, t);
    if (link === 'sigmoid') {
      for (let c = 0; c < p.length; c++) {
        const q = label.includes(c) ? p[c]! : 1 - p[c]!;
        loss -= Math.log(Math.max(q, 1e-12));
      }
    } else {
      let mass = 0;
      for (const c of label) mass += p[c]!;
      loss -= Math.log(Math.max(mass, 1e-12));
    }
    n++;
  });
  return n ? loss / n : 0;
}

/** Temperature scaling (Guo et al. 2017): one scalar fitted on held-out logits. */
export function fitTemperature(
  zs: readonly ArrayLike<number>[],
  labels: readonly SetLabel[],
  link: 'softmax' | 'sigmoid' = 'softmax',
): number {
  let best = { t: 1, loss: heldOutLoss(zs, labels, 1, link) };
  for (let t = 0.25; t <= 6; t += 0.05) {
    const loss = heldOutLoss(zs, labels, t, link);
    if (loss < best.loss) best = { t, loss };
  }
  return Math.round(best.t * 100) / 100;
}

/**
 * Platt scaling of a probability to P(correct): sigmoid(a·logit(p) + b), fitted by Newton's
 * method on held-out (p, correct) pairs.
 */
export function fitPlatt(
  ps: readonly number[],
  correct: readonly boolean[],
): { a: number; b: number } {
  const xs = ps.map((p) => {
    const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
    return Math.log(q / (1 - q));
  });
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0,
      gb = 0,
      haa = 1e-6,
      hab = 0,
      hbb = 1e-6;
    xs.forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-(a * x + b)));
      const e = s - (correct[i] ? 1 : 0);
      const w = s * (1 - s);
      ga += e * x;
      gb += e;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a: Math.round(a * 1e4) / 1e4, b: Math.round(b * 1e4) / 1e4 };
}
