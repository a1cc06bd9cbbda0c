// A real HTTP server speaking the OpenAI Chat Completions streaming wire format (see
// /work/shared/reference/cloud-apis.md), also in its OpenRouter and DeepSeek flavours:
// `data: {chunk}\n\n` frames ending with `data: [DONE]`, a final usage chunk (choices: [])
// only when stream_options.include_usage is set, tool_calls deltas by index, OpenRouter's
// `cost` and cache_write_tokens, x-ratelimit-* headers. Mounted on any path ending in
// /chat/completions, so baseURL `${url}/v1` and `${url}/api/v1` both work.
// The same steps are served on /responses in the Responses API's own format
// (fixtures/openai-responses.ts). Like the real API, Chat Completions refuses codex models with
// 404 "This model is only supported in v1/responses and not in v1/chat/completions." (the
// error body as quoted in alvinunreal/tmuxai #82 and aaif-goose/goose #2564).
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { responsesFrames, type ResponsesStubStep } from './fixtures/openai-responses.js';
import {
  sendJson,
  sseFrame,
  startHttpStub,
  streamFrames,
  untilClosed,
  writeRaw,
  type RecordedRequest,
} from './http-stub.js';

export type ChatId = 'openai' | 'openrouter' | 'deepseek';

/** The environment that points one OpenAI-compatible provider at the stub, as each is mounted. */
export function chatEnv(id: ChatId, url: string): NodeJS.ProcessEnv {
  switch (id) {
    case 'openai':
      return { OPENAI_API_KEY: 'sk-openai', OPENAI_BASE_URL: `${url}/v1` };
    case 'openrouter':
      return { OPENROUTER_API_KEY: 'sk-or', OPENROUTER_BASE_URL: `${url}/api/v1` };
    case 'deepseek':
      return { DEEPSEEK_API_KEY: 'sk-ds', DEEPSEEK_BASE_URL: url };
  }
}

export interface OpenAIStubToolCall {
  id?: string;
  name: string;
  /** Serialised and split into argument pieces of ~8 characters. */
  arguments?: unknown;
  /** Exact argument pieces (overrides arguments): lets a test send broken JSON. */
  argumentPieces?: string[];
}

export interface OpenAIStubUsage {
  /** OpenRouter BYOK: usage.is_byok and cost_details.upstream_inference_cost. */
  byok?: boolean;
  upstreamCost?: number;
  prompt?: number;
  completion?: number;
  /** prompt_tokens_details.cached_tokens (included in prompt). */
  cached?: number;
  /** prompt_tokens_details.cache_write_tokens (OpenRouter; included in prompt). */
  cacheWrite?: number;
  reasoning?: number;
  /** OpenRouter's billed USD. */
  cost?: number;
}

export interface OpenAIStubHttpError {
  status: number;
  message: string;
  type?: string;
  /** OpenAI sends a string code (e.g. insufficient_quota); OpenRouter the HTTP status. */
  code?: string | number | null;
  metadata?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface OpenAIStep extends Omit<ResponsesStubStep, 'midStreamError' | 'usage'> {
  /** Raw delta.tool_calls pieces sent as they are (a server's quirks), after any text. */
  rawToolCallDeltas?: Record<string, unknown>[];
  /** Responses API only: an `event: error` then response.failed. */
  responsesError?: { code: string; message: string; afterChunks?: number };
  /** Never answer: no status line, no headers (a hung server). */
  hang?: boolean;
  /** Send this many frames, then go silent with the connection open (a stalled stream). */
  stallAfterChunks?: number;
  text?: string[];
  /** delta.reasoning_content pieces (DeepSeek's field). */
  reasoning?: string[];
  toolCalls?: OpenAIStubToolCall[];
  usage?: OpenAIStubUsage;
  /** Default tool_calls when toolCalls are given, else stop. */
  finishReason?: string;
  chunkDelayMs?: number;
  headers?: Record<string, string>;
  httpError?: OpenAIStubHttpError;
  /** A chunk carrying `error` (OpenRouter's mid-stream failure) after this many chunks. */
  midStreamError?: { message: string; code?: string | number; afterChunks?: number };
  cutAfterChunks?: number;
  /** End the response cleanly (no finish_reason, usage or [DONE]) after this many chunks. */
  endAfterChunks?: number;
  malformedAfterChunks?: number;
  /** End the response without `data: [DONE]`. */
  omitDone?: boolean;
}

export interface OpenAIStub {
  url: string;
  /** Consumed in order, one per request; when empty the reply is the text "ok". */
  steps: OpenAIStep[];
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function pieces(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function openAIUsage(step: OpenAIStep, completionGuess: number): Record<string, unknown> {
  const u = step.usage ?? {};
  const prompt = u.prompt ?? 10;
  const completion = u.completion ?? completionGuess;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: {
      cached_tokens: u.cached ?? 0,
      ...(u.cacheWrite === undefined ? {} : { cache_write_tokens: u.cacheWrite }),
    },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    ...(u.cost === undefined ? {} : { cost: u.cost }),
    ...(u.byok === undefined ? {} : { is_byok: u.byok }),
    ...(u.upstreamCost === undefined
      ? {}
      : { cost_details: { upstream_inference_cost: u.upstreamCost } }),
  };
}

/** The data frames of one successful reply, [DONE] included. */
export function openAIFrames(
  step: OpenAIStep,
  n: number,
  model: string,
  includeUsage: boolean,
): string[] {
  const base = {
    id: `chatcmpl-stub-${n}`,
    object: 'chat.completion.chunk',
    created: 1767225600,
    model,
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseFrame(
      JSON.stringify({
        ...base,
        system_fingerprint: null,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        // With include_usage every chunk but the last carries usage: null.
        ...(includeUsage ? { usage: null } : {}),
      }),
    );
  const text = step.text ?? (step.toolCalls || step.reasoning ? [] : ['ok']);
  const frames = [chunk({ role: 'assistant', content: '' })];
  for (const r of step.reasoning ?? []) frames.push(chunk({ reasoning_content: r }));
  for (const t of text) frames.push(chunk({ content: t }));
  for (const delta of step.rawToolCallDeltas ?? []) frames.push(chunk({ tool_calls: [delta] }));
  for (const [index, call] of (step.toolCalls ?? []).entries()) {
    const args = call.argumentPieces ?? pieces(JSON.stringify(call.arguments ?? {}));
    frames.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id ?? `call_stub_${n}_${index}`,
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      }),
    );
    for (const a of args)
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: a } }] }));
  }
  const calls = step.toolCalls?.length || step.rawToolCallDeltas?.length;
  frames.push(chunk({}, step.finishReason ?? (calls ? 'tool_calls' : 'stop')));
  if (includeUsage) {
    const guess = Math.max(1, Math.ceil(text.join('').length / 4));
    frames.push(
      sseFrame(JSON.stringify({ ...base, choices: [], usage: openAIUsage(step, guess) })),
    );
  }
  if (!step.omitDone) frames.push(sseFrame('[DONE]'));
  return frames;
}

