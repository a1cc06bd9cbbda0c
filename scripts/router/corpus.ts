import { existsSync, readFileSync } from 'node:fs';
import { isTaskType, type Complexity, type TaskType } from '../../src/core/task.js';
import { isTier, type Tier } from '../../src/core/tier.js';
import { parseOverrides, FEATURE_VERSION } from '../../src/router/overrides.js';
import type { SessionFacts } from '../../src/router/types.js';
import { LABELLED } from '../../test/router/labelled.js';

/** One labelled prompt, from the corpus, the hand-written test set or a user's override. */
export interface Example {
  id: string;
  text?: string;
  /** A stored feature vector (an override kept without its text). */
  features?: { index: number[]; value: number[]; dim: number };
  lang: 'en' | 'ja';
  taskType?: TaskType;
  complexity?: Complexity;
  /** Empty for a model classifier's answer: it names the task, not the tiers that would do. */
  acceptableTiers: Tier[];
  /** Examples of one group (one issue, one article) share a fold: no near-twin leaks across. */
  group: string;
  origin: 'corpus' | 'labelled' | 'override' | 'model';
  facts?: SessionFacts;
}

/**
 * A user's overrides and the model classifier's answers train every fold and are never scored:
 * the figures stay about the shared corpus.
 */
export function trainingOnly(e: Example): boolean {
  return e.origin === 'override' || e.origin === 'model';
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

/** Each non-blank line as an object, with its 0-based index; a line that is not JSON throws. */
function eachJsonLine(
  jsonl: string,
  file: string,
  visit: (v: Record<string, unknown>, i: number) => void,
): void {
  jsonl.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON`);
    }
    visit(v, i);
  });
}

export function parseCorpus(jsonl: string, file = 'corpus'): Example[] {
  const out: Example[] = [];
  eachJsonLine(jsonl, file, (v, i) => {
    const tiers = Array.isArray(v.acceptableTiers) ? v.acceptableTiers.filter(isTier) : [];
    if (typeof v.text !== 'string' || !isTaskType(v.taskType) || !tiers.length) {
      throw new Error(`${file}:${i + 1}: needs text, taskType and acceptableTiers`);
    }
    const cx = Number(v.complexity);
    out.push({
      id: String(v.id ?? `${file}:${i + 1}`),
      text: v.text,
      lang: v.lang === 'ja' || (v.lang !== 'en' && JAPANESE.test(v.text)) ? 'ja' : 'en',
      taskType: v.taskType,
      complexity: cx >= 1 && cx <= 5 ? (Math.round(cx) as Complexity) : undefined,
      acceptableTiers: tiers,
      // A source URL names the issue or article: every prompt drawn from it stays in one fold.
      group: typeof v.source === 'string' ? v.source.replace(/#.*$/, '') : String(v.id),
      origin: 'corpus',
    });
  });
  return out;
}

/**
 * The 85 hand-written prompts of test/router/labelled.ts (one tier each, no complexity). Those
 * that are long-context only because of the conversation are left out: the prompt alone does
 * not say it, a session rule does.
 */
export function labelledExamples(): Example[] {
  return LABELLED.filter((l) => !l.conversationTokens).map((l, i) => ({
    id: `labelled-${i}`,
    text: l.prompt,
    lang: JAPANESE.test(l.prompt) ? 'ja' : 'en',
    taskType: l.type,
    acceptableTiers: [l.tier],
    group: `labelled-${i}`,
    origin: 'labelled',
    ...(l.facts ? { facts: l.facts } : {}),
  }));
}

export function overrideExamples(jsonl: string): Example[] {
  return parseOverrides(jsonl).flatMap((o, i) => {
    const usable = o.text !== undefined || o.features.version === FEATURE_VERSION;
    if (!usable) return [];
    return [
      {
        id: `override-${o.promptHash}-${i}`,
        ...(o.text !== undefined
          ? { text: o.text }
          : {
              features: { index: o.features.index, value: o.features.value, dim: o.features.dim },
            }),
        lang: o.text && JAPANESE.test(o.text) ? ('ja' as const) : ('en' as const),
        taskType: o.taskType,
        complexity: o.complexity,
        acceptableTiers: [o.tier],
        group: `override-${o.promptHash}`,
        origin: 'override' as const,
      },
    ];
  });
}

/**
 * The model classifier's answers the session logged (`<dataDir>/router/agreement.jsonl`: the
 * prompt, the task type and complexity the model gave): labels for the task-type and
 * complexity heads on exactly the prompts the offline classifier was unsure about. They name no
 * acceptable tiers, so the tier and set heads and the tier table do not learn from them. The
 * latest answer per prompt counts.
 */
export function agreementExamples(jsonl: string, file = 'agreement'): Example[] {
  const latest = new Map<string, Example>();
  eachJsonLine(jsonl, file, (v, i) => {
    const cx = Number(v.complexity);
    if (v.kind !== 'agreement' || typeof v.text !== 'string' || !v.text.trim()) return;
    if (!isTaskType(v.taskType) || !(cx >= 1 && cx <= 5)) return;
    latest.delete(v.text);
    latest.set(v.text, {
      id: `model-${i + 1}`,
      text: v.text,
      lang: JAPANESE.test(v.text) ? 'ja' : 'en',
      taskType: v.taskType,
      complexity: Math.round(cx) as Complexity,
      acceptableTiers: [],
      group: `model-${i + 1}`,
      origin: 'model',
    });
  });
  return [...latest.values()];
}

export const CORPUS_FILE = 'data/router/corpus.jsonl';

/**
 * The corpus and, when asked, the user's overrides. The hand-written prompts of labelled.ts are
 * opt-in (`withLabelled`): their single tiers follow the old flat table (a PR review → local,
 * chat → local), which the labelling guide of the corpus overrules.
 */
export function loadExamples(
  options: {
    corpus?: string;
    overrides?: string;
    agreement?: string;
    withLabelled?: boolean;
  } = {},
): Example[] {
  const file = options.corpus ?? CORPUS_FILE;
  const corpus = existsSync(file) ? parseCorpus(readFileSync(file, 'utf8'), file) : [];
  const overrides = options.overrides
    ? overrideExamples(readFileSync(options.overrides, 'utf8'))
    : [];
  const answers = options.agreement
    ? agreementExamples(readFileSync(options.agreement, 'utf8'), options.agreement)
    : [];
  return [...corpus, ...(options.withLabelled ? labelledExamples() : []), ...overrides, ...answers];
}
