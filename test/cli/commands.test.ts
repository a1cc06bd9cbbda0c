// The subcommands end to end through the built binary: --version, --help, doctor, config, route.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostsJson } from '../../src/commands/costs.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import {
  ROOT,
  closedPort,
  ensureBuilt,
  keyValues,
  kirikae,
  lines,
  sandbox,
  type Sandbox,
} from './helpers.js';

let stubs: AllStubs;
const boxes: Sandbox[] = [];

beforeAll(async () => {
  [stubs] = await Promise.all([startAllStubs(), ensureBuilt()]);
}, 120_000);
afterAll(async () => {
  for (const box of boxes) box.remove();
  await stubs?.close();
});

function newBox(): Sandbox {
  const box = sandbox();
  boxes.push(box);
  return box;
}

const KEY_VARS = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'DEEPSEEK_API_KEY'];

// Generous timeouts: each test spawns Node (the config test a dozen times), on two busy cores.
describe.concurrent('kirikae', { timeout: 60_000 }, () => {
  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = await kirikae(['--version'], newBox().env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.stderr).toBe('');
  });

  it('--help lists every subcommand and flag', async () => {
    const result = await kirikae(['--help'], newBox().env);
    expect(result.exitCode).toBe(0);
    const help = result.stdout;
    for (const command of ['route', 'doctor', 'models', 'pull', 'costs', 'sessions', 'config']) {
      expect(help, command).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    for (const flag of ['-p, --print', '--model', '--tier', '--yes', '--json', '--continue']) {
      expect(help, flag).toContain(flag);
    }
    // The environment variables are documented too.
    for (const variable of [...KEY_VARS, 'OLLAMA_HOST', 'KIRIKAE_CONFIG_DIR', 'KIRIKAE_DEBUG']) {
      expect(help, variable).toContain(variable);
    }
  });

  it('help and help <command> print the help, as --help does', async () => {
    const env = newBox().env;
    const help = await kirikae(['help'], env);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toBe((await kirikae(['--help'], env)).stdout);
    const costs = await kirikae(['help', 'costs'], env);
    expect(costs.exitCode).toBe(0);
    expect(costs.stdout).toMatch(/^Usage: kirikae costs/);
  });

  it('doctor --json with every stub up: exit 0, keys set, Ollama reachable, no key printed', async () => {
    const result = await kirikae(['doctor', '--json'], { ...newBox().env, ...stubs.env });
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      config: { valid: boolean };
      ollama: { reachable: boolean; host: string; installed: { name: string }[] };
      providers: Record<string, { keySet: boolean; keyVar: string; baseUrl: string }>;
      usable: string[];
    };
    expect(json.config.valid).toBe(true);
    expect(Object.keys(json.providers).sort()).toEqual([
      'anthropic',
      'deepseek',
      'openai',
      'openrouter',
    ]);
    for (const [id, provider] of Object.entries(json.providers)) {
      expect(provider.keySet, id).toBe(true);
    }
    expect(json.providers.anthropic!.baseUrl).toBe(stubs.anthropic.url);
    expect(json.ollama.reachable).toBe(true);
    // Read through the bundled (lazily imported) systeminformation on this Linux machine.
    expect(
      (json as unknown as { memory: { totalBytes: number } | null }).memory?.totalBytes,
    ).toBeGreaterThan(0);
    expect(json.ollama.host).toBe(stubs.ollama.url);
    expect(json.ollama.installed.map((m) => m.name)).toEqual(['qwen3-coder:30b']);
    expect(json.usable.sort()).toEqual(['anthropic', 'deepseek', 'ollama', 'openai', 'openrouter']);
    for (const key of keyValues(stubs.env)) {
      expect(result.stdout).not.toContain(key);
      expect(result.stderr).not.toContain(key);
    }
  });

  it('doctor (text) with keys set never prints a key value either', async () => {
    const result = await kirikae(['doctor'], { ...newBox().env, ...stubs.env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('ANTHROPIC_API_KEY set');
    for (const key of keyValues(stubs.env)) expect(result.stdout).not.toContain(key);
  });

  it('doctor with no keys and Ollama down: exit 1 and each fix listed', async () => {
    const port = await closedPort();
    const result = await kirikae(['doctor'], {
      ...newBox().env,
      OLLAMA_HOST: `http://127.0.0.1:${port}`,
    });
    expect(result.exitCode).toBe(1);
    const out = result.stdout;
    expect(out).toContain('no provider is usable yet');
    const fixes = out.slice(out.indexOf('to fix:'));
    expect(out.indexOf('to fix:')).toBeGreaterThan(0);
    expect(fixes).toMatch(new RegExp(`Ollama not reachable at http://127\\.0\\.0\\.1:${port}`));
    expect(fixes).toContain('`ollama serve`');
    expect(fixes).toContain('OLLAMA_HOST');
    for (const variable of KEY_VARS) {
      expect(fixes, variable).toContain(`${variable} is not set: export ${variable}=`);
    }
  });

  it('doctor --json with no keys and Ollama down: exit 1, every problem with its fix', async () => {
    const port = await closedPort();
    const result = await kirikae(['doctor', '--json'], {
      ...newBox().env,
      OLLAMA_HOST: `127.0.0.1:${port}`,
    });
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout) as {
      ollama: { reachable: boolean };
      usable: string[];
      problems: { what: string; fix: string }[];
    };
    expect(json.ollama.reachable).toBe(false);
    expect(json.usable).toEqual([]);
    const fixes = json.problems.map((p) => p.fix).join('\n');
    expect(fixes).toContain('ollama serve');
    for (const variable of KEY_VARS) expect(fixes).toContain(`export ${variable}=`);
  });

  it('doctor with every stub up but a bad config field: exit 1, the field named', async () => {
    const box = newBox();
    mkdirSync(box.configDir, { recursive: true });
    writeFileSync(
      join(box.configDir, 'config.json'),
      JSON.stringify({ budget: { monthlyUsd: 'lots' } }),
    );
    const result = await kirikae(['doctor'], { ...box.env, ...stubs.env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /config +✗ .*\(1 problem below; what does not validate uses its default\)/,
    );
    expect(result.stdout).toContain('budget.monthlyUsd');
  });

  it("costs compares with tier 0's first model unless --whatif names another", async () => {
    const box = newBox();
    mkdirSync(box.configDir, { recursive: true });
    writeFileSync(
      join(box.configDir, 'config.json'),
      JSON.stringify({ tiers: { 0: ['openai/gpt-6.2-sol'] } }),
    );
    const model = async (...args: string[]) =>
      (JSON.parse((await kirikae(['costs', '--json', ...args], box.env)).stdout) as CostsJson)
        .whatif.model;
    expect(await model()).toBe('openai/gpt-6.2-sol');
    expect(await model('--whatif', 'anthropic/claude-opus-4-6')).toBe('anthropic/claude-opus-4-6');
  });

  it('models with a mistyped action refuses, and loads nothing', async () => {
    // "unlaod" used to fall through to a load of the model it meant to unload.
    const result = await kirikae(['models', 'unlaod', 'qwen3-coder:30b'], {
      ...newBox().env,
      OLLAMA_HOST: 'http://127.0.0.1:1',
    });
    // 2, as every usage error (route "", costs --month 13): not a run that failed.
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "command-argument value 'unlaod' is invalid for argument 'action'. Allowed choices are list, load, unload, pin.",
    );
    expect(result.stdout).toBe('');
  });

  it('config path | set | get round trip', async () => {
    const box = newBox();
    const file = join(box.configDir, 'config.json');
    const config = (...args: string[]) => kirikae(['config', ...args], box.env);

    const path = await config('path');
    expect(path.exitCode).toBe(0);
    expect(path.stdout).toBe(`${file}\n`);

    expect((await config('get', 'budget.monthlyUsd')).stdout).toBe('200\n');

    const set = await config('set', 'budget.monthlyUsd', '300');
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stdout).toBe('budget.monthlyUsd = 300\n');
    expect((await config('get', 'budget.monthlyUsd')).stdout).toBe('300\n');

    const tier = await config('set', 'tiers.1', '["anthropic/claude-opus-4-6"]');
    expect(tier.exitCode, tier.stderr).toBe(0);
    expect(JSON.parse((await config('get', 'tiers.1')).stdout)).toEqual([
      'anthropic/claude-opus-4-6',
    ]);
    expect((await config('set', 'ui.theme', 'dracula')).exitCode).toBe(0);
    const price = await config(
      'set',
      'prices.openrouter/google/gemini-2.5-flash',
      '{"inputMtok":0.3,"outputMtok":2.5}',
    );
    expect(price.exitCode, price.stderr).toBe(0);

    // A bad value is refused with the path, and nothing changes.
    const bad = await config('set', 'budget.monthlyUsd', 'lots');
    expect(bad.exitCode).not.toBe(0);
    expect(lines(bad.stderr)[0]).toMatch(
      /^kirikae: budget\.monthlyUsd: expected number, received string/,
    );
    const unknown = await config('get', 'budget.nope');
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('No config key "budget.nope"');

    // The file holds only what was set.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      budget: { monthlyUsd: 300 },
      tiers: { '1': ['anthropic/claude-opus-4-6'] },
      ui: { theme: 'dracula' },
      prices: { 'openrouter/google/gemini-2.5-flash': { inputMtok: 0.3, outputMtok: 2.5 } },
    });
    // `config get` with no key prints the effective config: file over defaults.
    const all = await config('get');
    expect(all.exitCode).toBe(0);
    const effective = JSON.parse(all.stdout) as {
      budget: { monthlyUsd: number; action: string };
      tiers: Record<string, string[]>;
    };
    expect(effective.budget).toMatchObject({ monthlyUsd: 300, action: 'ask' });
    expect(effective.tiers['0']).toEqual(['anthropic/claude-opus-5-5', 'openai/gpt-6.2-sol']);
    // KIRIKAE_BUDGET_USD overrides for one run and is never written.
    const env = await kirikae(['config', 'get', 'budget.monthlyUsd'], {
      ...box.env,
      KIRIKAE_BUDGET_USD: '25',
    });
    expect(env.stdout).toBe('25\n');
    expect(JSON.parse(readFileSync(file, 'utf8')).budget).toEqual({ monthlyUsd: 300 });
  });

  it('route - reads the prompt from stdin, as -p - does, and refuses binary input', async () => {
    const env = { ...newBox().env, ...stubs.env };
    const piped = await kirikae(['route', '-', '--json'], env, {
      stdin: { text: 'rename getParams to extractParams everywhere', via: 'pipe' },
    });
    expect(piped.exitCode, piped.stderr).toBe(0);
    const typed = await kirikae(
      ['route', '--json', 'rename getParams to extractParams everywhere'],
      env,
    );
    const decision = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { taskType: string; chosen: { model: string } }).chosen.model;
    expect(decision(piped)).toBe(decision(typed));
    const binary = await kirikae(['route', '-'], env, {
      stdin: { text: 'PNG\u0000x', via: 'pipe' },
    });
    expect(binary.exitCode).toBe(2);
    expect(binary.stderr).toMatch(/stdin is binary data/);
  });

  it('route --json prints the decision with estimates and sends nothing', async () => {
    const sentBefore = stubs.anthropic.requests.length + stubs.openai.requests.length;
    const result = await kirikae(
      ['route', '--json', 'rename getParams to extractParams everywhere'],
      {
        ...newBox().env,
        ...stubs.env,
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      taskType: string;
      complexity: number;
      chosen: { model: string; tier: number | null; estimate: Record<string, unknown> };
      alternatives: { model: string; estimate: Record<string, unknown> }[];
      reasons: string[];
    };
    for (const key of ['taskType', 'complexity', 'chosen', 'alternatives', 'reasons']) {
      expect(json, key).toHaveProperty(key);
    }
    // A mechanical rename: the trained classifier calls it a quick fix, the rules a refactor.
    expect(['refactor', 'quick-fix']).toContain(json.taskType);
    expect(typeof json.complexity).toBe('number');
    expect(json.reasons.length).toBeGreaterThan(0);
    expect(json.alternatives.length).toBeGreaterThan(0);
    for (const route of [json.chosen, ...json.alternatives]) {
      const estimate = route.estimate;
      for (const key of [
        'inputTokens',
        'cacheReadTokens',
        'cacheWriteTokens',
        'outputTokens',
        'pSuccess',
        'seconds',
      ]) {
        expect(typeof estimate[key], `${route.model} ${key}`).toBe('number');
      }
      for (const key of ['usdP50', 'usdP90', 'expectedUsdPerTask']) {
        expect(estimate, `${route.model} ${key}`).toHaveProperty(key);
        expect(estimate[key] === null || typeof estimate[key] === 'number').toBe(true);
      }
    }
    expect(typeof json.chosen.estimate.usdP50).toBe('number');
    expect(stubs.anthropic.requests.length + stubs.openai.requests.length).toBe(sentBefore);
  });
});
