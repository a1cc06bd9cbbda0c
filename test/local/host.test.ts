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
      {
        url: 'http://mac-studio:11434',
        memoryBudgetBytes: undefined,
        reserveBytes: 4 * GiB,
        thisMachine: false,
        maxLoadedModels: 3,
      },
    ]);
    const hosts = resolveHosts(
      {
        hosts: [{ url: 'a' }, { url: 'b:1', memoryBudgetGb: 20 }, { url: '127.0.0.1:11434' }],
        memoryBudgetGb: 64,
        reserveGb: 8,
      },
      { OLLAMA_HOST: 'ignored' },
    );
    expect(
      hosts.map((h) => [h.url, h.memoryBudgetBytes! / GiB, h.reserveBytes / GiB, h.thisMachine]),
    ).toEqual([
      ['http://a:11434', 64, 8, false],
      ['http://b:1', 20, 8, false],
      ['http://127.0.0.1:11434', 64, 8, true],
    ]);
  });

  it('leaves the budget undefined (derived from readings) unless a cap is configured', () => {
    const [local, mini] = resolveHosts(
      { hosts: [{ url: 'localhost' }, { url: 'mac-mini.lan', memoryBudgetGb: 44 }] },
      {},
    );
    expect(local).toMatchObject({ thisMachine: true, memoryBudgetBytes: undefined });
    expect(mini).toMatchObject({ thisMachine: false, memoryBudgetBytes: 44 * GiB });
  });

  it('reads OLLAMA_MAX_LOADED_MODELS (0 = auto = 3) for this machine, config first', () => {
    const env = { OLLAMA_MAX_LOADED_MODELS: '2' };
    expect(resolveHosts({}, env)[0]!.maxLoadedModels).toBe(2);
    expect(resolveHosts({}, { OLLAMA_MAX_LOADED_MODELS: '0' })[0]!.maxLoadedModels).toBe(3);
    expect(resolveHosts({ maxLoadedModels: 5 }, env)[0]!.maxLoadedModels).toBe(5);
    // Another machine's server did not start from this environment.
    const remote = resolveHosts({ hosts: [{ url: 'gpu-box' }] }, env)[0]!;
    expect(remote.maxLoadedModels).toBe(3);
    const own = resolveHosts({ hosts: [{ url: 'gpu-box', maxLoadedModels: 1 }] }, env)[0]!;
    expect(own.maxLoadedModels).toBe(1);
  });

  it('normalises model names like the server', () => {
    expect(normalizeModelName('llama3')).toBe('llama3:latest');
    expect(normalizeModelName('hf.co/org/model:Q4')).toBe('hf.co/org/model:Q4');
    expect(normalizeModelName('registry:5000/org/model')).toBe('registry:5000/org/model:latest');
    expect(sameModelName('qwen3', 'qwen3:latest')).toBe(true);
  });
});
