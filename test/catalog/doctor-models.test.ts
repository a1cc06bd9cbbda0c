// doctor's model lines: which source priced each configured model, the retirement guard, and
// `--online` against provider model lists served by stub servers.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModels } from '../../src/catalog/model-check.js';
import { retirement } from '../../src/catalog/retirements.js';
import { closestModelIds, isKnownModel, needsResponsesApi } from '../../src/catalog/models.js';
import { checkOnline } from '../../src/commands/doctor-online.js';
import { exposedPassword, runDoctor, type DoctorDeps } from '../../src/commands/doctor.js';
import { committedWeightsStatus } from '../../src/router/trained.js';
import { configSchema, defaultConfig } from '../../src/config/schema.js';
import { parseModelRef } from '../../src/core/model-ref.js';
import { startHttpStub, type HttpStub, type RecordedRequest } from '../support/http-stub.js';
import { closedPort } from '../cli/helpers.js';

const TODAY = new Date('2026-11-30T12:00:00Z');

/** The February seed tiers, still selectable. */
const SEEDS = configSchema.parse({
  tiers: {
    '0': ['anthropic/claude-opus-4-6', 'openai/gpt-5.3-codex'],
    '1': ['anthropic/claude-sonnet-4-6'],
    '2': ['anthropic/claude-haiku-4-5', 'openrouter/google/gemini-2.5-flash'],
    '3': ['ollama/qwen3-coder:30b', 'ollama/qwen2.5-coder:32b', 'ollama/glm-4.7'],
    '4': ['openrouter/deepseek/deepseek-chat', 'openrouter/openai/gpt-oss-120b:free'],
  },
  fallback: ['deepseek/deepseek-chat'],
});

describe('checkModels', () => {
  it('the defaults are all current and priced, each with its source', () => {
    const models = checkModels(defaultConfig(), TODAY);
    expect(models.length).toBe(10);
    for (const m of models) {
      expect(m.problems, m.id).toEqual([]);
      expect(m.priced, m.id).toBe(true);
    }
    const source = (id: string): string | undefined => models.find((m) => m.id === id)?.source;
    expect(source('anthropic/claude-opus-5-5')).toMatch(/^catalog \(genai-prices@\d/);
    expect(source('openai/gpt-6.2-sol')).toBe(
      'override https://developers.openai.com/api/docs/models/gpt-6.2-sol (checked 2026-11-30)',
    );
    expect(source('ollama/glm-4.7-flash')).toBe('local (energy only)');
    expect(models.find((m) => m.id === 'anthropic/claude-sonnet-5-5')?.usedIn).toEqual([
      'tier 1',
      'fallback',
    ]);
  });

  it('marks retired seed models and offers the replacement', () => {
    const models = checkModels(SEEDS, TODAY);
    const problems = (id: string) => models.find((m) => m.id === id)?.problems ?? [];
    expect(problems('ollama/glm-4.7')).toEqual([
      {
        problem: 'retired on 2026-07-15',
        fix: expect.stringMatching(/^use ollama\/glm-4\.7-flash instead in tier 3/),
      },
    ]);
    expect(problems('deepseek/deepseek-chat')[0]).toMatchObject({
      problem: 'retired on 2026-07-24',
      fix: expect.stringContaining('deepseek/deepseek-v4-flash'),
    });
    // Gemini 2.5 Flash is shut down on the Gemini API on 2026-12-01: deprecated today, retired then.
    expect(problems('openrouter/google/gemini-2.5-flash')[0]?.problem).toBe(
      'deprecated, retires 2026-12-01',
    );
    expect(
      retirement('openrouter/google/gemini-2.5-flash', new Date('2026-12-01T00:00:00Z')),
    ).toEqual({
      retired: true,
      retiresOn: '2026-12-01',
      replacement: 'openrouter/google/gemini-3.8-flash',
      source: 'https://ai.google.dev/gemini-api/docs/deprecations',
    });
    expect(problems('anthropic/claude-sonnet-4-6')).toEqual([]);
  });

  it('says which override fields were derived', () => {
    const config = configSchema.parse({
      prices: {
        'anthropic/claude-sonnet-5-5': { inputMtok: 2.2 },
        'anthropic/claude-next': { inputMtok: 3, outputMtok: 15 },
      },
      tiers: { '1': ['anthropic/claude-sonnet-5-5', 'anthropic/claude-next'] },
    });
    const models = checkModels(config, TODAY);
    expect(models.find((m) => m.id === 'anthropic/claude-sonnet-5-5')?.source).toBe(
      'your prices override (derived: outputMtok from the catalog; cacheReadMtok from the catalog; cacheWriteMtok from the catalog; cacheWrite1hMtok from the catalog)',
    );
    const priceOnly = checkModels(
      configSchema.parse({ prices: { 'openai/gpt-x': { inputMtok: 1, outputMtok: 4 } } }),
      TODAY,
    ).find((m) => m.id === 'openai/gpt-x');
    expect(priceOnly?.usedIn).toEqual(['prices']);
    expect(priceOnly?.source).toContain('cacheReadMtok 0.1 × input (OpenAI)');
    expect(models.find((m) => m.id === 'anthropic/claude-next')?.source).toBe(
      'your prices override (derived: cacheReadMtok 0.1 × input (Anthropic); cacheWriteMtok 1.25 × input (Anthropic); cacheWrite1hMtok 2 × input (Anthropic))',
    );
  });

  it('knows the overridden defaults by id and suggests them for typos', () => {
    expect(isKnownModel(parseModelRef('anthropic/claude-haiku-5-5'))).toBe(true);
    expect(closestModelIds('anthropic/claude-haiku-5.5', 1)).toEqual([
      'anthropic/claude-haiku-5-5',
    ]);
  });

  it('marks the OpenAI models that need the Responses API', () => {
    expect(needsResponsesApi(parseModelRef('openai/gpt-5.3-codex'))).toBe(true);
    expect(needsResponsesApi(parseModelRef('openai/gpt-6.2-sol'))).toBe(true);
    expect(needsResponsesApi(parseModelRef('openai/gpt-6-sol'))).toBe(false);
    expect(needsResponsesApi(parseModelRef('openrouter/openai/gpt-5.3-codex'))).toBe(false);
  });
});

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return { stream, text: () => out };
}

