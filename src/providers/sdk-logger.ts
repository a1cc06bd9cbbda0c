/** The logger shape the Anthropic and OpenAI SDKs accept (`logger` client option). */
export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

function format(message: string, rest: unknown[]): string {
  const parts = rest.map((item) => (typeof item === 'string' ? item : safeJson(item)));
  return [message, ...parts].join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * SDK clients default to console, and any stray line corrupts the Ink screen. Warnings go to
 * the app; error lines are dropped because the SDKs log them only next to an error they also
 * throw, which reaches the user as an error event; info and debug are noise.
 */
export function sdkLogger(onNotice?: (message: string) => void): SdkLogger {
  const ignore = (): void => {};
  return {
    error: ignore,
    warn: (message, ...rest) => onNotice?.(format(message, rest)),
    info: ignore,
    debug: ignore,
  };
}

/**
 * Runs `fn` with console.warn redirected into `sink`. The Anthropic SDK warns about deprecated
 * models with console.warn (not its logger) synchronously inside messages.create(), so a
 * synchronous capture around that call catches it without touching other output.
 */
export function captureConsoleWarn<T>(sink: (message: string) => void, fn: () => T): T {
  const original = console.warn;
  console.warn = (...args: unknown[]) => sink(args.map((a) => String(a)).join(' '));
  try {
    return fn();
  } finally {
    console.warn = original;
  }
}
