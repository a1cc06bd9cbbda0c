import type { Provider } from '../core/provider.js';
import { formatModelRef, type ModelRef } from '../core/model-ref.js';
import type { ClassifierClient } from '../router/model-classify.js';

/** The tool a cloud model answers through: its arguments are the classification. */
const TOOL = 'classify';
/** The answer is three short fields; a model that writes more is not answering the schema. */
const MAX_TOKENS = 200;

function parsedText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The model classifier over any provider kirikae calls (a cheap cloud model such as Haiku): the
 * schema is a tool the model is made to call (Anthropic and OpenAI `tool_choice`), which every
 * API kirikae speaks supports, unlike a JSON-schema response format. A reply in text is read as
 * JSON too. The usage the stream reports goes back with the answer so the call is booked.
 */
export function providerClassifierClient(provider: Provider, ref: ModelRef): ClassifierClient {
  return {
    async classify(prompt, schema, signal, asked) {
      asked?.({ ref: formatModelRef(ref) });
      let args: unknown;
      let text = '';
      let usage: { input: number; output: number } | undefined;
      for await (const event of provider.stream(
        {
          model: ref.model,
          system: `Answer only by calling the ${TOOL} tool.`,
          messages: [{ role: 'user', content: prompt }],
          tools: [
            {
              name: TOOL,
              description: 'The classification of the request.',
              parameters: schema as Record<string, unknown>,
            },
          ],
          toolChoice: TOOL,
          maxTokens: MAX_TOKENS,
          temperature: 0,
        },
        signal,
      )) {
        if (event.type === 'tool_call' && event.call.name === TOOL) args = event.call.arguments;
        else if (event.type === 'text') text += event.text;
        else if (event.type === 'usage')
          // Cached input is billed too: the ledger prices input and cache reads apart, but the
          // classifier's prompt is never cached, so both are counted as input here.
          usage = { input: event.usage.input + event.usage.cacheRead, output: event.usage.output };
        else if (event.type === 'error') throw event.error;
      }
      const answer = args ?? parsedText(text);
      // Anything but an object fails the schema: the call is still booked with its usage.
      const fields = typeof answer === 'object' && answer !== null ? answer : {};
      return { ...fields, model: ref.model, ...(usage ? { usage } : {}) };
    },
  };
}
