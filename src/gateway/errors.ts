// KirikaeError → the HTTP status and error body each client already knows how to show.
// Anthropic: {"type":"error","error":{"type","message"}} with 401 authentication_error, 403
// permission_error, 404 not_found_error, 429 rate_limit_error (+ retry-after), 500 api_error,
// 529 overloaded_error (API reference, "Errors"). OpenAI: {"error":{"message","type","param",
// "code"}} (openai SDK APIError reads error.message / type / code).
import type { ErrorKind, KirikaeError } from '../core/errors.js';
import type { ClientFormat } from './request.js';

interface ErrorShape {
  status: number;
  anthropicType: string;
  openaiType: string;
}

const SHAPES: Record<ErrorKind, ErrorShape> = {
  rate_limit: { status: 429, anthropicType: 'rate_limit_error', openaiType: 'rate_limit_exceeded' },
  overloaded: { status: 529, anthropicType: 'overloaded_error', openaiType: 'server_error' },
  auth: { status: 401, anthropicType: 'authentication_error', openaiType: 'invalid_api_key' },
  // A budget refusal must not be retried by the client: 403, never 429.
  spend_limit: { status: 403, anthropicType: 'permission_error', openaiType: 'budget_exceeded' },
  context_length: {
    status: 400,
    anthropicType: 'invalid_request_error',
    openaiType: 'context_length_exceeded',
  },
  bad_request: {
    status: 400,
    anthropicType: 'invalid_request_error',
    openaiType: 'invalid_request_error',
  },
  config: {
    status: 400,
    anthropicType: 'invalid_request_error',
    openaiType: 'invalid_request_error',
  },
  not_found: { status: 404, anthropicType: 'not_found_error', openaiType: 'model_not_found' },
  network: { status: 502, anthropicType: 'api_error', openaiType: 'server_error' },
  server: { status: 502, anthropicType: 'api_error', openaiType: 'server_error' },
  bad_response: { status: 502, anthropicType: 'api_error', openaiType: 'server_error' },
  timeout: { status: 504, anthropicType: 'api_error', openaiType: 'server_error' },
  // The client went away; nobody reads this, but the status is honest.
  aborted: { status: 499, anthropicType: 'api_error', openaiType: 'request_cancelled' },
};

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The message a client shows: kirikae's sentence with its fix, marked as kirikae's. */
export function errorMessage(error: KirikaeError): string {
  return `kirikae: ${error.describe()}`;
}

export function errorResponse(error: KirikaeError, format: ClientFormat): ErrorResponse {
  const shape = SHAPES[error.kind];
  const headers: Record<string, string> = {};
  if (error.kind === 'rate_limit' || error.kind === 'overloaded') {
    headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
  }
  const message = errorMessage(error);
  const body =
    format === 'anthropic'
      ? { type: 'error', error: { type: shape.anthropicType, message } }
      : { error: { message, type: shape.openaiType, param: null, code: shape.openaiType } };
  return { status: shape.status, headers, body };
}

/** The Anthropic error type for a mid-stream `event: error`. */
export function anthropicErrorType(kind: ErrorKind): string {
  return SHAPES[kind].anthropicType;
}
