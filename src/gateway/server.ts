// The local gateway: Anthropic Messages and OpenAI Chat Completions over node:http, each
// request routed and run through the one pipeline (runCall), answered in the client's format.
// Formats are translated here at the edge only.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isKirikaeError, KirikaeError, toKirikaeError } from '../core/errors.js';
import type { CallRecord } from '../core/records.js';
import { runCall, type CallResult } from '../session/call-runner.js';
import type { TurnRunnerDeps } from '../session/turn-runner.js';
import { configuredModels } from '../session/resolve-model.js';
import { countRequest, TokenCounter } from '../router/tokens.js';
import { Answer } from './answer.js';
import { fromAnthropicRequest } from './anthropic-in.js';
import { anthropicMessage, AnthropicStreamWriter, type ResponseMeta } from './anthropic-out.js';
import { clientName } from './client-id.js';
import { errorResponse } from './errors.js';
import { GatewayLive } from './live.js';
import { fromOpenAIRequest } from './openai-in.js';
import { openAICompletion, OpenAIStreamWriter } from './openai-out.js';
import type { ClientFormat, GatewayRequest } from './request.js';
import {
  assertForcedModel,
  routeRequest,
  type GatewayRoute,
  type RouteKit,
} from './route-request.js';
import { cacheHitRecord, type CacheHit, type TurnQuestion } from '../cache/index.js';
import {
  gatewayQuestion,
  hitEvents,
  lookupCached,
  tellNotices,
  type GatewayCacheKit,
} from './semantic.js';

/** Request bodies above this are refused (a long Claude Code conversation is a few MB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** One finished request, for the serve log and a screen's gateway view. */
export interface GatewayRequestView {
  client: string;
  format: ClientFormat;
  scenario: GatewayRoute['scenario'] | null;
  via: GatewayRoute['via'] | null;
  route: string | null;
  fallbackFrom: string[];
  outcome: CallResult['outcome'] | 'refused';
  records: CallRecord[];
  error?: string;
  /** Served from the semantic cache: no call was made. */
  cached?: { similarity: number; savedUsd: number | null };
}

export interface GatewayKit extends Omit<RouteKit, 'counter'> {
  runner: TurnRunnerDeps;
  /** Checked on every request (Authorization: Bearer or x-api-key) when set. */
  token?: string;
  onRequest?(view: GatewayRequestView): void;
  /** The live view and pin (/kirikae/status, /kirikae/pin); made here when not given. */
  live?: GatewayLive;
  /** The semantic answer cache, for tool-free requests. */
  cache?: GatewayCacheKit;
}

export interface Gateway {
  url: string;
  server: Server;
  live: GatewayLive;
  close(): Promise<void>;
}

/** A cached answer, in the client's format and streaming mode. */
function sendHit(
  res: ServerResponse,
  request: GatewayRequest,
  route: GatewayRoute,
  meta: ResponseMeta,
  hit: CacheHit,
): void {
  const headers = {
    ...routeHeaders(route, hit.model, [], request.dropped),
    'x-kirikae-cache': `hit; similarity=${hit.similarity.toFixed(2)}`,
  };
  const answer = new Answer();
  for (const event of hitEvents(hit)) answer.add(event);
  if (!request.stream) {
    const body =
      request.format === 'anthropic'
        ? anthropicMessage(answer, meta)
        : openAICompletion(answer, meta);
    return sendJson(res, 200, body, headers);
  }
  const write = (frame: string): void => void res.write(frame);
  const writer =
    request.format === 'anthropic'
      ? new AnthropicStreamWriter(write, meta)
      : new OpenAIStreamWriter(write, meta, request.includeUsage === true);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  writer.start();
  for (const event of hitEvents(hit)) writer.event(event);
  writer.finish();
  res.end();
}

/** After a paid answer: offered to the cache, which stores it only if it is text alone. */
async function remember(
  kit: GatewayCacheKit,
  question: TurnQuestion,
  answer: Answer,
  result: CallResult,
): Promise<void> {
  const costs = result.records.map((r) => r.costUsd);
  await kit.cache
    .remember(question, {
      answer: answer.text(),
      model: result.model,
      tier: result.records.at(-1)?.tier ?? null,
      usd: costs.includes(null) ? null : costs.reduce<number>((a, b) => a + (b ?? 0), 0),
      toolCalls: answer.blocks.filter((b) => b.type === 'tool_call').length,
      changedFiles: 0,
      outcome: result.outcome,
    })
    .catch(() => undefined);
  tellNotices(kit);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new KirikaeError('bad_request', 'Request body too large');
    parts.push(part as Buffer);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KirikaeError('bad_request', 'Request body is not JSON');
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: KirikaeError, format: ClientFormat, headers = {}) {
  const e = errorResponse(error, format);
  sendJson(res, e.status, e.body, { ...headers, ...e.headers });
}

