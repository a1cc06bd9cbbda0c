import { z } from 'zod';
import { TASK_TYPES, type Complexity } from '../core/task.js';
import { LOW_CONFIDENCE } from './classify.js';
import { mergeModelVerdict } from './model-policy.js';
import type { Classification } from './types.js';

const answerSchema = z.object({
  taskType: z.enum(TASK_TYPES),
  complexity: z.number().int().min(1).max(5),
  confidence: z.number().min(0).max(1),
});

/** JSON schema for the answer, handed to the model as a structured-output format. */
export const CLASSIFIER_FORMAT = z.toJSONSchema(answerSchema);

/**
 * A small model that answers a prompt with JSON constrained by `schema` (Ollama's `format`,
 * OpenAI's `response_format`). Built by the wiring (src/local/classifier-client.ts for Ollama);
 * the router imports no SDK. Resolves `undefined` when no model may be asked without loading one;
 * may add a string `model` field naming who answered; rejects or stops when `signal` aborts.
 */
export interface ClassifierClient {
  classify(prompt: string, schema: object, signal: AbortSignal): Promise<unknown>;
}

/** Anything that classifies a turn: the offline classifier, or a model behind a client. */
export interface Classifier {
  classify(prompt: string, offline: Classification, signal?: AbortSignal): Promise<ModelVerdict>;
}

export interface ModelClassifyOptions {
  client: ClassifierClient;
  /** Hard limit for the whole exchange (default 800 ms); the offline result stands after it. */
  timeoutMs?: number;
  /** Ask even when the offline classifier is confident (e.g. to collect agreement data). */
  always?: boolean;
  /** Ask below this confidence (default LOW_CONFIDENCE); see `shouldAskModel`. */
  threshold?: number;
  /** The user accepted the route early (the card's "classifying…" is skipped). */
  signal?: AbortSignal;
  /** routing.table, so agreement is judged on the tier the route would take. */
  userTable?: Partial<Record<Classification['taskType'], number>>;
}

export type ModelOutcome =
  'skipped' | 'answered' | 'unavailable' | 'invalid' | 'timeout' | 'cancelled' | 'error';

/** What happened, for the card and the retraining log. */
export interface ModelVerdict {
  /** The model's classification when it answered in time, else the offline one unchanged. */
  classification: Classification;
  outcome: ModelOutcome;
  model?: string;
  /** Did the model agree with the offline classifier (task type; table tier)? Set when it answered. */
  agreement?: { taskType: boolean; tier: boolean };
  ms: number;
}

export const DEFAULT_MODEL_TIMEOUT_MS = 800;

/** The message for the model: the definitions, then the request (its head: 2,000 characters). */
export function classifierPrompt(prompt: string): string {
  return `Classify a request to a coding assistant. Answer in JSON.
taskType is one of: ${TASK_TYPES.join(', ')}.
architecture = design our system's structure; refactor = restructure existing code without changing behaviour; implement = build something new; bugfix = fix a bug whose cause is stated or local; debug = find the cause of a failure, leak or slowdown; test = write tests; review = judge code or a diff; docs = documentation or comments; quick-fix = a mechanical change fully stated in the request (typo, rename, lint, version bump, small config, conversion); research = compare options or find out; long-context = read or summarise a lot of text; chat = a conceptual question not about this code.
complexity: 1 trivial, 2 small, 3 moderate, 4 hard multi-file or subtle, 5 very hard, risky or security-critical. confidence: 0 to 1.

Request:
${prompt.slice(0, 2000)}`;
}

/**
 * Asks a small model when the offline classifier is unsure, within a time budget. Never throws:
 * on no model, a timeout, a reply outside the schema or an early accept, the offline result
 * stands and the outcome says why.
 */
export async function modelClassify(
  prompt: string,
  offline: Classification,
  options: ModelClassifyOptions,
): Promise<ModelVerdict> {
  const started = Date.now();
  const verdict = (outcome: ModelOutcome, extra: Partial<ModelVerdict> = {}): ModelVerdict => ({
    classification: offline,
    outcome,
    ms: Date.now() - started,
    ...extra,
  });
  const threshold = options.threshold ?? LOW_CONFIDENCE;
  if (!options.always && offline.confidence >= threshold) return verdict('skipped');
  if (options.signal?.aborted) return verdict('cancelled');

  const controller = new AbortController();
  let why: ModelOutcome | undefined;
  const stop = (reason: ModelOutcome) => {
    why ??= reason;
    controller.abort();
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS);
  const onCancel = () => stop('cancelled');
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const stopped = new Promise<undefined>((resolve) =>
    controller.signal.addEventListener('abort', () => resolve(undefined), { once: true }),
  );
  try {
    const reply = await Promise.race([
      options.client.classify(classifierPrompt(prompt), CLASSIFIER_FORMAT, controller.signal),
      stopped,
    ]);
    if (why) return verdict(why);
    if (reply === undefined || reply === null) return verdict('unavailable');
    const model =
      typeof (reply as { model?: unknown }).model === 'string'
        ? (reply as { model: string }).model
        : undefined;
    const parsed = answerSchema.safeParse(typeof reply === 'string' ? JSON.parse(reply) : reply);
    if (!parsed.success) return verdict('invalid', { model });
    const { classification, agreement } = mergeModelVerdict(
      offline,
      { ...parsed.data, complexity: parsed.data.complexity as Complexity, model },
      options.userTable,
    );
    return verdict('answered', { classification, model, agreement });
  } catch {
    return verdict(why ?? 'error');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
    controller.abort();
  }
}

/** The model classifier as a `Classifier`, with its client and budget bound. */
export function modelClassifier(options: Omit<ModelClassifyOptions, 'signal'>): Classifier {
  return {
    classify: (prompt, offline, signal) => modelClassify(prompt, offline, { ...options, signal }),
  };
}
