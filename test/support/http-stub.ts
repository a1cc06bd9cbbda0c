// Shared plumbing for the cloud API stubs: a real HTTP server on 127.0.0.1 (port 0), request
// recording, SSE framing and connection cuts.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface HttpStub {
  url: string;
  close(): Promise<void>;
}

export type StubHandler = (
  request: RecordedRequest,
  res: ServerResponse,
  req: IncomingMessage,
) => Promise<void> | void;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startHttpStub(handler: StubHandler): Promise<HttpStub> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // Recorded as text: a test may want to see what was sent.
      }
      const url = new URL(req.url ?? '/', 'http://stub');
      await handler(
        { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body },
        res,
        req,
      );
    })().catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      } else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
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

/** Writes one raw frame and resolves once it is flushed to the socket. */
export function writeRaw(res: ServerResponse, frame: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve();
    res.write(frame, () => resolve());
  });
}

/** One SSE event: `event: name` (optional), `data: …`, blank line. */
export function sseFrame(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${data}\n\n`;
}

/** Holds a response open, saying nothing more, until the client gives up. */
export function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.on('close', () => resolve()));
}

/** Drops the TCP connection mid-response, after what was written has had time to arrive. */
export async function cutConnection(res: ServerResponse): Promise<void> {
  await sleep(10);
  res.socket?.destroy();
}

/** Writes frames in order with an optional delay, cutting or corrupting the stream on request. */
export async function streamFrames(
  res: ServerResponse,
  frames: readonly string[],
  options: {
    delayMs?: number;
    cutAfter?: number;
    malformedAfter?: number;
    malformedFrame: string;
    /** End the response cleanly after this many frames. */
    endAfter?: number;
  },
): Promise<void> {
  for (let i = 0; i <= frames.length; i++) {
    if (options.malformedAfter === i) await writeRaw(res, options.malformedFrame);
    if (options.cutAfter === i) return cutConnection(res);
    if (options.endAfter === i) break;
    const frame = frames[i];
    if (frame === undefined) break;
    if (options.delayMs && i > 0) await sleep(options.delayMs);
    if (res.destroyed) return;
    await writeRaw(res, frame);
  }
  res.end();
}