function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Both APIs' model list in one body: OpenAI reads object/data[].id, Anthropic data[].type/id. */
function modelList(models: readonly string[]): unknown {
  const data = [...new Set(models)].map((id) => ({
    id,
    object: 'model',
    type: 'model',
    display_name: id,
    created: 0,
    created_at: '1970-01-01T00:00:00Z',
    owned_by: id.slice(0, id.indexOf('/')),
  }));
  return {
    object: 'list',
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}

function routeHeaders(
  route: GatewayRoute,
  model: string,
  tried: string[],
  dropped: readonly string[] = [],
): Record<string, string> {
  const option = route.decision.options.find((o) => o.model === model);
  const usd = option?.estimate.usdP50;
  return {
    'x-kirikae-route': model,
    'x-kirikae-estimate-usd': usd === null || usd === undefined ? 'unknown' : usd.toFixed(6),
    'x-kirikae-scenario': route.scenario,
    ...(tried.length ? { 'x-kirikae-fallback-from': tried.join(',') } : {}),
    // Parts kirikae's messages cannot carry yet (images, documents): said, never silently lost.
    ...(dropped.length ? { 'x-kirikae-dropped': dropped.join(',') } : {}),
  };
}

export function createGateway(kit: GatewayKit): Server {
  const counter = new TokenCounter();
  const live = kit.live ?? new GatewayLive();
  // A pin set through /kirikae/pin wins over the in-process screen's, being the later word.
  const pinned = () => live.pinned() ?? kit.pinned?.();
  const report = (view: GatewayRequestView): void => {
    live.note(view);
    kit.onRequest?.(view);
  };
  let turn = 0;

  async function call(
    req: IncomingMessage,
    res: ServerResponse,
    request: GatewayRequest,
  ): Promise<void> {
    const client = clientName(req.headers['user-agent']);
    const view: GatewayRequestView = {
      client,
      format: request.format,
      scenario: null,
      via: null,
      route: null,
      fallbackFrom: [],
      outcome: 'refused',
      records: [],
    };
    let route: GatewayRoute;
    try {
      route = routeRequest(request, { ...kit, pinned, counter });
    } catch (error) {
      const e = toKirikaeError(error, 'config');
      report({ ...view, error: e.describe() });
      return sendError(res, e, request.format);
    }
    Object.assign(view, { scenario: route.scenario, via: route.via, route: route.model });
    const id = randomUUID().replaceAll('-', '');
    const meta: ResponseMeta = {
      id: request.format === 'anthropic' ? `msg_kirikae_${id}` : `chatcmpl-kirikae-${id}`,
      model: request.model,
      inputEstimate: route.promptTokens,
    };
    const task = `gateway:${client}:${request.sessionId ?? id}`;
    const question = kit.cache?.enabled(client)
      ? gatewayQuestion(request, route.decision.chosen.tier)
      : undefined;
    const looked = question ? await lookupCached(kit.cache!, question) : undefined;
    if (looked && 'hit' in looked) {
      kit.cache!.append(
        cacheHitRecord(looked.hit, {
          session: 'gateway',
          task,
          turn: ++turn,
          taskType: route.decision.taskType,
          now: new Date(),
        }),
      );
      report({
        ...view,
        route: looked.hit.model,
        outcome: 'ok',
        cached: { similarity: looked.hit.similarity, savedUsd: looked.hit.usd },
      });
      return sendHit(res, request, route, meta, looked.hit);
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const write = (frame: string): void => void res.write(frame);
    const writer = request.stream
      ? request.format === 'anthropic'
        ? new AnthropicStreamWriter(write, meta)
        : new OpenAIStreamWriter(write, meta, request.includeUsage === true)
      : undefined;
    const answer = new Answer();
    let started = false;
    let tried: string[] = [];
    const begin = (model: string): void => {
      started = true;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        ...routeHeaders(route, model, tried, request.dropped),
      });
      writer?.start();
    };
    const result = await runCall(
      {
        turn: ++turn,
        // The client and its session name the task, so `kirikae costs --by task` splits them.
        task,
        taskType: route.decision.taskType,
        decision: route.decision,
        how: 'auto',
        ...(request.system ? { system: request.system } : {}),
        messages: request.messages,
        ...(request.tools ? { tools: request.tools } : {}),
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        model: route.model,
        signal: abort.signal,
      },
      kit.runner,
      (event) => {
        if (event.type === 'fallback') tried = [...tried, event.from];
        if (event.type !== 'stream') return;
        answer.add(event.event);
        if (!writer) return;
        const e = event.event;
        if (!started && (e.type === 'text' || e.type === 'reasoning' || e.type === 'tool_call'))
          begin(event.model);
        writer.event(e);
      },
    );
    Object.assign(view, {
      route: result.model,
      fallbackFrom: result.tried,
      outcome: result.outcome,
      records: result.records,
      ...(result.error ? { error: result.error.describe() } : {}),
    });
    report(view);
    if (question && result.outcome === 'ok') void remember(kit.cache!, question, answer, result);
    if (result.error && result.outcome === 'aborted' && res.destroyed) return;
    if (!writer) {
      if (result.error)
        return sendError(
          res,
          result.error,
          request.format,
          routeHeaders(route, result.model, result.tried, request.dropped),
        );
      const body =
        request.format === 'anthropic'
          ? anthropicMessage(answer, meta)
          : openAICompletion(answer, meta);
      return sendJson(
        res,
        200,
        body,
        routeHeaders(route, result.model, result.tried, request.dropped),
      );
    }
    if (result.error && !started) {
      return sendError(
        res,
        result.error,
        request.format,
        routeHeaders(route, result.model, result.tried, request.dropped),
      );
    }
    if (!started) begin(result.model);
    if (result.error) writer.fail(result.error);
    else writer.finish();
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname.replace(/\/+$/, '');
    const format: ClientFormat = path.startsWith('/v1/chat') ? 'openai' : 'anthropic';
    if (kit.token !== undefined && !tokenMatches(kit.token, presentedToken(req))) {
      return sendError(
        res,
        new KirikaeError('auth', 'Missing or wrong gateway token', {
          hint: 'send the --token given to kirikae serve as the API key',
        }),
        format,
      );
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, modelList(configuredModels(kit.config())));
    }
    if (path === '/kirikae/status' && req.method === 'GET')
      return sendJson(res, 200, live.status());
    if (path === '/kirikae/pin' && (req.method === 'PUT' || req.method === 'DELETE')) {
      const pin = live.setPin(req.method === 'DELETE' ? undefined : await readBody(req), (model) =>
        assertForcedModel(
          kit.routing.decide({ prompt: '', messages: [], override: { model } }),
          model,
          'pinned',
        ),
      );
      return sendJson(res, 200, { pin: pin ?? null });
    }
    if (req.method !== 'POST') {
      return sendError(
        res,
        new KirikaeError('not_found', `Not found: ${req.method} ${path}`),
        format,
      );
    }
    const body = await readBody(req);
    if (path === '/v1/messages') return call(req, res, fromAnthropicRequest(body));
    if (path === '/v1/chat/completions') return call(req, res, fromOpenAIRequest(body));
    if (path === '/v1/messages/count_tokens') {
      const r = fromAnthropicRequest(body);
      const counted = countRequest(counter, {
        ...(r.system ? { system: r.system } : {}),
        ...(r.tools ? { tools: r.tools } : {}),
        messages: r.messages,
      });
      return sendJson(res, 200, { input_tokens: counted.total });
    }
    return sendError(res, new KirikaeError('not_found', `Not found: POST ${path}`), format);
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = isKirikaeError(error) ? error : toKirikaeError(error, 'server');
      const format: ClientFormat = req.url?.startsWith('/v1/chat') ? 'openai' : 'anthropic';
      if (!res.headersSent) sendError(res, e, format);
      else res.destroy();
    });
  });
}

/** Starts the gateway on host:port (port 0 picks a free one). */
export async function startGateway(
  kit: GatewayKit,
  options: { host: string; port: number },
): Promise<Gateway> {
  const live = kit.live ?? new GatewayLive();
  const server = createGateway({ ...kit, live });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    server,
    live,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
