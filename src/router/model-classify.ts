import { Ollama } from 'ollama';
import { z } from 'zod';
import { TASK_TYPES } from '../core/task.js';
import type { Classification } from './types.js';
import { LOW_CONFIDENCE } from './classify.js';

const answerSchema = z.object({
  taskType: z.enum(TASK_TYPES),
  complexity: z.number().int().min(1).max(5),
  confidence: z.number().min(0).max(1),
});

/** JSON schema handed to Ollama's `format`, so the reply is constrained to it. */
export const CLASSIFIER_FORMAT = z.toJSONSchema(answerSchema);

/** The slice of the ollama client this module uses, so tests can inject a fake. */
export interface ClassifierClient {
  ps(
    signal: AbortSignal,
  ): Promise<{ models: { name: string; size: number; context_length?: number }[] }>;
  chat(
    request: {
      model: string;
      messages: { role: 'system' | 'user'; content: string }[];
      format: object;
      stream: false;
      think: false;
      keep_alive?: string | number;
      options: { temperature: number; num_ctx?: number };
    },
    signal: AbortSignal,
  ): Promise<{ message: { content: string } }>;
}

export interface ModelClassifyOptions {
  client: ClassifierClient;
  /** Hard limit for the whole exchange; the rule result stands when it passes. */
  timeoutMs?: number;
  /** Only a resident model at most this big is used: loading one would take seconds. */
  maxModelBytes?: number;
  /** Keep the model's residency as configured (a request without keep_alive resets it). */
  keepAlive?: string | number;
}

const SYSTEM = `Classify a request to a coding assistant. taskType is one of: ${TASK_TYPES.join(', ')}.
architecture = design a system or structure; refactor = restructure existing code; implement = build something new; bugfix = fix a known bug; debug = find the cause of a failure; test = write tests; review = judge code; docs = documentation or comments; quick-fix = tiny edit (typo, rename); research = compare or find out; long-context = read or summarise a lot of text; chat = conversation.
complexity: 1 trivial … 5 hard, multi-file, risky. confidence: 0 to 1. Answer in JSON.`;

/**
 * Asks a small local model that is already resident when the rules are unsure. Never loads a
 * model, never waits more than `timeoutMs` (1 s): on any problem the rule result is returned.
 */
export async function modelClassify(
  prompt: string,
  ruleResult: Classification,
  options: ModelClassifyOptions,
): Promise<Classification> {
  if (ruleResult.confidence >= LOW_CONFIDENCE) return ruleResult;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 1000);
  try {
    const exchange = async (): Promise<Classification> => {
      const { models } = await options.client.ps(controller.signal);
      const limit = options.maxModelBytes ?? 24 * 1024 ** 3;
      const small = models
        .filter((m) => m.size > 0 && m.size <= limit)
        .sort((a, b) => a.size - b.size)[0];
      if (!small) return ruleResult;
      const reply = await options.client.chat(
        {
          model: small.name,
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: prompt.slice(0, 2000) },
          ],
          format: CLASSIFIER_FORMAT,
          stream: false,
          think: false,
          ...(options.keepAlive !== undefined ? { keep_alive: options.keepAlive } : {}),
          // The resident context size: another num_ctx would make Ollama reload the model.
          options: {
            temperature: 0,
            ...(small.context_length ? { num_ctx: small.context_length } : {}),
          },
        },
        controller.signal,
      );
      const parsed = answerSchema.safeParse(JSON.parse(reply.message.content));
      if (!parsed.success) return ruleResult;
      const answer = parsed.data;
      const agrees = answer.taskType === ruleResult.baseTaskType;
      return {
        ...ruleResult,
        // The long-context rule is about the conversation, not the prompt: it still applies.
        taskType: ruleResult.taskType === 'long-context' ? 'long-context' : answer.taskType,
        baseTaskType: answer.taskType,
        complexity: answer.complexity as Classification['complexity'],
        confidence:
          Math.round(
            Math.min(0.95, agrees ? Math.max(answer.confidence, 0.7) : answer.confidence * 0.9) *
              100,
          ) / 100,
        signals: [...ruleResult.signals, `model:${small.name}`],
        source: 'model',
      };
    };
    const aborted = new Promise<Classification>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(ruleResult), { once: true }),
    );
    return await Promise.race([exchange(), aborted]);
  } catch {
    return ruleResult;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** A ClassifierClient over the real ollama client; each call gets its own abort signal. */
export function ollamaClassifierClient(host: string): ClassifierClient {
  const clientFor = (signal: AbortSignal) =>
    new Ollama({ host, fetch: (input, init) => fetch(input, { ...init, signal }) });
  return {
    async ps(signal) {
      const res = await clientFor(signal).ps();
      return {
        models: res.models.map((m) => ({
          name: m.name,
          size: m.size,
          context_length: (m as unknown as { context_length?: number }).context_length,
        })),
      };
    },
    async chat(request, signal) {
      const res = await clientFor(signal).chat({ ...request, stream: false });
      return { message: { content: res.message.content } };
    },
  };
}
