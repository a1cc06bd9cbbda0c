import { Ollama } from 'ollama';
import type { ClassifierClient } from '../router/model-classify.js';
import { sameModelName } from './names.js';

/** The largest resident model `auto` asks: a bigger one answers too slowly for the card. */
export const CLASSIFIER_MAX_MODEL_BYTES = 24 * 1024 ** 3;

export interface OllamaClassifierOptions {
  host: string;
  /** Only a resident model at most this big is asked: loading one would take seconds. */
  maxModelBytes?: number;
  /** Ask this model only (routing.modelClassifier names it), and only while it is resident. */
  model?: string;
  /** Keep the model's residency as configured (a request without keep_alive resets it). */
  keepAlive?: string | number;
  /**
   * Models not to ask (Ollama names): they hold the session's conversation in their prompt
   * cache, and with OLLAMA_NUM_PARALLEL 1 a classification would replace it, so the next local
   * turn would read the whole conversation again. A named model (`model`) is asked regardless.
   */
  avoid?: readonly string[];
}

/** The model classifier over Ollama: the smallest resident model, at its loaded context size. */
export function ollamaClassifierClient(options: OllamaClassifierOptions): ClassifierClient {
  return {
    async classify(prompt, schema, signal, asked) {
      const client = new Ollama({
        host: options.host,
        fetch: (input, init) => fetch(input, { ...init, signal }),
      });
      const { models } = await client.ps();
      const limit = options.maxModelBytes ?? CLASSIFIER_MAX_MODEL_BYTES;
      const small = models
        .filter((m) =>
          options.model
            ? sameModelName(options.model, m.name)
            : m.size > 0 &&
              m.size <= limit &&
              !options.avoid?.some((a) => sameModelName(a, m.name)),
        )
        .sort((a, b) => a.size - b.size)[0];
      if (!small) {
        // The user named this model: say why it was not asked. Under `auto` having no small
        // model resident is the usual state of a machine without one, not worth a line.
        return options.model
          ? {
              unavailable: `ollama/${options.model} not resident, not asked · kirikae models load ${options.model}`,
            }
          : undefined;
      }
      asked?.({ ref: `ollama/${small.name}`, host: options.host });
      const contextLength = (small as unknown as { context_length?: number }).context_length;
      const res = await client.chat({
        model: small.name,
        messages: [{ role: 'user', content: prompt }],
        format: schema,
        stream: false,
        think: false,
        ...(options.keepAlive !== undefined ? { keep_alive: options.keepAlive } : {}),
        // The resident context size: another num_ctx would make Ollama reload the model.
        options: { temperature: 0, ...(contextLength ? { num_ctx: contextLength } : {}) },
      });
      return {
        ...(JSON.parse(res.message.content) as object),
        model: small.name,
        // api/types.go Metrics: prompt_eval_count and eval_count are the tokens Ollama counted.
        usage: { input: res.prompt_eval_count ?? 0, output: res.eval_count ?? 0 },
      };
    },
  };
}
