// A real HTTP server speaking the Anthropic Messages streaming wire format (see
// /work/shared/reference/cloud-apis.md): message_start → ping → content blocks (text_delta,
// thinking_delta, input_json_delta) → message_delta → message_stop, error bodies
// {"type":"error","error":{type,message}} with request-id / retry-after / anthropic-ratelimit-*
// headers, and mid-stream `event: error`. Tests script replies through `steps`.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  sendJson,
  sseFrame,
  startHttpStub,
  streamFrames,
  untilClosed,
  writeRaw,
  type RecordedRequest,
} from './http-stub.js';

export interface AnthropicStubToolUse {
  id?: string;
  name: string;
  /** Serialised and split into partial_json pieces of ~8 characters. */
  input?: unknown;
  /** Exact partial_json pieces (overrides input): lets a test send broken JSON. */
  partialJson?: string[];
}

export interface AnthropicStubUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** The part of cacheWrite written with the 1-hour TTL (usage.cache_creation). */
  cacheWrite1h?: number;
}

export interface AnthropicStubHttpError {
  status: number;
  /** error.type, e.g. rate_limit_error, overloaded_error, api_error, authentication_error. */
  type: string;
  message: string;
  /** error.details, e.g. {error_code: 'enforced_spend_limit_reached'}. */
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface AnthropicStep {
  text?: string[];
  thinking?: string[];
  toolUses?: AnthropicStubToolUse[];
  usage?: AnthropicStubUsage;
  /** Default tool_use when toolUses are given, else end_turn. */
  stopReason?: string;
  /** Delay before each SSE event after the first. */
  chunkDelayMs?: number;
  /** Extra response headers (e.g. anthropic-ratelimit-*). */
  headers?: Record<string, string>;
  /** Reply with an HTTP error instead of a stream. */
  httpError?: AnthropicStubHttpError;
  /** Send `event: error` after this many events instead of finishing (default after 3). */
  midStreamError?: { type: string; message: string; afterEvents?: number };
  /** Destroy the connection after this many events. */
  cutAfterEvents?: number;
  /** End the response cleanly (no message_delta / message_stop) after this many events. */
  endAfterEvents?: number;
  /** Write a frame whose data is not JSON after this many events. */
  malformedAfterEvents?: number;
  /** Never answer: no status line, no headers (a hung server). */
  hang?: boolean;
  /** Send this many events, then go silent with the connection open (a stalled stream). */
  stallAfterEvents?: number;
}

export interface AnthropicStub {
  url: string;
  /** Consumed in order, one per request; when empty the reply is the text "ok". */
  steps: AnthropicStep[];
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function pieces(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function event(type: string, payload: Record<string, unknown>): string {
  return sseFrame(JSON.stringify({ type, ...payload }), type);
}

/** The SSE events of one successful reply, as the API sends them. */
export function anthropicFrames(step: AnthropicStep, n: number, model: string): string[] {
  const text = step.text ?? (step.toolUses || step.thinking ? [] : ['ok']);
  const outputGuess = Math.max(1, Math.ceil(text.join('').length / 4));
  const usage = step.usage ?? {};
  const frames: string[] = [
    event('message_start', {
      message: {
        id: `msg_stub_${n}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input ?? 10,
          cache_creation_input_tokens: usage.cacheWrite ?? 0,
          // The split by TTL, as the Messages API reports it (SDK type Usage.cache_creation).
          cache_creation: {
            ephemeral_5m_input_tokens: (usage.cacheWrite ?? 0) - (usage.cacheWrite1h ?? 0),
            ephemeral_1h_input_tokens: usage.cacheWrite1h ?? 0,
          },
          cache_read_input_tokens: usage.cacheRead ?? 0,
          output_tokens: 1,
          service_tier: 'standard',
        },
      },
    }),
    sseFrame(JSON.stringify({ type: 'ping' }), 'ping'),
  ];
  let index = 0;
  if (step.thinking?.length) {
    frames.push(
      event('content_block_start', {
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      }),
    );
    for (const t of step.thinking) {
      frames.push(
        event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: t } }),
      );
    }
    frames.push(
      event('content_block_delta', {
        index,
        delta: { type: 'signature_delta', signature: 'c2ln' },
      }),
      event('content_block_stop', { index }),
    );
    index++;
  }
  if (text.length > 0) {
    frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const t of text) {
      frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: t } }));
    }
    frames.push(event('content_block_stop', { index }));
    index++;
  }
  for (const [i, tool] of (step.toolUses ?? []).entries()) {
    frames.push(
      event('content_block_start', {
        index,
        content_block: {
          type: 'tool_use',
          id: tool.id ?? `toolu_stub_${n}_${i}`,
          name: tool.name,
          input: {},
        },
      }),
    );
    // The API's first input_json_delta is usually empty.
    const json = tool.partialJson ?? ['', ...pieces(JSON.stringify(tool.input ?? {}))];
    for (const partial of json) {
      frames.push(
        event('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: partial },
        }),
      );
    }
    frames.push(event('content_block_stop', { index }));
    index++;
  }
  frames.push(
    event('message_delta', {
      delta: {
        stop_reason: step.stopReason ?? (step.toolUses?.length ? 'tool_use' : 'end_turn'),
        stop_sequence: null,
      },
      usage: { output_tokens: usage.output ?? outputGuess },
    }),
    event('message_stop', {}),
  );
  return frames;
}

export async function startAnthropicStub(): Promise<AnthropicStub> {
  const steps: AnthropicStep[] = [];
  const requests: RecordedRequest[] = [];
  let count = 0;

  const reply = async (request: RecordedRequest, res: ServerResponse) => {
    requests.push(request);
    const n = ++count;
    const requestId = `req_stub_${n}`;
    if (request.method !== 'POST' || request.path !== '/v1/messages') {
      return sendJson(
        res,
        404,
        {
          type: 'error',
          error: { type: 'not_found_error', message: `Not found: ${request.path}` },
          request_id: requestId,
        },
        { 'request-id': requestId },
      );
    }
    const step = steps.shift() ?? {};
    if (step.hang) return untilClosed(res);
    if (step.httpError) {
      const e = step.httpError;
      return sendJson(
        res,
        e.status,
        {
          type: 'error',
          error: { type: e.type, message: e.message, ...(e.details ? { details: e.details } : {}) },
          request_id: requestId,
        },
        { 'request-id': requestId, ...step.headers, ...e.headers },
      );
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': requestId,
      ...step.headers,
    });
    const model = typeof request.body?.model === 'string' ? request.body.model : 'claude-stub';
    let frames = anthropicFrames(step, n, model);
    if (step.midStreamError) {
      const { type, message, afterEvents = 3 } = step.midStreamError;
      frames = [
        ...frames.slice(0, afterEvents),
        sseFrame(JSON.stringify({ type: 'error', error: { type, message } }), 'error'),
      ];
    }
    if (step.stallAfterEvents !== undefined) {
      for (const frame of frames.slice(0, step.stallAfterEvents)) await writeRaw(res, frame);
      return untilClosed(res);
    }
    await streamFrames(res, frames, {
      delayMs: step.chunkDelayMs,
      cutAfter: step.cutAfterEvents,
      endAfter: step.endAfterEvents,
      malformedAfter: step.malformedAfterEvents,
      malformedFrame: sseFrame(
        '{"type": "content_block_delta", "index": 0, "delta": {',
        'content_block_delta',
      ),
    });
  };

  const server = await startHttpStub(reply);
  return { url: server.url, steps, requests, close: server.close };
}

/** Starts one stub for a test file and empties its queues before each test. */
export function anthropicStubPerFile(): () => AnthropicStub {
  let stub: AnthropicStub | undefined;
  beforeAll(async () => {
    stub = await startAnthropicStub();
  });
  afterAll(() => stub?.close());
  beforeEach(() => {
    stub?.steps.splice(0);
    stub?.requests.splice(0);
  });
  return () => {
    if (!stub) throw new Error('the Anthropic stub is not started');
    return stub;
  };
}
