// An answer → the Chat Completions response, whole (`chat.completion`) or as SSE chunks
// (`chat.completion.chunk`, `data: …` frames ending `data: [DONE]`): role first, content and
// tool_calls deltas by index, finish_reason, then a usage chunk with `choices: []` when
// stream_options.include_usage (cloud-apis.md; openai SDK ChatCompletionChunk). Reasoning goes
// out as `reasoning_content`, DeepSeek's field. A failure after the stream began is a chunk
// carrying `error`, as OpenRouter sends it.
import type { KirikaeError } from '../core/errors.js';
import type { StopReason, StreamEvent } from '../core/stream.js';
import { totalInput, type Usage } from '../core/usage.js';
import { Answer, argumentsJson } from './answer.js';
import type { ResponseMeta } from './anthropic-out.js';
import { errorMessage } from './errors.js';

export function openAIFinishReason(reason: StopReason | undefined): string {
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'max_tokens') return 'length';
  return 'stop';
}

export function openAIUsage(usage: Usage): Record<string, unknown> {
  const prompt = totalInput(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output,
    total_tokens: prompt + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead },
    completion_tokens_details: { reasoning_tokens: usage.reasoning },
  };
}

const created = (): number => Math.floor(Date.now() / 1000);

/** The non-streamed response (SDK type ChatCompletion). */
export function openAICompletion(answer: Answer, meta: ResponseMeta): Record<string, unknown> {
  const calls = answer.toolCalls();
  const reasoning = answer.reasoning();
  return {
    id: meta.id,
    object: 'chat.completion',
    created: created(),
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text() || (calls.length ? null : ''),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(calls.length
            ? {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: argumentsJson(call) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: openAIFinishReason(answer.stopReason),
      },
    ],
    usage: openAIUsage(answer.usage),
  };
}

/** Writes StreamEvents as Chat Completions SSE chunks through `write`. */
export class OpenAIStreamWriter {
  private readonly answer = new Answer();
  private toolIndex = 0;
  private readonly created = created();

  constructor(
    private readonly write: (frame: string) => void,
    private readonly meta: ResponseMeta,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(body: Record<string, unknown>): void {
    this.write(
      `data: ${JSON.stringify({
        id: this.meta.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.meta.model,
        ...body,
      })}\n\n`,
    );
  }

  private delta(delta: Record<string, unknown>, finish: string | null = null): void {
    this.chunk({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  }

  start(): void {
    this.delta({ role: 'assistant', content: '' });
  }

  event(event: StreamEvent): void {
    this.answer.add(event);
    if (event.type === 'text') this.delta({ content: event.text });
    else if (event.type === 'reasoning') this.delta({ reasoning_content: event.text });
    else if (event.type === 'tool_call') {
      this.delta({
        tool_calls: [
          {
            index: this.toolIndex++,
            id: event.call.id,
            type: 'function',
            function: { name: event.call.name, arguments: argumentsJson(event.call) },
          },
        ],
      });
    }
  }

  finish(): void {
    this.delta({}, openAIFinishReason(this.answer.stopReason));
    if (this.includeUsage) this.chunk({ choices: [], usage: openAIUsage(this.answer.usage) });
    this.write('data: [DONE]\n\n');
  }

  fail(error: KirikaeError): void {
    this.chunk({
      error: { message: errorMessage(error), code: error.status ?? 502 },
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
    });
    this.write('data: [DONE]\n\n');
  }
}
