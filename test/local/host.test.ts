import { describe, expect, it } from 'vitest';
import { normalizeOllamaHost, resolveHosts } from '../../src/local/host.js';
import { normalizeModelName, sameModelName } from '../../src/local/names.js';

const GiB = 1024 ** 3;

describe('OLLAMA_HOST', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    [':11435', 'http://127.0.0.1:11435'],
    ['0.0.0.0', 'http://0.0.0.0:11434'],
    ['http://example.com', 'http://example.com:80'],
    ['https://ollama.example/', 'https://ollama.example:443'],
    ['https://ollama.example:8443/proxy/', 'https://ollama.example:8443/proxy'],
    ['[::1]:11434', 'http://[::1]:11434'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeOllamaHost(input)).toBe(expected);
  });

  it('resolves one host from OLLAMA_HOST, or the configured hosts with their budgets', () => {
    expect(resolveHosts({}, { OLLAMA_HOST: 'mac-studio' })).toEqual([
      { url: 'http://mac-studio:11434', memoryBudgetBytes: 96 * GiB, reserveBytes: 16 * GiB },
    ]);
    const hosts = resolveHosts(
      {
        hosts: [{ url: 'a' }, { url: 'b:1', memoryBudgetGb: 20 }],
        memoryBudgetGb: 64,
        reserveGb: 8,
      },
      { OLLAMA_HOST: 'ignored' },
    );
    expect(hosts.map((h) => [h.url, h.memoryBudgetBytes / GiB, h.reserveBytes / GiB])).toEqual([
      ['http://a:11434', 64, 8],
      ['http://b:1', 20, 8],
    ]);
  });

  it('normalises model names like the server', () => {
    expect(normalizeModelName('llama3')).toBe('llama3:latest');
    expect(normalizeModelName('hf.co/org/model:Q4')).toBe('hf.co/org/model:Q4');
    expect(normalizeModelName('registry:5000/org/model')).toBe('registry:5000/org/model:latest');
    expect(sameModelName('qwen3', 'qwen3:latest')).toBe(true);
  });
});
