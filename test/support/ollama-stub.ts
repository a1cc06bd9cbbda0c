// A real HTTP server on 127.0.0.1 that speaks Ollama's wire format (see
// /work/shared/reference/ollama.md) with real residency state: chats load models into /api/ps
// with size = weights + KV cache at the requested num_ctx, keep_alive controls expiry, a
// different num_ctx reloads, and pulls stream per-layer progress and resume where they stopped.
// Tests script replies through `chatSteps` and `pullScripts` and inspect `requests`.
// Each call to startOllamaStub is an independent server (own models, residents, requests), so
// one test can run several hosts side by side.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { stubEmbedding } from './stub-embedding.js';

export interface StubModel {
  /** Name as listed by /api/tags, e.g. "qwen3:8b". A name without a tag means ":latest". */
  name: string;
  /** Weights (file) size in bytes. */
  size: number;
  digest?: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  blockCount?: number;
  headCountKv?: number;
  headCount?: number;
  keyLength?: number;
  embeddingLength?: number;
  contextLength?: number;
  capabilities?: string[];
  /**
   * A cloud model (`glm-4.7:cloud`): /api/tags lists it with remote_model/remote_host and a
   * ~384-byte size (api/types.go ListModelResponse); nothing of it is ever resident here.
   */
  remoteHost?: string;
  remoteModel?: string;
  /** Replaces the generated /api/show model_info (HF-style MLX models, per-layer arrays). */
  modelInfo?: Record<string, unknown>;
}

export interface OllamaChatStep {
  /** Content deltas, one NDJSON chunk each. */
  chunks?: string[];
  /** Sent in one chunk after the content chunks, arguments as objects (Ollama's convention). */
  toolCalls?: { name: string; arguments: unknown }[];
  /** Sent as `{"error": errorLine}` after the chunks, HTTP status staying 200. */
  errorLine?: string;
  /** Reply with this status and `{"error": httpError}` before any streaming. */
  httpStatus?: number;
  httpError?: string;
  chunkDelayMs?: number;
  /** Destroy the socket after this many chunks (no final chunk). */
  cutAfterChunks?: number;
  evalCount?: number;
  evalDurationNs?: number;
  promptEvalCount?: number;
  /** Overrides the load_duration reported when the model was not resident. */
  loadDurationNs?: number;
}

export interface StubPullLayer {
  digest: string;
  size: number;
}

export interface StubPullScript {
  /** Layers to download; default: one layer of the model's size plus two small ones. */
  layers?: StubPullLayer[];
  /** Progress lines per layer (after the early line without total/completed). Default 4. */
  chunksPerLayer?: number;
  chunkDelayMs?: number;
  /** Fail: 'not_found' (manifest), 'disk_full', or 'cut' (drop the connection). */
  failWith?: 'not_found' | 'disk_full' | 'cut';
  /** For disk_full/cut: how many progress lines go out first (default 2). */
  failAfterChunks?: number;
  /** Model added to /api/tags on success; default derived from the pull name and layer sizes. */
  model?: Omit<StubModel, 'name' | 'size'> & { size?: number };
}

export interface StubResident {
  name: string;
  /** keep_alive of the last request in ms; Infinity for a negative (forever) one. */
  sessionMs: number;
  /** The weights blob, as the server's modelPath: …/blobs/sha256-<digest>. */
  modelPath: string;
  size: number;
  sizeVram: number;
  expiresAt: Date;
  contextLength: number;
  digest: string;
  lastUsedAt: number;
}

