import type {
  ClientRequest,
  IncomingMessage,
  RequestOptions,
  request as httpRequest,
} from 'node:http';
import type { ListResponse, ShowResponse } from 'ollama';

/** The four reads the inventory makes: every start and every card refresh asks them. */
export interface OllamaReads {
  version(): Promise<{ version: string }>;
  list(): Promise<ListResponse>;
  /** /api/ps: the client types it as a listing too. */
  ps(): Promise<ListResponse>;
  show(request: { model: string }): Promise<ShowResponse>;
}

/** Bodies larger than this are not Ollama's JSON (a /api/show with a long licence is ~100 KB). */
const MAX_BODY = 32 * 1024 * 1024;

/**
 * What the ollama client throws for a non-2xx answer (its ResponseError): the server's `error`
 * text, else `Error <status>: <reason>`, with `status_code`, so toOllamaError reads both alike.
 */
class ResponseError extends Error {
  override name = 'ResponseError';
  constructor(
    message: string,
    readonly status_code: number,
  ) {
    super(message);
  }
}

/**
 * How long one read may take, connection to last byte. The ollama client inherited undici's
 * limits (10 s to connect, 300 s for an answer); a server that accepts and never answers held
 * the card's refresh, and `kirikae route` after it had printed, that long or forever. /api/show
 * of a large model answers in well under a second.
 */
export const READ_TIMEOUT_MS = 10_000;

/** Redirects followed per read, as fetch does (it stops at 20; a proxy needs one or two). */
const MAX_REDIRECTS = 5;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * The inventory's reads over node:http instead of the ollama client. The client touches the
 * global `Headers` on every request, and that first touch loads undici (~50 ms on a 2-core Linux
 * box), which `kirikae route` otherwise never needs; node:http is already half loaded by then.
 * Same endpoints, same JSON, same errors (a refused connection keeps its ECONNREFUSED code), the
 * client's Authorization header for ollama.com. `close()` ends the reads in flight.
 */
export function ollamaReads(
  host: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = READ_TIMEOUT_MS,
): OllamaReads & { close(): void } {
  const base = new URL(host.endsWith('/') ? host : `${host}/`);
  const inFlight = new Set<ClientRequest>();
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    let url = new URL(path, base);
    let payload = body === undefined ? undefined : JSON.stringify(body);
    const deadline = Date.now() + timeoutMs;
    const timedOut = () =>
      Object.assign(new Error(`Ollama did not answer within ${timeoutMs / 1000} s`), {
        code: 'ETIMEDOUT',
      });
    // A kept-alive socket the server has since closed fails with ECONNRESET before anything was
    // sent; node's documented answer is to ask again once on a new socket (all four are reads).
    const send = (
      request: typeof httpRequest,
      options: RequestOptions,
      retry: boolean,
    ): Promise<{ text: string; status: number; reason: string; location?: string }> =>
      new Promise((resolve, reject) => {
        const req = request(url, options, (response) => {
          readBody(response).then(
            (text) =>
              resolve({
                text,
                status: response.statusCode ?? 0,
                reason: response.statusMessage ?? '',
                ...(response.headers.location ? { location: response.headers.location } : {}),
              }),
            reject,
          );
        });
        inFlight.add(req);
        // Rejected here, not by the destroy's error: a body half read would report "terminated".
        const timer = setTimeout(
          () => {
            reject(timedOut());
            req.destroy();
          },
          Math.max(0, deadline - Date.now()),
        );
        req.on('close', () => {
          clearTimeout(timer);
          inFlight.delete(req);
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
            send(request, options, false).then(resolve, reject);
          } else reject(error);
        });
        req.end(payload);
      });
    // Redirects are followed as the ollama client's fetch followed them (a reverse proxy in
    // front of Ollama may send http to https, or add a slash): 303, and 301/302 after a POST,
    // continue as a GET without the body; 307/308 repeat the request. Each hop's headers are
    // its own, so the ollama.com key goes nowhere else.
    let answer;
    for (let hops = 0; ; hops++) {
      const { request } =
        url.protocol === 'https:' ? await import('node:https') : await import('node:http');
      const method = payload === undefined ? 'GET' : 'POST';
      answer = await send(request, { method, headers: readHeaders(url, env, payload) }, true);
      if (!REDIRECT.has(answer.status) || !answer.location) break;
      if (hops === MAX_REDIRECTS)
        throw new Error(`Ollama at ${base.origin} redirected more than ${MAX_REDIRECTS} times`);
      url = new URL(answer.location, url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`Ollama at ${base.origin} redirected to ${url.protocol} (not http)`);
      if (answer.status === 303 || (answer.status <= 302 && method === 'POST')) payload = undefined;
    }
    const { text } = answer;
    if (answer.status < 200 || answer.status > 299) {
      let message = `Error ${answer.status}: ${answer.reason}`;
      try {
        const error = (JSON.parse(text) as { error?: unknown }).error;
        if (typeof error === 'string' && error) message = error;
      } catch {
        if (text) message = text;
      }
      throw new ResponseError(message, answer.status);
    }
    return JSON.parse(text) as T;
  };
  return {
    version: () => call('api/version'),
    list: () => call('api/tags'),
    ps: () => call('api/ps'),
    show: ({ model }) => call('api/show', { model }),
    close() {
      for (const req of inFlight)
        req.destroy(Object.assign(new Error('closed'), { name: 'AbortError' }));
    },
  };
}

/** The headers of one read; direct calls to ollama.com's API carry the account's key, as the
 * client sends them. */
export function readHeaders(
  url: URL,
  env: NodeJS.ProcessEnv,
  payload: string | undefined,
): Record<string, string | number> {
  const key = url.protocol === 'https:' && url.hostname === 'ollama.com' && env.OLLAMA_API_KEY;
  return {
    Accept: 'application/json',
    ...(key ? { Authorization: `Bearer ${key}` } : {}),
    ...(payload === undefined
      ? {}
      : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
  };
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (!failed) reject(error);
      failed = true;
    };
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        fail(new Error(`Ollama sent more than ${MAX_BODY} bytes`));
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    response.on('error', fail);
    response.on('aborted', () =>
      fail(Object.assign(new Error('terminated'), { code: 'ECONNRESET' })),
    );
  });
}
