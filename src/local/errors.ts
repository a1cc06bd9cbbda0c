import { KirikaeError, isKirikaeError } from '../core/errors.js';

const START_HINT = 'Start it with `ollama serve`, or set OLLAMA_HOST to where it runs';

function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessages(error: unknown): string[] {
  const messages: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) messages.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  return messages;
}

/**
 * Maps what the ollama client throws (ResponseError with status_code, fetch TypeErrors, in-band
 * `{"error"}` lines re-thrown as Error) to a KirikaeError with a kind and a fix.
 */
export function toOllamaError(error: unknown, host: string, model?: string): KirikaeError {
  if (isKirikaeError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status_code?: unknown }).status_code;
  const opts = { provider: 'ollama', cause: error };
  const name = (error as { name?: unknown }).name;
  // Exact texts only: Ollama's own "llama runner ... signal: aborted" is a server failure.
  if (name === 'AbortError' || /^(This|The) operation was aborted/.test(message)) {
    return new KirikaeError('aborted', 'Cancelled', opts);
  }
  const code = causeCode(error);
  if (code === 'ETIMEDOUT') {
    return new KirikaeError('network', `Ollama at ${host} did not answer in time`, {
      ...opts,
      hint: 'Check that it is running and not stuck (`ollama ps`), and that OLLAMA_HOST is reachable from here',
    });
  }
  if (code === 'EPROTO') {
    return new KirikaeError('network', `Cannot reach Ollama at ${host}: the TLS handshake failed`, {
      ...opts,
      hint: 'Ollama serves plain http unless a proxy adds TLS: check http:// or https:// in OLLAMA_HOST',
    });
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EHOSTDOWN' ||
    code === 'EAI_AGAIN'
  ) {
    return new KirikaeError('network', `Cannot reach Ollama at ${host}`, {
      ...opts,
      hint: START_HINT,
    });
  }
  // fetch refuses some ports outright (the WHATWG "bad port" list: 1, 7, 9, 6000, …) before any
  // connection is tried; without this it read as an interrupted connection.
  if (causeMessages(error).includes('bad port')) {
    return new KirikaeError('network', `Cannot reach Ollama at ${host}: fetch refuses that port`, {
      ...opts,
      hint: 'Run Ollama on another port (OLLAMA_HOST=127.0.0.1:11434 ollama serve) and point OLLAMA_HOST there',
    });
  }
  if (/file does not exist/.test(message) || (status === 404 && /not found/.test(message))) {
    return new KirikaeError('not_found', model ? `Model ${model} not found` : message, {
      ...opts,
      status: typeof status === 'number' ? status : 404,
      hint: /manifest/.test(message)
        ? 'Check the name and tag on ollama.com/library'
        : `Download it with \`kirikae pull ${model ?? '<model>'}\``,
    });
  }
  if (/no space left on device/.test(message)) {
    return new KirikaeError('server', 'The Ollama machine ran out of disk space', {
      ...opts,
      hint: 'Free space where Ollama keeps models (~/.ollama/models) and pull again; it resumes',
    });
  }
  if (typeof status === 'number') {
    const kind = status >= 500 ? 'server' : status === 400 ? 'bad_request' : 'bad_response';
    return new KirikaeError(kind, `Ollama: ${message}`, { ...opts, status });
  }
  if (
    code === 'ECONNRESET' ||
    code === 'UND_ERR_SOCKET' ||
    message === 'fetch failed' ||
    message === 'terminated' || // undici, when the server drops the connection mid-body
    /^other side closed|Did not receive done/.test(message)
  ) {
    // A reset before anything was exchanged looks the same as one mid-pull: name both fixes.
    return new KirikaeError('network', `Connection to Ollama at ${host} was interrupted`, {
      ...opts,
      hint: `Check that Ollama is running (\`ollama serve\`, OLLAMA_HOST); an interrupted pull resumes where it stopped`,
    });
  }
  return new KirikaeError('bad_response', `Ollama: ${message}`, opts);
}
