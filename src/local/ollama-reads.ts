import type { IncomingMessage, RequestOptions } from 'node:http';
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
 * The inventory's reads over node:http instead of the ollama client. The client touches the
 * global `Headers` on every request, and that first touch loads undici (~50 ms on a 2-core Linux
 * box), which `kirikae route` otherwise never needs; node:http is already half loaded by then.
 * Same endpoints, same JSON, same errors (a refused connection keeps its ECONNREFUSED code).
 */
export function ollamaReads(host: string): OllamaReads {
  const base = new URL(host.endsWith('/') ? host : `${host}/`);
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const url = new URL(path, base);
    const { request } =
      url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options: RequestOptions = {
      method: payload === undefined ? 'GET' : 'POST',
      headers: {
        Accept: 'application/json',
        ...(payload === undefined
          ? {}
          : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
      },
    };
    // A kept-alive socket the server has since closed fails with ECONNRESET before anything was
    // sent; node's documented answer is to ask again once on a new socket (all four are reads).
    const send = (retry: boolean) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(url, options, resolve);
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
            send(false).then(resolve, reject);
          } else reject(error);
        });
        req.end(payload);
      });
    const response = await send(true);
    const text = await readBody(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      let message = `Error ${status}: ${response.statusMessage ?? ''}`;
      try {
        const error = (JSON.parse(text) as { error?: unknown }).error;
        if (typeof error === 'string' && error) message = error;
      } catch {
        if (text) message = text;
      }
      throw new ResponseError(message, status);
    }
    return JSON.parse(text) as T;
  };
  return {
    version: () => call('api/version'),
    list: () => call('api/tags'),
    ps: () => call('api/ps'),
    show: ({ model }) => call('api/show', { model }),
  };
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        response.destroy(new Error(`Ollama sent more than ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () =>
      reject(Object.assign(new Error('terminated'), { code: 'ECONNRESET' })),
    );
  });
}
