import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKirikaeError } from '../../src/core/errors.js';
import { embedModelName, embedText } from '../../src/local/embed.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { cosine } from '../../src/cache/vectors.js';

// nomic-embed-text:latest as `ollama pull` installs it (274 MB, capabilities ["embedding"]).
const NOMIC = { name: 'nomic-embed-text', size: 274_302_450, capabilities: ['embedding'] };

let stub: OllamaStub;
beforeEach(async () => {
  stub = await startOllamaStub({ models: [NOMIC] });
});
afterEach(() => stub.close());

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isKirikaeError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('embedText against the stub /api/embed', () => {
  it('sends {model, input} and returns the vector, its length and the call time', async () => {
    const result = await embedText('why does the test fail', {
      host: stub.url,
      model: 'ollama/nomic-embed-text',
    });
    expect(result.vector).toHaveLength(768);
    expect(Math.hypot(...result.vector)).toBeCloseTo(1, 6);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.serverMs).toBeCloseTo(14.143917, 6);
    const request = stub.requests.find((r) => r.path === '/api/embed');
    expect(request?.body).toEqual({ model: 'nomic-embed-text', input: 'why does the test fail' });
  });

  it('the stub answers the ollama client too (same shape as the real server)', async () => {
    const client = new Ollama({ host: stub.url });
    const reply = await client.embed({ model: 'nomic-embed-text', input: ['a b c', 'a b d'] });
    expect(reply.embeddings).toHaveLength(2);
    expect(cosine(reply.embeddings[0]!, reply.embeddings[1]!)).toBeGreaterThan(0.2);
  });

  it('a model that is not installed is not_found, with the pull hint', async () => {
    stub.models.splice(0);
    const error = await failure(
      embedText('x', { host: stub.url, model: 'ollama/nomic-embed-text' }),
    );
    expect(error.kind).toBe('not_found');
    expect(error.describe()).toContain('kirikae pull nomic-embed-text');
  });

  it('no Ollama at all is a network error naming the host', async () => {
    const url = stub.url;
    await stub.close();
    const error = await failure(embedText('x', { host: url, model: 'nomic-embed-text' }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain(url);
  });

  it('a server that never answers is a timeout', async () => {
    const server = createServer(() => {
      /* never replies */
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await failure(
        embedText('x', {
          host: `http://127.0.0.1:${port}`,
          model: 'nomic-embed-text',
          timeoutMs: 150,
        }),
      );
      expect(error.kind).toBe('timeout');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a reply without embeddings is bad_response', async () => {
    const fakeFetch: typeof fetch = async () =>
      new Response(JSON.stringify({ model: 'nomic-embed-text', embeddings: [] }), { status: 200 });
    const error = await failure(
      embedText('x', { host: 'http://127.0.0.1:1', model: 'nomic-embed-text', fetch: fakeFetch }),
    );
    expect(error.kind).toBe('bad_response');
  });

  it('refuses an embedding model of another provider', () => {
    expect(embedModelName('ollama/nomic-embed-text')).toBe('nomic-embed-text');
    expect(embedModelName('nomic-embed-text:latest')).toBe('nomic-embed-text:latest');
    expect(() => embedModelName('openai/text-embedding-3-small')).toThrow(
      /must be an Ollama model/,
    );
  });
});
