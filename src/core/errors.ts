// Errors are values with a kind, so the router and the UI decide by kind, never by message text.
export const ERROR_KINDS = [
  'rate_limit',
  'overloaded',
  'auth',
  'context_length',
  'network',
  'spend_limit',
  'bad_response',
  'aborted',
  /** kirikae's own time-to-first-byte or inter-chunk idle limit ran out. */
  'timeout',
  'server',
  'not_found',
  'bad_request',
  'config',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Kinds worth retrying on the same provider or falling back from to the next route. */
const RETRYABLE: ReadonlySet<ErrorKind> = new Set([
  'rate_limit',
  'overloaded',
  'network',
  'server',
  'bad_response',
  'timeout',
]);

export function isRetryable(kind: ErrorKind): boolean {
  return RETRYABLE.has(kind);
}

export interface KirikaeErrorOptions {
  provider?: string;
  status?: number;
  /** How long the provider asked us to wait (retry-after or rate-limit reset), in ms. */
  retryAfterMs?: number;
  /** One actionable sentence: what the user should do about it. */
  hint?: string;
  cause?: unknown;
}

export class KirikaeError extends Error {
  readonly kind: ErrorKind;
  readonly provider?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly hint?: string;

  constructor(kind: ErrorKind, message: string, options: KirikaeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KirikaeError';
    this.kind = kind;
    this.provider = options.provider;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.hint = options.hint;
  }

  /** The single line shown to the user: message, then the fix. */
  describe(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

export function isKirikaeError(value: unknown): value is KirikaeError {
  return value instanceof KirikaeError;
}

export function toKirikaeError(
  value: unknown,
  fallbackKind: ErrorKind = 'bad_response',
): KirikaeError {
  if (value instanceof KirikaeError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new KirikaeError(fallbackKind, message, { cause: value });
}
