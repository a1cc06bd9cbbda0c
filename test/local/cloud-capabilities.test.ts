// Cloud entries of /api/tags and model capabilities, against the stub speaking Ollama's format:
// api/types.go ListModelResponse (remote_model, remote_host, capabilities) and the 400 of
// server/routes.go for a chat with tools on a model without the `tools` capability.
import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toOllamaError } from '../../src/local/errors.js';
import {
  isCloudModel,
  localModels,
  OllamaInventory,
  parseTags,
  supportsTools,
} from '../../src/local/inventory.js';
import { buildModelsReport } from '../../src/local/report.js';
import { ResidencyManager } from '../../src/local/residency.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;
let stub: OllamaStub;

beforeEach(async () => {
  stub = await startOllamaStub({
    models: [
      {
        name: 'qwen3-coder:30b',
        size: 18_556_700_000,
        capabilities: ['completion', 'tools'],
      },
      // gemma3 has no tools capability in the Ollama library.
      { name: 'gemma3:4b', size: 3_338_801_804, capabilities: ['completion', 'vision'] },
      // A cloud model as `ollama pull glm-4.7:cloud` lists it: a ~384-byte manifest.
      {
        name: 'glm-4.7:cloud',
        size: 384,
        remoteHost: 'https://ollama.com:443',
        remoteModel: 'glm-4.7',
        capabilities: ['completion', 'tools', 'thinking'],
      },
      { name: 'gpt-oss:120b-cloud', size: 384, remoteHost: 'https://ollama.com:443' },
    ],
  });
});
afterEach(() => stub.close());

describe('cloud models in /api/tags', () => {
  it('are marked cloud, skip /api/show, and take no memory or KV', async () => {
    const inventory = new OllamaInventory({ host: stub.url });
    const installed = await inventory.installedWithFacts();
    const byName = Object.fromEntries(installed.map((m) => [m.name, m]));
    expect(byName['glm-4.7:cloud']).toMatchObject({
      cloud: true,
      remoteHost: 'https://ollama.com:443',
      remoteModel: 'glm-4.7',
    });
    expect(byName['gpt-oss:120b-cloud']!.cloud).toBe(true);
    expect(byName['qwen3-coder:30b']!.cloud).toBeUndefined();
    const shown = stub.requests.filter((r) => r.path === '/api/show').map((r) => r.body.model);
    expect(shown.sort()).toEqual(['gemma3:4b', 'qwen3-coder:30b']);
    expect(localModels(installed).map((m) => m.name)).toEqual(['qwen3-coder:30b', 'gemma3:4b']);

    const report = buildModelsReport({
      host: stub.url,
      version: '0.12.6',
      installed,
      resident: [],
      budget: { budgetBytes: 92 * GiB, reserveBytes: 4 * GiB },
    });
    const cloudRow = report.models.find((m) => m.name === 'glm-4.7:cloud')!;
    expect(cloudRow).toMatchObject({ cloud: true, footprints: [] });
  });

  it('ensureResident on a cloud model loads nothing', async () => {
    const residency = new ResidencyManager({
      inventory: new OllamaInventory({ host: stub.url }),
      host: { memoryBudgetBytes: 40 * GiB, reserveBytes: 4 * GiB },
    });
    const result = await residency.ensureResident('glm-4.7:cloud', 32768);
    expect(result.status).toBe('already_resident');
    expect(result.plan.reason).toMatch(/cloud model .*nothing loads here/);
    expect(stub.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0);
  });

  it('recognises older servers by the tag alone', () => {
    const [a, b, c] = parseTags({
      models: [
        { name: 'deepseek-v3.1:671b-cloud', size: 384 },
        { name: 'kimi-k2:cloud', size: 384 },
        { name: 'qwen3:8b', size: 5_225_000_000 },
      ],
    });
    expect([a!.cloud, b!.cloud, c!.cloud]).toEqual([true, true, undefined]);
    expect(isCloudModel({ name: 'hf.co/org/cloudy:Q4' })).toBe(false);
  });
});

describe('capabilities', () => {
  it('exposes each model’s capabilities and whether it can take tools', async () => {
    const installed = await new OllamaInventory({ host: stub.url }).installedWithFacts();
    const gemma = installed.find((m) => m.name === 'gemma3:4b')!;
    const coder = installed.find((m) => m.name === 'qwen3-coder:30b')!;
    expect(gemma.facts.capabilities).toEqual(['completion', 'vision']);
    expect(gemma.capabilities).toEqual(['completion', 'vision']);
    expect(supportsTools(gemma)).toBe(false);
    expect(supportsTools(coder)).toBe(true);
    expect(supportsTools({ capabilities: ['completion', 'tools'] })).toBe(true);
  });

  it('a chat with tools on a model without `tools` is the real 400', async () => {
    const client = new Ollama({ host: stub.url });
    const error = await client
      .chat({
        model: 'gemma3:4b',
        messages: [{ role: 'user', content: 'read a.ts' }],
        tools: [
          {
            type: 'function',
            function: { name: 'read_file', description: 'read', parameters: { type: 'object' } },
          },
        ],
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'registry.ollama.ai/library/gemma3:4b does not support tools',
    );
    expect(toOllamaError(error, stub.url, 'gemma3:4b')).toMatchObject({
      kind: 'bad_request',
      status: 400,
    });
    // Without tools the same model answers.
    const ok = await client.chat({
      model: 'gemma3:4b',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(ok.message.content).toBe('ok');
  });
});
