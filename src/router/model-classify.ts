import { z } from 'zod';
import { isKirikaeError, type ErrorKind } from '../core/errors.js';
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

/** The model a client asked, as soon as it knows: a call that times out still cost something. */
export interface AskedModel {
  /** `provider/model`, as the ledger writes it. */
  ref: string;
  /** The Ollama host that serves it. */
  host?: string;
}

/**
 * A small model that answers a prompt with JSON constrained by `schema` (Ollama's `format`, a
 * forced tool call on the cloud APIs). Built by the wiring (src/local/classifier-client.ts for
 * Ollama, src/providers/classifier-client.ts for the rest); the router imports no SDK. Resolves
 * `undefined` when no model may be asked without loading one; calls `asked` before it sends; may
 * add a string `model` (a display name) and `usage` ({ input, output } tokens as the server
 * counted them) to the answer; rejects or stops when `signal` aborts.
 */
export interface ClassifierClient {
  classify(
    prompt: string,
    schema: object,
    signal: AbortSignal,
    asked?: (model: AskedModel) => void,
  ): Promise<unknown>;
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
  /** The model call made, to be priced and booked like any other (absent when none was sent). */
  call?: ClassifierCall;
  /** Why no model could be asked, when the reason is not "no small model resident". */
  why?: string;
}

/** A classifier call as the ledger needs it. */
export interface ClassifierCall extends AskedModel {
  /** Tokens as the server counted them; `estimated` when the call ended before it said. */
  usage: { input: number; output: number; estimated?: boolean };
  outcome: ModelOutcome;
  /** Why the call failed, when it did (`error`): a provider's kind, else a network failure. */
  errorKind?: ErrorKind;
  ms: number;
}

/** ~4 characters a token: only for a call cut off before the server reported its usage. */
function estimatedInput(message: string): number {
  return Math.ceil(message.length / 4);
}

function replyUsage(reply: unknown): { input: number; output: number } | undefined {
  const usage = (reply as { usage?: { input?: unknown; output?: unknown } } | null)?.usage;
  if (typeof usage?.input !== 'number' || typeof usage.output !== 'number') return undefined;
  return { input: usage.input, output: usage.output };
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
  const message = classifierPrompt(prompt);
  let asked: AskedModel | undefined;
  let reply: unknown;
  let errorKind: ErrorKind | undefined;
  const verdict = (outcome: ModelOutcome, extra: Partial<ModelVerdict> = {}): ModelVerdict => {
    const ms = Date.now() - started;
    const usage = replyUsage(reply) ?? {
      input: estimatedInput(message),
      output: 0,
      estimated: true,
    };
    return {
      classification: offline,
      outcome,
      ms,
      ...extra,
      ...(asked
        ? { call: { ...asked, usage, outcome, ms, ...(errorKind ? { errorKind } : {}) } }
        : {}),
    };
  };
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
    reply = await Promise.race([
      options.client.classify(message, CLASSIFIER_FORMAT, controller.signal, (model) => {
        asked = model;
      }),
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
  } catch (error) {
    // A reply that is not JSON at all is a wrong answer, not a failed call.
    if (!why && error instanceof SyntaxError) return verdict('invalid');
    if (!why) errorKind = isKirikaeError(error) ? error.kind : 'network';
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
