import { KirikaeError } from '../core/index.js';
import type { ErrorKind, ProviderId } from '../core/index.js';
import { headerGetter, NO_HEADERS, retryAfterMs, type HeaderGetter } from './retry-after.js';

/**
 * Error mapping is duck-typed rather than `instanceof`-based so it needs no SDK import: the
 * Anthropic and OpenAI SDKs share the Stainless error shape (status, headers, error body), and
 * ollama-js throws a ResponseError with `status_code`.
 */

export interface ErrorContext {
  provider: ProviderId;
  model?: string;
  keyVar?: string;
  baseUrl?: string;
  baseUrlVar?: string;
  /** Epoch ms used to turn reset timestamps into a wait; tests pin it. */
  now?: number;
}

export const PROVIDER_LABELS: Readonly<Record<ProviderId, string>> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  openrouter: 'OpenRouter',
  deepseek: 'DeepSeek',
  ollama: 'Ollama',
};

/** An SDK failure reduced to the facts the classification needs. */
export type Failure =
  | {
      type: 'http';
      status: number;
      errorType?: string;
      code?: string;
      message: string;
      headers: HeaderGetter;
    }
  /** An error reported inside a 200 stream (`event: error`, `data: {"error":…}`, Ollama's error line). */
  | { type: 'in_stream'; errorType?: string; code?: string; message: string; headers: HeaderGetter }
  | { type: 'connection'; timeout: boolean; message: string }
  | { type: 'aborted' }
  | { type: 'malformed'; message: string }
  | { type: 'unknown'; message: string };

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** type / code / message from an error body: Anthropic nests it under `error`, OpenAI does not. */
function bodyFacts(body: unknown): { errorType?: string; code?: string; message?: string } {
  const outer = asRecord(body);
  if (!outer) return { message: asString(body) };
  const inner = asRecord(outer.error) ?? outer;
  const details = asRecord(inner.details);
  const metadata = asRecord(inner.metadata);
  const message = asString(inner.message) ?? asString(outer.message);
  // OpenRouter wraps the upstream provider's error text in metadata.raw.
  const raw = asString(metadata?.raw);
  return {
    errorType: asString(inner.type),
    code: asString(details?.error_code) ?? asString(inner.code),
    message: raw && message && !message.includes(raw) ? `${message} (${raw})` : message,
  };
}

function errorName(error: object): string {
  const own = (error as { name?: unknown }).name;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return [own, ctor].filter((n): n is string => typeof n === 'string').join(' ');
}

const CONNECTION_CODES =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR/;

function causeChainText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const record = asRecord(current);
    if (!record) break;
    parts.push(String(record.message ?? ''), String(record.code ?? ''), String(record.name ?? ''));
    current = record.cause;
  }
  return parts.join(' ');
}

/** Reduces anything an SDK can throw to a Failure. */
export function describeFailure(error: unknown): Failure {
  const record = asRecord(error);
  if (!record) return { type: 'unknown', message: String(error) };
  const name = errorName(record);
  const message = asString(record.message) ?? name;
  if (/AbortError|APIUserAbortError/.test(name)) return { type: 'aborted' };
  if (error instanceof SyntaxError) return { type: 'malformed', message };
  if (typeof record.status === 'number') {
    const facts = bodyFacts(record.error);
    return {
      type: 'http',
      status: record.status,
      errorType: facts.errorType ?? asString(record.type),
      code: facts.code ?? asString(record.errorCode) ?? asString(record.code),
      message: facts.message ?? message,
      headers: headerGetter(record.headers),
    };
  }
  if (typeof record.status_code === 'number') {
    return {
      type: 'http',
      status: record.status_code,
      message: asString(record.error) ?? message,
      headers: NO_HEADERS,
    };
  }
  if (/ConnectionTimeout/.test(name)) return { type: 'connection', timeout: true, message };
  if (/APIConnectionError/.test(name)) {
    return { type: 'connection', timeout: false, message: connectionMessage(record, message) };
  }
  // A Stainless APIError without status carries an error body sent inside the stream.
  if (record.error !== undefined && 'headers' in record) {
    const facts = bodyFacts(record.error);
    return {
      type: 'in_stream',
      errorType: facts.errorType ?? asString(record.type),
      code: facts.code,
      message: facts.message ?? message,
      headers: headerGetter(record.headers),
    };
  }
  const chain = causeChainText(error);
  if (
    error instanceof TypeError ||
    CONNECTION_CODES.test(chain) ||
    /terminated|socket/i.test(chain)
  ) {
    return {
      type: 'connection',
      timeout: /timed? ?out|ETIMEDOUT/i.test(chain),
      message: connectionMessage(record, message),
    };
  }
  return { type: 'unknown', message };
}