export interface StubRequest {
  method: string;
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface OllamaStubOptions {
  models?: StubModel[];
  version?: string;
  /** num_ctx used when a request sends none (real servers pick it from GPU memory). */
  defaultNumCtx?: number;
  /** Server-side OLLAMA_KEEP_ALIVE. Default "5m". */
  defaultKeepAlive?: string | number;
  /** Server-side OLLAMA_NUM_PARALLEL. Default 1. */
  numParallel?: number;
  /**
   * Memory the server may fill; loading beyond it evicts in Ollama's own order (see
   * OLLAMA_MAX_LOADED_MODELS below).
   */
  capacityBytes?: number;
  /**
   * Server-side OLLAMA_MAX_LOADED_MODELS; default 3 (0 = auto = 3 per GPU, server/sched.go
   * defaultModelsPerGPU). When a load finds the server full it unloads like
   * findRunnerToUnload: sorted by keep_alive (as uint64, so "forever" sorts last), then model
   * path, the first idle one.
   */
  maxLoadedModels?: number;
  /** Reported load_duration for a cold load; default size / 5 GB/s. */
  loadDurationNs?: (model: StubModel) => number;
}

export interface OllamaStub {
  url: string;
  /** Installed models (mutable: tests may push or splice). */
  models: StubModel[];
  /** Replies for chats/generates with content, consumed in order; when empty the reply is "ok". */
  chatSteps: OllamaChatStep[];
  /** Pull behaviour per model name (normalised or as given). Unscripted unknown names fail. */
  pullScripts: Map<string, StubPullScript>;
  requests: StubRequest[];
  resident(): StubResident[];
  /** Models the server unloaded on its own to make room (count or memory), in order. */
  evictions: string[];
  /** Bytes already downloaded per layer digest by interrupted pulls (resume state). */
  partialDownloads: Map<string, number>;
  close(): Promise<void>;
}

const GO_MAX_DURATION_MS = 292 * 365.25 * 24 * 3600 * 1000; // Go's time.Duration max ≈ 292 years

/**
 * load_duration of calls on a model that was already resident: the warm values of Ollama's
 * docs/api.md examples (1.3–41.3 ms), replayed in turn. Never 0.
 */
export const WARM_LOAD_DURATIONS_NS = [
  5_025_959, 6_683_708, 4_071_084, 2_559_292, 1_334_875, 41_295_167, 2_154_458,
];

/** "qwen3:8b" → "registry.ollama.ai/library/qwen3:8b": the model.Name the server prints. */
export function fullModelName(name: string): string {
  const n = normaliseModelName(name);
  const slashes = n.split('/').length - 1;
  if (slashes === 0) return `registry.ollama.ai/library/${n}`;
  if (slashes === 1) return `registry.ollama.ai/${n}`;
  return n;
}

/** "llama3" → "llama3:latest", as the Ollama server resolves names. */
export function normaliseModelName(name: string): string {
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:latest`;
}

/** keep_alive → milliseconds; negative → forever (Infinity); undefined → default. */
export function keepAliveToMs(value: unknown, fallback: string | number = '5m'): number {
  const v = value === undefined || value === null || value === '' ? fallback : value;
  if (typeof v === 'number') return v < 0 ? Infinity : v * 1000;
  const s = String(v).trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return keepAliveToMs(Number(s));
  if (s.startsWith('-')) return Infinity;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0];
  }
  if (matched !== s) throw new Error(`time: invalid duration "${s}"`);
  return total;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startOllamaStub(options: OllamaStubOptions = {}): Promise<OllamaStub> {
  const models: StubModel[] = (options.models ?? []).map((m) => ({ ...m }));
  const chatSteps: OllamaChatStep[] = [];
  const pullScripts = new Map<string, StubPullScript>();
  const requests: StubRequest[] = [];
  const residents = new Map<string, StubResident>();
  /** Models the server unloaded by itself to make room, in order. */
  const evictions: string[] = [];
  const partialDownloads = new Map<string, number>();
  const version = options.version ?? '0.12.6';
  const numParallel = options.numParallel ?? 1;
  const sockets = new Set<Socket>();
  const maxLoaded = options.maxLoadedModels || 3;
  let warmIndex = 0;

  const find = (name: unknown): StubModel | undefined => {
    if (typeof name !== 'string' || !name) return undefined;
    const n = normaliseModelName(name);
    return models.find((m) => normaliseModelName(m.name) === n);
  };
  const digestOf = (m: StubModel) => m.digest ?? sha(m.name);
  const modelPathOf = (m: StubModel) =>
    `/Users/dev/.ollama/models/blobs/sha256-${sha(`${normaliseModelName(m.name)}/weights`)}`;
  const arch = (m: StubModel) => m.family ?? 'llama';
  const facts = (m: StubModel) => {
    const blockCount = m.blockCount ?? 32;
    const headCount = m.headCount ?? 32;
    const headCountKv = m.headCountKv ?? 8;
    const embeddingLength = m.embeddingLength ?? 4096;
    const keyLength = m.keyLength ?? embeddingLength / headCount;
    const contextLength = m.contextLength ?? 131072;
    return { blockCount, headCount, headCountKv, embeddingLength, keyLength, contextLength };
  };
  // Independent of src/local/kv.ts on purpose: the stub is the reference the planner is tested
  // against. f16 cache, like a stock server.
  const kvBytes = (m: StubModel, numCtx: number) => {
    const f = facts(m);
    return 2 * f.blockCount * f.headCountKv * f.keyLength * numCtx * numParallel * 2;
  };
  const coldLoadNs = (m: StubModel) =>
    options.loadDurationNs ? options.loadDurationNs(m) : Math.round((m.size / 5e9) * 1e9);

  const expireResidents = () => {
    const now = Date.now();
    for (const [k, r] of residents) if (r.expiresAt.getTime() <= now) residents.delete(k);
  };

  /** Makes the model resident; returns the load duration in ns (0 when it already was). */
  const touch = (m: StubModel, numCtxRequested: unknown, keepAlive: unknown): number => {
    expireResidents();
    const key = normaliseModelName(m.name);
    const maxCtx = facts(m).contextLength;
    const wanted =
      typeof numCtxRequested === 'number' && numCtxRequested > 0
        ? numCtxRequested
        : (options.defaultNumCtx ?? 4096);
    // Real servers cap num_ctx at the model's trained context.
    const numCtx = Math.min(wanted, maxCtx);
    const ttl = keepAliveToMs(keepAlive, options.defaultKeepAlive ?? '5m');
    const expiresAt = new Date(Date.now() + Math.min(ttl, GO_MAX_DURATION_MS));
    const existing = residents.get(key);
    const now = Date.now();
    if (existing && existing.contextLength === numCtx) {
      existing.expiresAt = expiresAt;
      existing.lastUsedAt = now;
      existing.sessionMs = ttl;
      return WARM_LOAD_DURATIONS_NS[warmIndex++ % WARM_LOAD_DURATIONS_NS.length]!;
    }
    residents.delete(key); // a different num_ctx means a reload
    const size = m.size + kvBytes(m, numCtx);
    // server/sched.go processPending: full by count, or the new model does not fit → unload
    // findRunnerToUnload's choice, one at a time.
    const byDurationAndName = () =>
      [...residents.values()].sort((a, b) =>
        a.sessionMs !== b.sessionMs
          ? a.sessionMs - b.sessionMs
          : a.modelPath < b.modelPath
            ? -1
            : a.modelPath > b.modelPath
              ? 1
              : 0,
      );
    const used = () => [...residents.values()].reduce((s, r) => s + r.size, 0);
    while (
      residents.size > 0 &&
      (residents.size >= maxLoaded ||
        (options.capacityBytes !== undefined && used() + size > options.capacityBytes))
    ) {
      const victim = byDurationAndName()[0]!;
      residents.delete(normaliseModelName(victim.name));
      evictions.push(victim.name);
    }
    residents.set(key, {
      name: m.name,
      sessionMs: ttl,
      modelPath: modelPathOf(m),
      size,
      sizeVram: size,
      expiresAt,
      contextLength: numCtx,
      digest: digestOf(m),
      lastUsedAt: now,
    });
    return coldLoadNs(m);
  };

  const details = (m: StubModel) => ({
    parent_model: '',
    format: 'gguf',
    family: arch(m),
    families: [arch(m)],
    parameter_size: m.parameterSize ?? '8.0B',
    quantization_level: m.quantization ?? 'Q4_K_M',
  });

  const parameterCount = (m: StubModel) => {
    const match = /^([\d.]+)\s*([KMBT])?/i.exec(m.parameterSize ?? '8.0B');
    const mult: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
    return match ? Math.round(Number(match[1]) * (mult[(match[2] ?? '').toUpperCase()] ?? 1)) : 0;
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const notFound = (res: ServerResponse, name: unknown) =>
    sendJson(res, 404, { error: `model '${String(name)}' not found` });

  const writeLine = (res: ServerResponse, obj: unknown) =>
    new Promise<void>((resolve) => {
      if (res.destroyed || res.writableEnded) return resolve();
      res.write(JSON.stringify(obj) + '\n', () => resolve());
    });
  const cut = async (res: ServerResponse) => {
    // Let the written chunks reach the client before the socket goes away.
    await sleep(5);
    res.socket?.destroy();
  };

  const handleChatOrGenerate = async (
    kind: 'chat' | 'generate',
    body: Record<string, unknown>,
    res: ServerResponse,
  ) => {
    const model = find(body.model);
    if (!model) return notFound(res, body.model);
    const createdAt = () => new Date().toISOString();
    const isEmpty =
      kind === 'chat'
        ? !Array.isArray(body.messages) || body.messages.length === 0
        : typeof body.prompt !== 'string' || body.prompt === '';
    const options = (body.options ?? {}) as Record<string, unknown>;
    const emptyReply = (reason: 'load' | 'unload') =>
      kind === 'chat'
        ? {
            model: body.model,
            created_at: createdAt(),
            message: { role: 'assistant', content: '' },
            done_reason: reason,
            done: true,
          }
        : {
            model: body.model,
            created_at: createdAt(),
            response: '',
            done: true,
            done_reason: reason,
          };

    if (isEmpty) {
      const ka = body.keep_alive;
      if (ka !== undefined && keepAliveToMs(ka) === 0) {
        residents.delete(normaliseModelName(model.name));
        return sendJson(res, 200, emptyReply('unload'));
      }
      touch(model, options.num_ctx, ka);
      return sendJson(res, 200, emptyReply('load'));
    }

    // server/routes.go ChatHandler asks for CapabilityTools when tools are sent; scheduleRunner
    // wraps CheckCapabilities' error as "<model.Name> does not support tools" and
    // handleScheduleError answers 400 with it (errCapabilities, server/images.go).
    const caps = model.capabilities ?? ['completion', 'tools'];
    if (
      kind === 'chat' &&
      Array.isArray(body.tools) &&
      body.tools.length &&
      !caps.includes('tools')
    ) {
      return sendJson(res, 400, { error: `${fullModelName(model.name)} does not support tools` });
    }
    const step: OllamaChatStep = chatSteps.shift() ?? { chunks: ['ok'] };
    if (step.httpStatus) {
      return sendJson(res, step.httpStatus, { error: step.httpError ?? 'stub error' });
    }
    const started = process.hrtime.bigint();
    // A cloud model runs on ollama.com: nothing loads here.
    let loadNs = model.remoteHost ? 0 : touch(model, options.num_ctx, body.keep_alive);
    if (loadNs > 0 && step.loadDurationNs !== undefined) loadNs = step.loadDurationNs;
    const chunks = step.chunks ?? [];
    const piece = (content: string, extra: Record<string, unknown> = {}) =>
      kind === 'chat'
        ? {
            model: body.model,
            created_at: createdAt(),
            message: { role: 'assistant', content, ...extra },
            done: false,
          }
        : { model: body.model, created_at: createdAt(), response: content, done: false };
    const toolCalls = step.toolCalls?.map((t) => ({
      function: { name: t.name, arguments: t.arguments },
    }));
    const toolCallPiece = toolCalls?.length ? piece('', { tool_calls: toolCalls }) : undefined;
    const evalCount = step.evalCount ?? Math.max(1, chunks.length);
    const evalDurationNs = step.evalDurationNs ?? evalCount * 20_000_000; // 50 tok/s
    const promptEvalCount = step.promptEvalCount ?? 12;
    const final = (doneReason: string) => {
      const base = {
        model: body.model,
        created_at: createdAt(),
        done: true,
        done_reason: doneReason,
        total_duration: Number(process.hrtime.bigint() - started) + loadNs + evalDurationNs,
        load_duration: loadNs,
        prompt_eval_count: promptEvalCount,
        prompt_eval_duration: promptEvalCount * 1_000_000,
        eval_count: evalCount,
        eval_duration: evalDurationNs,
      };
      return kind === 'chat'
        ? { ...base, message: { role: 'assistant', content: '' } }
        : { ...base, response: '' };
    };

    if (body.stream === false) {
      const content = chunks.join('');
      // Unstreamed, Ollama answers once the whole reply is generated: the chunks' time first.
      if (step.chunkDelayMs) await sleep(step.chunkDelayMs * Math.max(1, chunks.length));
      if (res.destroyed) return;
      if (step.errorLine) return sendJson(res, 500, { error: step.errorLine });
      const f = final('stop') as Record<string, unknown>;
      if (kind === 'chat') {
        f.message = {
          role: 'assistant',
          content,
          ...(toolCalls?.length ? { tool_calls: toolCalls } : {}),
        };
      } else f.response = content;
      return sendJson(res, 200, f);
    }

    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const lines: unknown[] = chunks.map((c) => piece(c));
    if (toolCallPiece) lines.push(toolCallPiece);
    let sent = 0;
    for (const line of lines) {
      if (step.cutAfterChunks !== undefined && sent >= step.cutAfterChunks) return cut(res);
      if (step.chunkDelayMs) await sleep(step.chunkDelayMs);
      if (res.destroyed) return;
      await writeLine(res, line);
      sent++;
    }
    if (step.cutAfterChunks !== undefined && sent >= step.cutAfterChunks) return cut(res);
    if (step.errorLine) {
      await writeLine(res, { error: step.errorLine });
      return res.end();
    }
    await writeLine(res, final('stop'));
    res.end();
  };

  const defaultLayers = (name: string, size: number): StubPullLayer[] => [
    { digest: `sha256:${sha(`${name}/weights`)}`, size },
    { digest: `sha256:${sha(`${name}/template`)}`, size: 1_482 },
    { digest: `sha256:${sha(`${name}/params`)}`, size: 487 },
  ];

  const handlePull = async (body: Record<string, unknown>, res: ServerResponse) => {
    const name = String(body.model ?? body.name ?? '');
    const script = pullScripts.get(name) ?? pullScripts.get(normaliseModelName(name));
    const installed = find(name);
    const streaming = body.stream !== false;
    if (!streaming) {
      // Non-streamed pulls are not used by kirikae; answer the final status only.
      if (!script && !installed)
        return sendJson(res, 500, { error: 'pull model manifest: file does not exist' });
      return sendJson(res, 200, { status: 'success' });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    await writeLine(res, { status: 'pulling manifest' });
    if ((!script && !installed) || script?.failWith === 'not_found') {
      if (script?.chunkDelayMs) await sleep(script.chunkDelayMs);
      await writeLine(res, { error: 'pull model manifest: file does not exist' });
      return res.end();
    }
    const size = script?.model?.size ?? installed?.size ?? 4_000_000_000;
    const layers = script?.layers ?? defaultLayers(normaliseModelName(name), size);
    const perLayer = script?.chunksPerLayer ?? 4;
    const failAfter = script?.failAfterChunks ?? 2;
    let progressLines = 0;
    for (const layer of layers) {
      const short = layer.digest.replace(/^sha256:/, '').slice(0, 12);
      const status = `pulling ${short}`;
      // The early line: the blob size is not known yet.
      await writeLine(res, { status, digest: layer.digest });
      let done = installed
        ? layer.size
        : Math.min(partialDownloads.get(layer.digest) ?? 0, layer.size);
      const step = Math.max(1, Math.ceil(layer.size / perLayer));
      for (;;) {
        if (script?.chunkDelayMs) await sleep(script.chunkDelayMs);
        if (res.destroyed) return; // client aborted: keep what was downloaded for a resume
        if (script?.failWith && progressLines >= failAfter) {
          if (script.failWith === 'cut') return cut(res);
          const blob = layer.digest.replace(':', '-');
          await writeLine(res, {
            error: `write /Users/dev/.ollama/models/blobs/${blob}-partial-0: no space left on device`,
          });
          return res.end();
        }
        done = Math.min(layer.size, done + step);
        partialDownloads.set(layer.digest, done);
        await writeLine(res, { status, digest: layer.digest, total: layer.size, completed: done });
        progressLines++;
        if (done >= layer.size) break;
      }
    }
    await writeLine(res, { status: 'verifying sha256 digest' });
    await writeLine(res, { status: 'writing manifest' });
    if (!installed) {
      const total = layers.reduce((s, l) => s + l.size, 0);
      models.push({
        ...script?.model,
        name: normaliseModelName(name),
        size: script?.model?.size ?? total,
      });
    }
    for (const l of layers) partialDownloads.delete(l.digest);
    await writeLine(res, { status: 'success' });
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
    });
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        requests.push({ method: req.method ?? 'GET', path: url.pathname, body: raw });
        return sendJson(res, 400, { error: 'invalid character in request body' });
      }
    }
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      body: raw ? body : undefined,
    });
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('Ollama is running');
      case 'GET /api/version':
        return sendJson(res, 200, { version });
      case 'GET /api/tags':
        return sendJson(res, 200, {
          models: models.map((m) => ({
            name: m.name,
            model: m.name,
            modified_at: '2026-01-15T10:00:00.000000+01:00',
            size: m.size,
            digest: digestOf(m),
            details: details(m),
            ...(m.remoteHost
              ? {
                  remote_model: m.remoteModel ?? m.name.replace(/[:-]cloud$/, ''),
                  remote_host: m.remoteHost,
                }
              : {}),
            ...(m.capabilities ? { capabilities: m.capabilities } : {}),
          })),
        });
      case 'GET /api/ps': {
        expireResidents();
        const list = [...residents.values()].sort(
          (a, b) => b.expiresAt.getTime() - a.expiresAt.getTime(),
        );
        return sendJson(res, 200, {
          models: list.map((r) => {
            const m = find(r.name);
            return {
              name: r.name,
              model: r.name,
              size: r.size,
              digest: r.digest,
              details: m ? details(m) : {},
              expires_at: r.expiresAt.toISOString(),
              size_vram: r.sizeVram,
              context_length: r.contextLength,
            };
          }),
        });
      }
      case 'POST /api/show': {
        const m = find(body.model ?? body.name);
        if (!m) return notFound(res, body.model ?? body.name);
        const f = facts(m);
        const a = arch(m);
        return sendJson(res, 200, {
          license: '',
          // Model.String() writes FROM <ModelPath> (server/images.go): the weights blob, which
          // is also the scheduler's tie-break when it picks a model to unload.
          modelfile: `# Modelfile generated by "ollama show"\n# To build a new Modelfile based on this, replace FROM with:\n# FROM ${m.name}\n\nFROM ${modelPathOf(m)}\n`,
          parameters: 'stop "<|im_end|>"',
          template: '{{ .Prompt }}',
          details: details(m),
          model_info: m.modelInfo ?? {
            'general.architecture': a,
            'general.parameter_count': parameterCount(m),
            'general.file_type': 15,
            [`${a}.block_count`]: f.blockCount,
            [`${a}.attention.head_count`]: f.headCount,
            [`${a}.attention.head_count_kv`]: f.headCountKv,
            [`${a}.attention.key_length`]: f.keyLength,
            [`${a}.attention.value_length`]: f.keyLength,
            [`${a}.embedding_length`]: f.embeddingLength,
            [`${a}.context_length`]: f.contextLength,
          },
          capabilities: m.capabilities ?? ['completion', 'tools'],
          modified_at: '2026-01-15T10:00:00.000000+01:00',
        });
      }
      case 'POST /api/chat':
        return handleChatOrGenerate('chat', body, res);
      case 'POST /api/generate':
        return handleChatOrGenerate('generate', body, res);
      case 'DELETE /api/delete': {
        const name = body.model ?? body.name;
        const m = find(name);
        if (!m) return notFound(res, name);
        models.splice(models.indexOf(m), 1);
        residents.delete(normaliseModelName(m.name));
        res.writeHead(200).end();
        return;
      }
      case 'POST /api/pull':
        return handlePull(body, res);
      case 'POST /api/embed': {
        // docs/api.md "Generate Embeddings": {model, input: string | string[]} →
        // {"model", "embeddings": [[...]], "total_duration", "load_duration",
        // "prompt_eval_count"}; one L2-normalised vector per input. A model that is not
        // installed is a 404 like every other endpoint's (server/routes.go EmbedHandler).
        const m = find(body.model);
        if (!m) return notFound(res, body.model);
        const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
        const texts = inputs.map((x) => String(x));
        return sendJson(res, 200, {
          model: m.name,
          embeddings: texts.map((t) => stubEmbedding(t)),
          total_duration: 14_143_917,
          load_duration: 1_019_500,
          prompt_eval_count: texts.reduce((n, t) => n + t.split(/\s+/).length, 0),
        });
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('404 page not found');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    models,
    chatSteps,
    pullScripts,
    requests,
    evictions,
    partialDownloads,
    resident: () => {
      expireResidents();
      return [...residents.values()]
        .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())
        .map((r) => ({ ...r }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A llama-shaped model (32 layers × 8 KV heads × 128: 128 KiB of f16 KV per token). */
export function llamaShapedModel(name: string, sizeBytes: number): StubModel {
  return {
    name,
    size: sizeBytes,
    blockCount: 32,
    headCountKv: 8,
    keyLength: 128,
    contextLength: 131072,
  };
}
