// The inventory reads Ollama over node:http (src/local/ollama-reads.ts) instead of the ollama
// client, to keep undici off a cold start. It must read the same JSON and fail the same ways.
import { createServer, type Server } from 'node:http';
import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toOllamaError } from '../../src/local/errors.js';
import { ollamaReads, readHeaders } from '../../src/local/ollama-reads.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

let stub: OllamaStub;
beforeEach(async () => {
  stub = await startOllamaStub({
    models: [
      { name: 'qwen3-coder:30b', size: 18_556_700_000 },
      { name: 'qwen3:8b', size: 5.2e9 },
    ],
    version: '0.12.6',
  });
});
afterEach(() => stub.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('ollamaReads', () => {
  it('answers version, tags, ps and show as the ollama client does', async () => {
    const client = new Ollama({ host: stub.url });
    await client.chat({ model: 'qwen3:8b', messages: [], options: { num_ctx: 8192 } });
    const reads = ollamaReads(stub.url);
    expect(await reads.version()).toEqual(await client.version());
    expect(await reads.list()).toEqual(await client.list());
    expect(await reads.show({ model: 'qwen3-coder:30b' })).toEqual(
      await client.show({ model: 'qwen3-coder:30b' }),
    );
    // ps carries expires_at as the server wrote it; the client parses nothing either.
    expect(await reads.ps()).toEqual(await client.ps());
  });

  it('an unknown model is the same not_found, with the same pull hint', async () => {
    const ours = await failure(ollamaReads(stub.url).show({ model: 'nope:1' }));
    const theirs = await failure(new Ollama({ host: stub.url }).show({ model: 'nope:1' }));
    const a = toOllamaError(ours, stub.url, 'nope:1');
    const b = toOllamaError(theirs, stub.url, 'nope:1');
    expect(a.describe()).toBe(b.describe());
    expect(a).toMatchObject({ kind: 'not_found', status: 404 });
  });

  it('a refused connection reads as "cannot reach", a non-JSON 500 keeps its text', async () => {
    const url = stub.url;
    await stub.close();
    const refused = toOllamaError(await failure(ollamaReads(url).version()), url);
    expect(refused).toMatchObject({ kind: 'network' });
    expect(refused.describe()).toMatch(/Cannot reach Ollama.*ollama serve/);

    const broken = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('runner crashed');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
    try {
      const error = toOllamaError(await failure(ollamaReads(at).list()), at);
      expect(error).toMatchObject({ kind: 'server', status: 500 });
      expect(error.describe()).toMatch(/runner crashed/);
    } finally {
      broken.close();
    }
    stub = await startOllamaStub(); // for afterEach
  });

  it('asks again on a new socket when a kept-alive one was closed by the server', async () => {
    // A server that drops a kept-alive connection when it is used again: what a pooled socket
    // meets when the server closed it (a restart, an idle timeout) just as the client sent.
    let connections = 0;
    const served = new WeakMap<object, number>();
    const server = createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (n > 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: '0.12.6' }));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const reads = ollamaReads(at);
      expect(await reads.version()).toEqual({ version: '0.12.6' });
      expect(await reads.version()).toEqual({ version: '0.12.6' });
      expect(connections).toBe(2);
    } finally {
      server.close();
    }
  });

  /** A server on a free port; `handle` answers (or does not). */
  async function serve(handle: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
    const server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return [server, `http://127.0.0.1:${(server.address() as { port: number }).port}`];
  }

  it('a server that accepts and never answers is given up on, with a clear error', async () => {
    const [server, at] = await serve(() => undefined);
    try {
      const started = Date.now();
      const error = await failure(ollamaReads(at, {}, 300).list());
      expect(Date.now() - started).toBeLessThan(3000);
      const mapped = toOllamaError(error, at);
      expect(mapped).toMatchObject({ kind: 'network' });
      expect(mapped.describe()).toMatch(/did not answer in time.*ollama ps/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('the deadline covers a body that trickles', async () => {
    const [server, at] = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"models": [');
      // …and nothing more.
    });
    try {
      const mapped = toOllamaError(await failure(ollamaReads(at, {}, 300).list()), at);
      expect(mapped.describe()).toMatch(/did not answer in time/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('close() ends the reads in flight as a cancellation', async () => {
    const [server, at] = await serve(() => undefined);
    try {
      const reads = ollamaReads(at, {}, 60_000);
      const pending = failure(reads.ps());
      await new Promise((r) => setTimeout(r, 50));
      reads.close();
      expect(toOllamaError(await pending, at)).toMatchObject({ kind: 'aborted' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a body over 32 MB is refused as such, not as a dropped connection', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 32);
    const [server, at] = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const more = () => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', more);
        else res.end();
      };
      res.on('error', () => undefined);
      more();
    });
    try {
      const error = await failure(ollamaReads(at).list());
      expect((error as Error).message).toBe('Ollama sent more than 33554432 bytes');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("sends ollama.com's API key only to ollama.com over https, as the client does", () => {
    const env = { OLLAMA_API_KEY: 'sk-test' };
    const auth = (url: string) => readHeaders(new URL(url), env, undefined).Authorization;
    expect(auth('https://ollama.com/api/tags')).toBe('Bearer sk-test');
    expect(auth('https://ollama.com:443/api/tags')).toBe('Bearer sk-test');
    expect(auth('http://ollama.com/api/tags')).toBeUndefined();
    expect(auth('https://evil.example/api/tags')).toBeUndefined();
    expect(auth('http://127.0.0.1:11434/api/tags')).toBeUndefined();
    expect(
      readHeaders(new URL('https://ollama.com/'), {}, undefined).Authorization,
    ).toBeUndefined();
    expect(readHeaders(new URL('http://h/api/show'), {}, '{"model":"x"}')).toMatchObject({
      'Content-Type': 'application/json',
      'Content-Length': 13,
    });
  });

  it('keeps a path the host has (Ollama behind a proxy at /ollama)', async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"version":"0.12.6"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await ollamaReads(`http://127.0.0.1:${port}/ollama`).version();
      await ollamaReads(`http://127.0.0.1:${port}/ollama/`).version();
      expect(paths).toEqual(['/ollama/api/version', '/ollama/api/version']);
    } finally {
      server.close();
    }
  });

  it("follows a proxy's redirects as the ollama client does, and gives up on a loop", async () => {
    // A proxy that moves /old/… to the stub: 308 keeps a POST and its body; 301 sends on as a
    // GET, as fetch does; /loop redirects to itself.
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const path = req.url ?? '';
      if (path.startsWith('/loop/')) {
        res.writeHead(302, { location: path });
        return res.end();
      }
      const moved = path.replace(/^\/(old|old301)\//, '/');
      res.writeHead(path.startsWith('/old301/') ? 301 : 308, {
        location: new URL(moved, stub.url).toString(),
      });
      res.end('moved');
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const client = new Ollama({ host: `${at}/old` });
      expect(await ollamaReads(`${at}/old`).version()).toEqual(await client.version());
      expect(await ollamaReads(`${at}/old`).show({ model: 'qwen3:8b' })).toEqual(
        await client.show({ model: 'qwen3:8b' }),
      );
      // After a 301 the POST arrives as a GET without its body: the server's own answer.
      const ours = await failure(ollamaReads(`${at}/old301`).show({ model: 'qwen3:8b' }));
      const theirs = await failure(
        new Ollama({ host: `${at}/old301` }).show({ model: 'qwen3:8b' }),
      );
      expect(toOllamaError(ours, at).describe()).toBe(toOllamaError(theirs, at).describe());

      seen.length = 0;
      const loop = await failure(ollamaReads(`${at}/loop`).version());
      expect(String(loop)).toMatch(/redirected more than 5 times/);
      expect(seen).toHaveLength(6);
    } finally {
      proxy.close();
    }
  });
});
