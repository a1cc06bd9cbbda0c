import { describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/errors.js';
import { toOllamaError } from '../../src/local/errors.js';

const HOST = 'http://127.0.0.1:11434';
const responseError = (error: string, status_code: number) =>
  Object.assign(new Error(error), { name: 'ResponseError', error, status_code });

describe('toOllamaError', () => {
  it('connection refused → network, with the serve / OLLAMA_HOST hint', () => {
    const err = toOllamaError(
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
      HOST,
    );
    expect(err.kind).toBe('network');
    expect(err.describe()).toBe(
      `Cannot reach Ollama at ${HOST}. Start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs`,
    );
  });

  it('a port fetch refuses ("bad port", e.g. :9) → cannot reach, not "interrupted"', () => {
    // What undici throws for http://127.0.0.1:9 (checked with the ollama client on Node 22).
    const err = toOllamaError(
      new TypeError('fetch failed', { cause: new Error('bad port') }),
      'http://127.0.0.1:9',
    );
    expect(err.kind).toBe('network');
    expect(err.describe()).toMatch(
      /^Cannot reach Ollama at http:\/\/127\.0\.0\.1:9: fetch refuses/,
    );
    expect(err.describe()).not.toContain('interrupted');
  });

  it('404 for a model → not_found with a pull hint; a missing manifest → library hint', () => {
    const chat = toOllamaError(responseError("model 'x:1' not found", 404), HOST, 'x:1');
    expect(chat).toMatchObject({ kind: 'not_found', status: 404 });
    expect(chat.hint).toMatch(/kirikae pull x:1/);
    const pull = toOllamaError(new Error('pull model manifest: file does not exist'), HOST, 'x:1');
    expect(pull.hint).toMatch(/ollama\.com\/library/);
  });

  it('distinguishes a user abort from a runner that aborted', () => {
    expect(
      toOllamaError(
        Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
        HOST,
      ).kind,
    ).toBe('aborted');
    const runner = toOllamaError(
      responseError('llama runner process has terminated: signal: aborted (core dumped)', 500),
      HOST,
    );
    expect(runner).toMatchObject({ kind: 'server', status: 500 });
  });

  it('disk full, a dropped connection, and pass-through of KirikaeError', () => {
    expect(
      toOllamaError(new Error('write /x/blobs/sha256-1-partial-0: no space left on device'), HOST)
        .kind,
    ).toBe('server');
    expect(toOllamaError(new TypeError('terminated'), HOST).kind).toBe('network');
    const own = new KirikaeError('config', 'bad');
    expect(toOllamaError(own, HOST)).toBe(own);
    expect(toOllamaError(responseError('invalid options', 400), HOST).kind).toBe('bad_request');
  });
});
