import { z } from 'zod';
import { isKirikaeError, type ErrorKind } from '../core/errors.js';
import { TASK_TYPES, type Complexity, type TaskType } from '../core/task.js';
import { ASK_MODEL_BELOW, mergeModelVerdict } from './model-policy.js';
import type { Classification } from './types.js';

const buildAnswerSchema = () =>
  z.object({
    taskType: z.enum(TASK_TYPES),
    complexity: z.number().int().min(1).max(5),
    confidence: z.number().min(0).max(1),
  });
// Built when a model is first asked: most starts never ask one.
let answer: { schema: ReturnType<typeof buildAnswerSchema>; format: object } | undefined;
function answerSchema(): NonNullable<typeof answer> {
  if (!answer) {
    const schema = buildAnswerSchema();
    answer = { schema, format: z.toJSONSchema(schema) };
  }
  return answer;
}

/** JSON schema for the answer, handed to the model as a structured-output format. */
export function classifierFormat(): object {
  return answerSchema().format;
}

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
 * `undefined` when no model may be asked without loading one, or `{ unavailable }` saying why
 * when that is worth a line on the card (a classifier the user named is not resident); calls
 * `asked` before it sends; may add a string `model` (a display name) and `usage` ({ input,
 * output } tokens as the server counted them) to the answer; rejects or stops when `signal`
 * aborts.
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
  /** Ask below this confidence (default ASK_MODEL_BELOW); see `shouldAskModel`. */
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
  /** This timeout was the model's last chance: it will not be asked again this run. */
  dropped?: boolean;
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

/**
 * What each task type means and where its complexity bands lie, condensed from the labelling
 * guide (data/router/LABELLING.md): the tier table turns the answer into a tier, so a band here
 * decides a tier there. The guide's own boundaries (a bug fix that names its change at a named
 * place is complexity 1, hence local; one that gives only the symptom is 3) are what a model
 * needs most: with the bare names ("1 trivial, 2 small…") a capable model answering for the
 * offline classifier's least sure prompts chose an acceptable tier for 89 % of them, with these
 * 92 % (docs/router.md, "The model classifier, measured").
 */
const DEFINITIONS: Record<TaskType, string> = {
  'quick-fix':
    'the request states the whole change and it is mechanical: a typo, a rename, lint or format fixes, removing unused code, a version bump, a small config or CI edit, a format conversion, boilerplate, labelling a list. Complexity 1-2, even across many files.',
  bugfix:
    'fix a bug whose cause is known or pointed at. 1: the request names the code change itself (the call, check, guard, value or sign), or a compiler message names it, at a named or pasted place (file, function, line, snippet). 2: the change is stated but is a few lines or its place must be found. 3: only the symptom, the cause or the wanted behaviour is given. 4: the change spans several files or components. Locking, authentication and injection fixes are at least 2, unless the request gives the exact one-line change at a named place.',
  debug:
    'find why something fails, leaks or is slow (a symptom, trace or measurement without a known fix). 2-3: the trace names the problem. 4: races, heisenbugs, leaks without an obvious retainer, slowdowns after an upgrade. 5: simpler explanations already ruled out, or a large multi-component system.',
  implement:
    'new behaviour. 1-2: small and fully specified (a flag, a script). 3: an ordinary feature. 4-5: cross-cutting.',
  refactor:
    'restructure without changing behaviour. 1: a trivial local simplification. 2: moving existing units into their own files. 3: splitting a module by concern, a framework upgrade. 4-5: god classes of thousands of lines, a migration with a build change, a staged plan.',
  test: 'write or fix tests. 2: unit tests for given cases. 3: integration or end-to-end tests, or designing a suite.',
  review:
    'judge code, a diff or a PR. 1-2: a small diff, a quick look. 3: an ordinary PR, or against a checklist. 4: a large or risky PR (data migration, breaking API, concurrency), a security review of one area. 5: a full security audit. A small change to authentication or locking is at least 3.',
  docs: 'README, guides, docstrings, changelogs. 1: a one-sentence edit. 2-3: docs that need the code understood.',
  research: 'compare external options, "which library", X vs Y, surveys. 1-3.',
  architecture:
    'design of our own system. 1-3: small-scope design. 4-5: service or module boundaries, plugin systems, RFCs.',
  'long-context':
    'mainly reading something large and summarising or listing from it, without changing code. 2: extracting or counting items from text under about 5,000 lines. 3: explaining how code works, or larger material.',
  chat: 'a conceptual question not about this code.',
};

/**
 * The message for the model: the definitions, then the request (its head: 2,000 characters).
 * The definitions come first and never change, so a local server can keep their prefix cached.
 * They are listed in the order that was measured (the object's key order).
 */
export function classifierPrompt(prompt: string): string {
  return `Classify a request to a coding assistant. Answer in JSON: taskType, complexity (1-5), confidence (0-1).
Label by the hard part of the work. Complexity is about the task, not the request's length.
${Object.entries(DEFINITIONS)
  .map(([type, means]) => `- ${type}: ${means}`)
  .join('\n')}

Request:
${prompt.slice(0, 2000)}`;
}

function isUnavailable(reply: unknown): reply is { unavailable: string } {
  return typeof (reply as { unavailable?: unknown }).unavailable === 'string';
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
  const threshold = options.threshold ?? ASK_MODEL_BELOW;
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
      options.client.classify(message, classifierFormat(), controller.signal, (model) => {
        asked = model;
      }),
      stopped,
    ]);
    if (why) return verdict(why);
    if (reply === undefined || reply === null) return verdict('unavailable');
    if (isUnavailable(reply)) return verdict('unavailable', { why: reply.unavailable });
    const model =
      typeof (reply as { model?: unknown }).model === 'string'
        ? (reply as { model: string }).model
        : undefined;
    const parsed = answerSchema().schema.safeParse(
      typeof reply === 'string' ? JSON.parse(reply) : reply,
    );
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
