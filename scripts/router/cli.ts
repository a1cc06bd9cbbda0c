import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/config/schema.js';
import { ASK_MODEL_BELOW } from '../../src/router/model-policy.js';
import { DEFAULT_FIT, type FitOptions } from './fit.js';

export interface RouterCliOptions {
  corpus?: string;
  overrides?: string;
  /** The session's model-classifier answers (agreement.jsonl), as training-only labels. */
  withAgreement?: string;
  withLabelled: boolean;
  folds: number;
  seed: number;
  fit: FitOptions;
  json: boolean;
  /** Also run the fully nested evaluation (scripts/router/nested.ts). */
  nested: boolean;
  /**
   * L2 penalties the nested run's inner CV chooses among (with `fit.l2`, tried first and kept on
   * a tie); empty = `fit.l2` only.
   */
  l2Grid: number[];
  errors: number;
  out?: string;
  /** eval-router: recorded model-classifier answers (scripts/ask-classifier.ts) to score. */
  modelAnswers?: string;
  /** The confidence below which the model is asked (eval-router, ask-classifier). */
  askBelow: number;
  /** ask-classifier: who answers, as routing.modelClassifier names it. */
  classifier: string;
  /** ask-classifier: how long one answer may take (ms). */
  timeoutMs: number;
  /** eval-router: the session's wait for an answer (ms); a slower recorded answer counts as none. */
  budgetMs: number;
  /** ask-classifier: ask about at most this many prompts. */
  limit: number;
}

/** Flags shared by train-router and eval-router. */
export function parseRouterArgs(argv: string[]): RouterCliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      corpus: { type: 'string' },
      'with-overrides': { type: 'string' },
      'with-agreement': { type: 'string' },
      'with-labelled': { type: 'boolean', default: false },
      folds: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      dim: { type: 'string' },
      epochs: { type: 'string' },
      l2: { type: 'string' },
      lr: { type: 'string' },
      'no-balance': { type: 'boolean', default: false },
      'tier-link': { type: 'string' },
      'ja-weight': { type: 'string' },
      json: { type: 'boolean', default: false },
      nested: { type: 'boolean', default: false },
      'l2-grid': { type: 'string' },
      errors: { type: 'string', default: '0' },
      out: { type: 'string' },
      'model-answers': { type: 'string' },
      'ask-below': { type: 'string' },
      classifier: { type: 'string', default: 'auto' },
      timeout: { type: 'string', default: '10000' },
      'budget-ms': { type: 'string' },
      limit: { type: 'string' },
    },
  });
  const num = (v: string | undefined, d: number) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) throw new Error(`not a number: ${v}`);
    return n;
  };
  return {
    corpus: values.corpus,
    overrides: values['with-overrides'],
    withAgreement: values['with-agreement'],
    withLabelled: values['with-labelled'],
    folds: num(values.folds, 5),
    seed: num(values.seed, 1),
    fit: {
      dim: num(values.dim, DEFAULT_FIT.dim),
      epochs: num(values.epochs, DEFAULT_FIT.epochs),
      l2: num(values.l2, DEFAULT_FIT.l2),
      learningRate: num(values.lr, DEFAULT_FIT.learningRate),
      balance: !values['no-balance'],
      jaWeight: num(values['ja-weight'], DEFAULT_FIT.jaWeight),
      tierLink: values['tier-link'] === 'softmax' ? 'softmax' : DEFAULT_FIT.tierLink,
    },
    json: values.json,
    nested: values.nested,
    l2Grid: (values['l2-grid'] ?? '').split(',').filter(Boolean).map(Number),
    errors: num(values.errors, 0),
    out: values.out,
    modelAnswers: values['model-answers'],
    askBelow: num(values['ask-below'], ASK_MODEL_BELOW),
    classifier: values.classifier,
    timeoutMs: num(values.timeout, 10_000),
    budgetMs: num(values['budget-ms'], defaultConfig().routing.classifierTimeoutMs),
    limit: num(values.limit, Infinity),
  };
}