async function doctorText(
  config: unknown,
  env: NodeJS.ProcessEnv,
  online = false,
  prepare?: (dir: string) => void,
  deps: Omit<DoctorDeps, 'today'> = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kirikae-doctor-'));
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  prepare?.(dir);
  const out = collect();
  const err = collect();
  const port = await closedPort();
  await runDoctor(
    { online },
    {
      stdout: out.stream,
      stderr: err.stream,
      env: { KIRIKAE_CONFIG_DIR: dir, OLLAMA_HOST: `http://127.0.0.1:${port}`, ...env },
    },
    { today: TODAY, ...deps },
  );
  return out.text();
}

describe('runDoctor', () => {
  it('on the defaults: every model current and priced, one line each with its source', async () => {
    const text = await doctorText(undefined, {});
    expect(text).toContain('models     ✓ every model current and priced');
    expect(text).toMatch(/✓ openai\/gpt-6\.2-sol +override https:\/\/developers\.openai\.com/);
    expect(text).toMatch(/✓ openrouter\/deepseek\/deepseek-v4-flash +catalog \(genai-prices@/);
  });

  it("says whether the router's trained weights load, and what to do when they do not", async () => {
    const healthy = await doctorText(undefined, {});
    expect(healthy).toMatch(
      /router +✓ trained on \d,\d{3} prompts \(\d{4}-\d\d-\d\d\), 65,536 slots/,
    );
    // Ollama is not reachable here: nothing can answer for the model classifier under auto.
    expect(healthy).toMatch(/\nclassifier – auto: no model under 24 GiB is resident/);
    const missing = () =>
      committedWeightsStatus(() => {
        throw new Error('router weights: router.bin is missing beside /opt/kirikae/dist/');
      });
    const text = await doctorText(undefined, {}, false, undefined, { weights: missing });
    expect(text).toContain(
      'router     ✗ trained weights unusable: routing by the hand-written rules',
    );
    expect(text).toContain(
      "the router's trained weights cannot be used (router weights: router.bin is missing beside /opt/kirikae/dist/): reinstall kirikae",
    );
  });

  it('a config with one bad field says only that field takes its default', async () => {
    // It said "(invalid: running on defaults)" while the file's valid fields still applied.
    const text = await doctorText({ budget: { monthlyUsd: -5, action: 'block' } }, {});
    expect(text).toMatch(
      /config +✗ \S+ \(1 problem below; what does not validate uses its default\)/,
    );
    expect(text).not.toContain('running on defaults');
  });

  it('on the seeds: retired ids are marked and their replacement is in the fixes', async () => {
    const text = await doctorText({ tiers: SEEDS.tiers }, {});
    expect(text).toMatch(/✗ ollama\/glm-4\.7 +local \(energy only\) · retired on 2026-07-15/);
    expect(text).toContain(
      'ollama/glm-4.7 retired on 2026-07-15: use ollama/glm-4.7-flash instead',
    );
  });
});

describe('doctor --online', () => {
  let anthropic: HttpStub;
  let openai: HttpStub;
  const seen: RecordedRequest[] = [];

  beforeAll(async () => {
    // GET /v1/models, paged: {data:[{type:"model",id,display_name,created_at}],has_more,first_id,
    // last_id}, next page with ?after_id= (docs.anthropic.com/en/api/models-list).
    anthropic = await startHttpStub((request, res) => {
      seen.push(request);
      const model = (id: string) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2026-10-07T00:00:00Z',
      });
      const page = (id: string, hasMore: boolean) => ({
        data: [model(id)],
        has_more: hasMore,
        first_id: id,
        last_id: id,
      });
      res.writeHead(request.headers['x-api-key'] === 'ak' ? 200 : 401, {
        'content-type': 'application/json',
      });
      const first = seen.length === 1;
      res.end(
        JSON.stringify(first ? page('claude-opus-5-5', true) : page('claude-haiku-5-5', false)),
      );
    });
    // GET /v1/models: {object:"list",data:[{id,object:"model",created,owned_by}]}
    // (platform.openai.com/docs/api-reference/models/list).
    openai = await startHttpStub((request, res) => {
      res.writeHead(request.headers.authorization === 'Bearer ok' ? 200 : 401, {
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'gpt-6-sol', object: 'model', created: 1_790_000_000, owned_by: 'openai' }],
        }),
      );
    });
  });
  afterAll(async () => {
    await anthropic.close();
    await openai.close();
  });

  it('lists served ids (following pages) and flags configured ids that are missing', async () => {
    const env = {
      ANTHROPIC_API_KEY: 'ak',
      ANTHROPIC_BASE_URL: anthropic.url,
      OPENAI_API_KEY: 'ok',
      OPENAI_BASE_URL: `${openai.url}/v1`,
    };
    const report = await checkOnline(
      [
        'anthropic/claude-opus-5-5',
        'anthropic/claude-sonnet-5-5',
        'openai/gpt-6.2-sol',
        'ollama/qwen3-coder:30b',
        'deepseek/deepseek-v4-flash',
      ],
      env,
      fetch,
    );
    const ids = Object.fromEntries(report.providers.map((p) => [p.provider, p.ids]));
    expect(ids).toEqual({
      anthropic: ['claude-opus-5-5', 'claude-haiku-5-5'],
      openai: ['gpt-6-sol'],
    });
    // deepseek has no key: not asked, not flagged; ollama is not a /models provider.
    expect(report.missing).toEqual(['anthropic/claude-sonnet-5-5', 'openai/gpt-6.2-sol']);
    expect(seen.map((r) => r.path)).toEqual(['/v1/models', '/v1/models']);
  });
});