export async function startOpenAIStub(): Promise<OpenAIStub> {
  const steps: OpenAIStep[] = [];
  const requests: RecordedRequest[] = [];
  let count = 0;

  const reply = async (request: RecordedRequest, res: ServerResponse) => {
    requests.push(request);
    const n = ++count;
    const requestId = `req_stub_${n}`;
    const isResponses = request.path.endsWith('/responses');
    if (
      request.method !== 'POST' ||
      (!request.path.endsWith('/chat/completions') && !isResponses)
    ) {
      return sendJson(res, 404, {
        error: {
          message: `Unknown path ${request.path}`,
          type: 'invalid_request_error',
          code: null,
        },
      });
    }
    if (!isResponses && /codex/.test(String(request.body?.model))) {
      return sendJson(
        res,
        404,
        {
          error: {
            message: 'This model is only supported in v1/responses and not in v1/chat/completions.',
            type: 'invalid_request_error',
            param: 'model',
            code: null,
          },
        },
        { 'x-request-id': requestId },
      );
    }
    const step = steps.shift() ?? {};
    // Keeps the socket open without a status line until the client gives up.
    if (step.hang) return untilClosed(res);
    if (step.httpError) {
      const e = step.httpError;
      return sendJson(
        res,
        e.status,
        {
          error: {
            message: e.message,
            type: e.type ?? null,
            param: null,
            code: e.code ?? null,
            ...(e.metadata ? { metadata: e.metadata } : {}),
          },
        },
        { 'x-request-id': requestId, ...step.headers, ...e.headers },
      );
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': requestId,
      ...step.headers,
    });
    const model = typeof request.body?.model === 'string' ? request.body.model : 'gpt-stub';
    const includeUsage = request.body?.stream_options?.include_usage === true;
    let frames = isResponses
      ? responsesFrames({ ...step, midStreamError: step.responsesError }, n, model)
      : openAIFrames(step, n, model, includeUsage);
    if (step.midStreamError && !isResponses) {
      const { message, code = 502, afterChunks = 2 } = step.midStreamError;
      frames = [
        ...frames.slice(0, afterChunks),
        sseFrame(
          JSON.stringify({
            id: `chatcmpl-stub-${n}`,
            object: 'chat.completion.chunk',
            created: 1767225600,
            model,
            error: { code, message },
            choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
          }),
        ),
      ];
    }
    if (step.stallAfterChunks !== undefined) {
      for (const frame of frames.slice(0, step.stallAfterChunks)) await writeRaw(res, frame);
      return untilClosed(res);
    }
    await streamFrames(res, frames, {
      delayMs: step.chunkDelayMs,
      cutAfter: step.cutAfterChunks,
      endAfter: step.endAfterChunks,
      malformedAfter: step.malformedAfterChunks,
      malformedFrame: sseFrame('{"id": "chatcmpl-broken", "choices": [{"delta": {"content": "x'),
    });
  };

  const server = await startHttpStub(reply);
  return { url: server.url, steps, requests, close: server.close };
}

/** Starts one stub for a test file and empties its queues before each test. */
export function openAIStubPerFile(): () => OpenAIStub {
  let stub: OpenAIStub | undefined;
  beforeAll(async () => {
    stub = await startOpenAIStub();
  });
  afterAll(() => stub?.close());
  beforeEach(() => {
    stub?.steps.splice(0);
    stub?.requests.splice(0);
  });
  return () => {
    if (!stub) throw new Error('the OpenAI stub is not started');
    return stub;
  };
}
