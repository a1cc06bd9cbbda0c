// End to end with the real Claude Code (`@anthropic-ai/claude-code`): `claude -p` with
// ANTHROPIC_BASE_URL at the gateway and a dummy key, upstreams on the stubs. Claude Code sends
// background requests of its own (haiku-class: titles, topic checks) besides the main one, so
// each run routes the efficient tier (background) to one stub and every other tier to the
// model under test, and answers every main request alike.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayHarness, type GatewaySetup } from './harness.js';

const PACKAGE_DIR = join(process.cwd(), 'node_modules', '@anthropic-ai', 'claude-code');
const INSTALLED = existsSync(join(PACKAGE_DIR, 'package.json'));
const SKIP_REASON =
  'Claude Code is not installed: add "@anthropic-ai/claude-code": "2.1.332" to devDependencies';

/** The `claude` executable the package declares in its bin field. */
function claudeBin(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.claude ?? 'cli.js');
  return join(PACKAGE_DIR, bin);
}

const harness = gatewayHarness();

/** Every tier but the efficient one runs `main`; background requests go to `background`. */
function tiersFor(main: string, background: string): GatewaySetup['config'] {
  return { tiers: { 0: [main], 1: [main], 2: [background], 3: [main], 4: [main] } };
}

async function claude(
  url: string,
  root: string,
  prompt: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const bin = claudeBin();
  const args = [...(bin.endsWith('.js') ? [bin] : []), '-p', prompt];
  return new Promise((resolve) => {
    const child = execFile(
      bin.endsWith('.js') ? process.execPath : bin,
      args,
      {
        cwd,
        timeout: 90_000,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          CLAUDE_CONFIG_DIR: join(home, '.claude'),
          ANTHROPIC_BASE_URL: url,
          ANTHROPIC_API_KEY: 'dummy',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
      },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 }),
    );
    // `claude -p` waits 3 s for piped input and warns when none comes: there is none.
    child.stdin?.end();
  });
}

describe.skipIf(!INSTALLED)('Claude Code through kirikae serve', () => {
  it('is answered by an Anthropic target and booked with client claude-code', async () => {
    const { gateway, calls, root } = await harness.makeGateway({
      config: tiersFor('anthropic/claude-sonnet-5-5', 'openrouter/google/gemini-3.8-flash'),
    });
    for (let i = 0; i < 5; i++)
      harness.stubs().anthropic.steps.push({ text: ['kirikae-e2e ', 'answered by the stub'] });
    const run = await claude(gateway.url, root, 'implement a hello world function');
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('kirikae-e2e answered by the stub');
    const main = calls().filter((r) => r.model === 'anthropic/claude-sonnet-5-5');
    expect(main.length).toBeGreaterThan(0);
    for (const record of calls()) expect(record.task).toMatch(/^gateway:claude-code:/);
  });

  it('is answered by an OpenAI-compatible target (DeepSeek on OpenRouter)', async () => {
    const { gateway, calls, root } = await harness.makeGateway({
      config: tiersFor('openrouter/deepseek/deepseek-v4-flash', 'anthropic/claude-haiku-5-5'),
    });
    for (let i = 0; i < 5; i++)
      harness.stubs().openai.steps.push({ text: ['kirikae-e2e ', 'from deepseek'] });
    const run = await claude(gateway.url, root, 'implement a hello world function');
    expect(run.stdout).toContain('kirikae-e2e from deepseek');
    expect(calls().some((r) => r.model === 'openrouter/deepseek/deepseek-v4-flash')).toBe(true);
  });

  it('is answered by a local model on the Ollama stub', async () => {
    const { gateway, calls, root } = await harness.makeGateway({
      config: {
        ...tiersFor('ollama/qwen3-coder:30b', 'anthropic/claude-haiku-5-5'),
        local: { memoryBudgetGb: 64, reserveGb: 0 },
      },
    });
    for (let i = 0; i < 5; i++)
      harness.stubs().ollama.chatSteps.push({ chunks: ['kirikae-e2e ', 'from qwen'] });
    const run = await claude(gateway.url, root, 'implement a hello world function');
    expect(run.stdout).toContain('kirikae-e2e from qwen');
    expect(calls().some((r) => r.model === 'ollama/qwen3-coder:30b' && r.costUsd === 0)).toBe(true);
  });

  it('runs a tool call round trip: Claude Code reads the file the model asked for', async () => {
    const { gateway, calls, root } = await harness.makeGateway({
      config: tiersFor('anthropic/claude-sonnet-5-5', 'openrouter/google/gemini-3.8-flash'),
    });
    const file = join(root, 'project', 'NOTE.md');
    mkdirSync(join(root, 'project'), { recursive: true });
    writeFileSync(file, 'the secret word is aubergine\n');
    const stub = harness.stubs().anthropic;
    stub.steps.push({
      toolUses: [{ id: 'toolu_e2e_1', name: 'Read', input: { file_path: file } }],
    });
    for (let i = 0; i < 5; i++) stub.steps.push({ text: ['The word is aubergine.'] });
    const run = await claude(gateway.url, root, 'read NOTE.md and tell me the secret word');
    expect(run.stdout).toContain('The word is aubergine.');
    const sentResult = stub.requests.some((r) =>
      JSON.stringify(r.body?.messages ?? []).includes('aubergine'),
    );
    expect(sentResult).toBe(true);
    expect(calls().filter((r) => r.model === 'anthropic/claude-sonnet-5-5').length).toBeGreaterThan(
      1,
    );
  });

  it('falls back on a 529 without Claude Code noticing', async () => {
    const { gateway, calls, root } = await harness.makeGateway({
      config: {
        ...tiersFor('anthropic/claude-sonnet-5-5', 'openrouter/google/gemini-3.8-flash'),
        fallback: ['anthropic/claude-sonnet-5-5', 'openrouter/deepseek/deepseek-v4-flash'],
      },
    });
    harness.stubs().anthropic.steps.push({
      httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
    });
    for (let i = 0; i < 5; i++)
      harness.stubs().openai.steps.push({ text: ['kirikae-e2e after fallback'] });
    const run = await claude(gateway.url, root, 'implement a hello world function');
    expect(run.stdout).toContain('kirikae-e2e after fallback');
    expect(calls()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ model: 'anthropic/claude-sonnet-5-5', errorKind: 'overloaded' }),
        expect.objectContaining({
          model: 'openrouter/deepseek/deepseek-v4-flash',
          decision: 'fallback',
        }),
      ]),
    );
  });
});

describe.skipIf(INSTALLED)('Claude Code through kirikae serve (not installed)', () => {
  it.skip(SKIP_REASON, () => {});
});