describe('a Redis password in a config file others can read', () => {
  const URL_WITH_PASSWORD = 'redis://kirikae:s3cret@cache.internal:6379/0';
  it('is a problem with its fix when the file is group- or world-readable', () => {
    const problem = exposedPassword(
      '/home/u/.config/kirikae/config.json',
      URL_WITH_PASSWORD,
      () => 0o644,
    );
    expect(problem?.what).toMatch(
      /holds a Redis password .* other users can read it \(mode 0644\)/,
    );
    expect(problem?.fix).toBe('chmod 600 /home/u/.config/kirikae/config.json');
  });

  it('is nothing when the file is owner-only, the URL has no password, or there is no file', () => {
    expect(exposedPassword('/c.json', URL_WITH_PASSWORD, () => 0o600)).toBeUndefined();
    expect(exposedPassword('/c.json', 'redis://cache.internal:6379', () => 0o644)).toBeUndefined();
    expect(exposedPassword('/c.json', URL_WITH_PASSWORD, () => undefined)).toBeUndefined();
    expect(exposedPassword('/c.json', undefined, () => 0o644)).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')(
    'kirikae doctor names it, reading the real mode',
    async () => {
      const text = await doctorText(
        { cache: { semantic: { redisUrl: URL_WITH_PASSWORD } } },
        {},
        false,
        (dir) => chmodSync(join(dir, 'config.json'), 0o644),
      );
      expect(text).toMatch(
        /holds a Redis password \(cache\.semantic\.redisUrl\).*mode 0644\): chmod 600 /,
      );
    },
  );
});