function connectionMessage(record: Record<string, unknown>, message: string): string {
  const cause = asRecord(record.cause);
  const detail = cause
    ? (asString(asRecord(cause.cause)?.code) ?? asString(cause.message))
    : undefined;
  return detail && !message.includes(detail) ? `${message} (${detail})` : message;
}

const SPEND_LIMIT =
  /spend(ing)?[ _]limit|credit balance|insufficient[ _](credit|balance|funds|quota)|exceeded your current quota|quota[ _](exceeded|exhausted)|billing|out of credits|payment required|more credits/i;
const CONTEXT_LENGTH =
  /context[ _](length|window)|prompt is too long|too many tokens|maximum context|too long|exceeds? the (maximum|limit)|input length/i;
const OVERLOADED = /overloaded/i;

export function isSpendLimitText(text: string): boolean {
  return SPEND_LIMIT.test(text);
}

/**
 * Ollama refusing a load for memory: on Linux and Windows "model requires more system memory (X)
 * than is available (Y)" (llm/server.go: the CPU share of the model against free RAM + swap;
 * macOS has no such check), and the allocation failures later versions report in words.
 */
const OLLAMA_MEMORY =
  /requires more system memory|out of memory|not enough memory|insufficient memory|failed to allocate|allocation failed/i;

function hintFor(kind: ErrorKind, ctx: ErrorContext, text = ''): string | undefined {
  const label = PROVIDER_LABELS[ctx.provider];
  if (ctx.provider === 'ollama' && OLLAMA_MEMORY.test(text)) {
    return `Not enough free memory for ${ctx.model ?? 'the model'} now: unload a model (Ctrl-O, or \`ollama stop <model>\`), close other apps, or pick a smaller model or context`;
  }
  switch (kind) {
    case 'auth':
      return ctx.keyVar
        ? `Check ${ctx.keyVar}: ${label} rejected the key`
        : `${label} refused the request: check ${ctx.baseUrlVar ?? 'the server settings'}`;
    case 'spend_limit':
      return `Raise the spend limit or add credit in your ${label} account`;
    case 'context_length':
      return 'Compact the conversation or pick a model with a larger context window';
    case 'not_found':
      return ctx.provider === 'ollama'
        ? `Run \`ollama pull ${ctx.model ?? '<model>'}\``
        : `Check the model id${ctx.model ? ` "${ctx.model}"` : ''} for ${label}`;
    case 'network':
      return ctx.provider === 'ollama'
        ? `Is Ollama running at ${ctx.baseUrl ?? 'OLLAMA_HOST'}? Start it with \`ollama serve\` or set OLLAMA_HOST`
        : `Check the network connection${ctx.baseUrlVar ? ` and ${ctx.baseUrlVar}` : ''}`;
    case 'overloaded':
      return `${label} is overloaded: retry shortly or route the turn to another tier`;
    default:
      return undefined;
  }
}

