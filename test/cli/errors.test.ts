// Bad input ends as one clear line on stderr and a non-zero exit, with the fix in it; a stack
// trace only with KIRIKAE_DEBUG=1. Runs the built binary with a clean environment.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import {
  STACK_LINE,
  closedPort,
  ensureBuilt,
  kirikae,
  lines,
  sandbox,
  type RunResult,
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

/** `kirikae …args` with the stub environment; `extra` adds variables or unsets them (undefined). */
function run(
  args: string[],
  extra: Record<string, string | undefined> = {},
  box = newBox(),
): Promise<RunResult> {
  return kirikae(args, { ...box.env, ...stubs.env, ...extra });
}

/** Exactly one line on stderr, starting `kirikae: `, no stack, non-zero exit. */
function oneErrorLine(result: RunResult): string {
  expect(result.exitCode).not.toBe(0);
  const stderr = lines(result.stderr);
  expect(stderr, result.stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(/^kirikae: /);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stdout).toBe('');
  return stderr[0]!;
}

// Generous timeouts: each test spawns Node, and CI has two busy cores.
describe.concurrent('bad input', { timeout: 60_000 }, () => {
  it('an unknown provider lists the known ones', async () => {
    const line = oneErrorLine(await run(['-p', 'hi', '--model', 'foo/bar']));
    expect(line).toContain('Unknown provider "foo"');
    expect(line).toContain('anthropic, openai, openrouter, deepseek, ollama');
  });

  it('an unknown cloud model names the closest ids, once each, and sends nothing', async () => {
    const result = await run(['-p', 'hi', '--model', 'anthropic/claude-sonet-4-6']);
    const line = oneErrorLine(result);
    expect(line).toContain('Unknown model "anthropic/claude-sonet-4-6"');
    const closest = /Closest: (.*?)\. /.exec(line)?.[1]?.split(', ') ?? [];
    expect(closest.length).toBeGreaterThan(0);
    expect(closest[0]).toBe('anthropic/claude-sonnet-4-6');
    expect(new Set(closest).size).toBe(closest.length);
    expect(stubs.anthropic.requests.filter((r) => r.body?.model === 'claude-sonet-4-6')).toEqual(
      [],
    );
  });

  it('a missing key names ANTHROPIC_API_KEY and sends nothing', async () => {
    const result = await run(['-p', 'hi', '--model', 'anthropic/claude-sonnet-4-6'], {
      ANTHROPIC_API_KEY: undefined,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    const line = oneErrorLine(result);
    expect(line).toContain('ANTHROPIC_API_KEY');
  });

  it('a missing key with --json still prints one JSON object naming the error', async () => {
    const result = await run(['-p', 'hi', '--model', 'openai/gpt-5.3-codex', '--json'], {
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
    });
    expect(result.exitCode).not.toBe(0);
    const json = JSON.parse(result.stdout) as { error?: { kind: string; message: string } };
    expect(json.error?.kind).toBe('auth');
    expect(json.error?.message).toContain('OPENAI_API_KEY');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('OPENAI_API_KEY');
  });

  it('OLLAMA_HOST at a closed port: mentions OLLAMA_HOST and `ollama serve`', async () => {
    const port = await closedPort();
    const line = oneErrorLine(
      await run(['-p', 'hi', '--model', 'ollama/qwen3-coder:30b'], {
        OLLAMA_HOST: `127.0.0.1:${port}`,
      }),
    );
    expect(line).toContain('OLLAMA_HOST');
    expect(line).toContain('ollama serve');
    expect(line).toContain(String(port));
  });

  it('an invalid config file: config get names the field path and leaves the file alone', async () => {
    const box = newBox();
    mkdirSync(box.configDir, { recursive: true });
    const file = join(box.configDir, 'config.json');
    const text = '{ "budget": { "monthlyUsd": "x" } }\n';
    writeFileSync(file, text);
    const mtime = statSync(file).mtimeMs;
    const line = oneErrorLine(await run(['config', 'get', 'budget.monthlyUsd'], {}, box));
    expect(line).toContain(file);
    expect(line).toContain('budget.monthlyUsd: expected number, received string');
    // config set is refused too: the whole result is validated.
    const set = await run(['config', 'set', 'budget.action', 'block'], {}, box);
    expect(oneErrorLine(set)).toContain('budget.monthlyUsd');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('an invalid config file: -p warns with the field path and still answers on defaults', async () => {
    const box = newBox();
    mkdirSync(box.configDir, { recursive: true });
    const file = join(box.configDir, 'config.json');
    // The memory budget a 30B model needs on this 24 GB box; the bad field must not drop it.
    const text = '{ "tiers": { "0": ["foo"] }, "local": { "memoryBudgetGb": 64, "reserveGb": 0 } }';
    writeFileSync(file, text);
    const result = await run(['-p', 'hi', '--model', 'ollama/qwen3-coder:30b'], {}, box);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('ok\n');
    expect(result.stderr).toMatch(/^kirikae: warning: .*tiers\.0\.0: expected provider\/model/m);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('config file that is not JSON: reported with its path, untouched', async () => {
    const box = newBox();
    mkdirSync(box.configDir, { recursive: true });
    const file = join(box.configDir, 'config.json');
    writeFileSync(file, '{ "budget": ');
    const line = oneErrorLine(await run(['config', 'set', 'budget.monthlyUsd', '300'], {}, box));
    expect(line).toContain(file);
    expect(line).toContain('not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe('{ "budget": ');
  });

  it('KIRIKAE_DEBUG=1 adds the stack trace', async () => {
    const result = await run(['-p', 'hi', '--model', 'foo/bar'], { KIRIKAE_DEBUG: '1' });
    expect(result.exitCode).not.toBe(0);
    const stderr = lines(result.stderr);
    expect(stderr[0]).toMatch(/^kirikae: Unknown provider "foo"/);
    expect(stderr.length).toBeGreaterThan(2);
    expect(result.stderr).toMatch(STACK_LINE);
    expect(result.stderr).toContain('parseModelRef');
  });
});

describe('provider errors', { timeout: 60_000 }, () => {
  it('a 429 with retry-after and no fallback left ends in a rate-limit error line', async () => {
    const rateLimited = {
      httpError: {
        status: 429,
        type: 'rate_limit_error',
        message: 'This request would exceed your rate limit of 50 requests per minute',
        headers: { 'retry-after': '1' },
      },
    };
    // The SDK retries (after the server's retry-after) before giving up: script enough 429s.
    stubs.anthropic.steps.push(rateLimited, rateLimited, rateLimited, rateLimited);
    const before = stubs.anthropic.requests.length;
    // No fallback chain and no other key: the turn has nowhere to go.
    const box = newBox();
    mkdirSync(box.configDir, { recursive: true });
    writeFileSync(join(box.configDir, 'config.json'), JSON.stringify({ fallback: [] }));
    const result = await run(
      ['-p', 'hi', '--model', 'anthropic/claude-sonnet-4-6'],
      {
        OPENAI_API_KEY: undefined,
        OPENROUTER_API_KEY: undefined,
        DEEPSEEK_API_KEY: undefined,
        OLLAMA_HOST: `127.0.0.1:${await closedPort()}`,
      },
      box,
    );
    const sent = stubs.anthropic.requests.length - before;
    stubs.anthropic.steps.length = 0;
    expect(sent).toBeGreaterThanOrEqual(1);
    // -p waits out a 429 that names its wait, saying so on a line each time, then gives up.
    const waits = lines(result.stderr).filter((l) => /retrying in \d+ s/.test(l));
    expect(waits).toHaveLength(sent - 1);
    expect(waits[0]).toMatch(/^kirikae: .*429.* · retrying in 1 s \(attempt 2 of 3\)$/);
    const line = oneErrorLine({
      ...result,
      stderr: result.stderr
        .split('\n')
        .filter((l) => !/retrying in \d+ s/.test(l))
        .join('\n'),
    });
    expect(line).toMatch(/429/);
    expect(line).toMatch(/rate[ _]limit/i);
  });
});