function kindForStatus(status: number, text: string, errorType: string | undefined): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'spend_limit';
  if (status === 429) return isSpendLimitText(text) ? 'spend_limit' : 'rate_limit';
  if (status === 529 || errorType === 'overloaded_error') return 'overloaded';
  if (status === 413) return 'context_length';
  if (status === 404) return 'not_found';
  if (status === 408) return 'network';
  if (status === 400 || status === 422) {
    if (CONTEXT_LENGTH.test(text)) return 'context_length';
    if (isSpendLimitText(text) || errorType === 'billing_error') return 'spend_limit';
    return 'bad_request';
  }
  if (status >= 500) return OVERLOADED.test(text) ? 'overloaded' : 'server';
  return status >= 400 ? 'bad_request' : 'bad_response';
}

function kindForInStream(
  errorType: string | undefined,
  code: string | undefined,
  text: string,
): ErrorKind {
  if (errorType === 'overloaded_error' || OVERLOADED.test(text)) return 'overloaded';
  const status = Number(code);
  if (code && Number.isInteger(status) && status >= 400)
    return kindForStatus(status, text, errorType);
  if (errorType === 'rate_limit_error' || code === 'rate_limit_exceeded') {
    return isSpendLimitText(text) ? 'spend_limit' : 'rate_limit';
  }
  if (errorType === 'billing_error' || isSpendLimitText(text)) return 'spend_limit';
  if (errorType === 'authentication_error' || errorType === 'permission_error') return 'auth';
  if (CONTEXT_LENGTH.test(text)) return 'context_length';
  if (errorType === 'invalid_request_error') return 'bad_request';
  return 'server';
}

export function classifyFailure(
  failure: Failure,
  ctx: ErrorContext,
  cause?: unknown,
): KirikaeError {
  const label = PROVIDER_LABELS[ctx.provider];
  const make = (
    kind: ErrorKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number } = {},
  ) =>
    new KirikaeError(kind, message, {
      provider: ctx.provider,
      hint: hintFor(kind, ctx, message),
      cause,
      ...extra,
    });
  switch (failure.type) {
    case 'aborted':
      return make('aborted', `${label} request aborted`);
    case 'malformed':
      return make('bad_response', `${label} sent a malformed stream chunk: ${failure.message}`);
    case 'connection':
      return make(
        'network',
        failure.timeout
          ? `${label} request timed out`
          : `Cannot reach ${label}: ${failure.message}`,
      );
    case 'unknown':
      return make('bad_response', `${label}: ${failure.message}`);
    case 'http': {
      const text = [failure.errorType, failure.code, failure.message].filter(Boolean).join(' ');
      const kind = kindForStatus(failure.status, text, failure.errorType);
      const wait =
        kind === 'rate_limit' || kind === 'overloaded'
          ? retryAfterMs(failure.headers, ctx.now)
          : undefined;
      const type = failure.errorType ? ` ${failure.errorType}` : '';
      return make(kind, `${label} ${failure.status}${type}: ${failure.message}`, {
        status: failure.status,
        retryAfterMs: wait,
      });
    }
    case 'in_stream': {
      const text = [failure.errorType, failure.code, failure.message].filter(Boolean).join(' ');
      const kind = kindForInStream(failure.errorType, failure.code, text);
      const type = failure.errorType ? ` (${failure.errorType})` : '';
      return make(kind, `${label} stream error${type}: ${failure.message}`, {
        retryAfterMs: kind === 'rate_limit' ? retryAfterMs(failure.headers, ctx.now) : undefined,
      });
    }
  }
}

/** Any thrown value → a KirikaeError with a kind; KirikaeErrors pass through unchanged. */
export function mapProviderError(error: unknown, ctx: ErrorContext): KirikaeError {
  if (error instanceof KirikaeError) return error;
  return classifyFailure(describeFailure(error), ctx, error);
}

/** The error for a provider whose key variable is unset: nothing is sent. */
export function missingKeyError(ctx: ErrorContext): KirikaeError {
  const label = PROVIDER_LABELS[ctx.provider];
  return new KirikaeError('auth', `No ${label} API key`, {
    provider: ctx.provider,
    hint: `Set ${ctx.keyVar ?? 'the API key variable'} in the environment`,
  });
}
