import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { route as runRoute } from '../../src/wiring/headless.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kirikae-route-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ESTIMATE_KEYS = [
  'inputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'outputTokens',
  'usdP50',
  'usdP90',
  'expectedUsdPerTask',
  'pSuccess',
  'seconds',
];

function checkRoute(r: Record<string, unknown>) {
  expect(typeof r.model).toBe('string');
  expect(r.tier === null || typeof r.tier === 'number').toBe(true);
  const estimate = r.estimate as Record<string, unknown>;
  for (const key of ESTIMATE_KEYS) expect(estimate, key).toHaveProperty(key);
  for (const key of [
    'inputTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'outputTokens',
    'pSuccess',
    'seconds',
  ]) {
    expect(typeof estimate[key], key).toBe('number');
  }
  for (const key of ['usdP50', 'usdP90', 'expectedUsdPerTask']) {
    expect(estimate[key] === null || typeof estimate[key] === 'number', key).toBe(true);
  }
}

describe('kirikae route', () => {
  it('--json prints exactly one object with the fixed keys (no keys in env, Ollama down)', async () => {
    const port = await closedPort();
    const out = capture();
    const err = capture();
    const env = { KIRIKAE_CONFIG_DIR: dir, OLLAMA_HOST: `127.0.0.1:${port}` };
    const code = await runRoute(
      { prompt: 'fix the typo in README', json: true },
      { stdout: out.stream, stderr: err.stream, env },
    );
    expect(code).toBe(0);
    const json = JSON.parse(out.text()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['taskType', 'complexity', 'chosen', 'alternatives', 'reasons']),
    );
    expect(json.taskType).toBe('quick-fix');
    expect(typeof json.complexity).toBe('number');
    checkRoute(json.chosen as Record<string, unknown>);
    const alternatives = json.alternatives as Record<string, unknown>[];
    expect(alternatives.length).toBeGreaterThanOrEqual(2);
    alternatives.forEach(checkRoute);
    expect(Array.isArray(json.reasons)).toBe(true);
    // Nothing can run: every route says why.
    expect((json.chosen as { available: boolean }).available).toBe(false);
    expect(alternatives.map((a) => a.unavailableReason)).toEqual(
      // The same sentence the route card shows (one local runtime, one message).
      expect.arrayContaining([
        `Cannot reach Ollama at http://127.0.0.1:${port}. Start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs`,
      ]),
    );
    expect(
      alternatives.some((a) =>
        /no API key \(set [A-Z]+_API_KEY\)/.test(String(a.unavailableReason)),
      ),
    ).toBe(true);
    expect(err.text()).toBe('');
  });

  describe('with Ollama up', () => {
    let stub: OllamaStub;
    beforeEach(async () => {
      stub = await startOllamaStub({ models: [{ name: 'qwen3-coder:30b', size: 18_600_000_000 }] });
      // This box has 24 GB: the test sets the budget a 30B model needs (never the defaults).
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ local: { memoryBudgetGb: 64, reserveGb: 0 } }),
      );
    });
    afterEach(() => stub.close());

    it('prints the route card: task, route, tokens, cost, time, reasons, alternatives', async () => {
      const out = capture();
      const env = { KIRIKAE_CONFIG_DIR: dir, OLLAMA_HOST: stub.url, ANTHROPIC_API_KEY: 'test' };
      const code = await runRoute(
        { prompt: 'fix the typo in the help text' },
        { stdout: out.stream, stderr: capture().stream, env },
      );
      expect(code).toBe(0);
      const text = out.text();
      expect(text).toMatch(/^task {8}quick-fix · complexity 1 · confidence [01]\.\d\d$/m);
      expect(text).toMatch(/^route {7}tier 3 local → ollama\/qwen3-coder:30b$/m);
      expect(text).toMatch(
        /^tokens {6}in \d+ \(cache read \d+, cache write \d+\) · out \d+ \(p90 \d+\)$/m,
      );
      expect(text).toMatch(
        /^cost {8}\$\S+ p50 · \$\S+ p90 · \$\S+ per completed task · p\(success\) \d+%$/m,
      );
      expect(text).toMatch(/^time {8}~[\d.]+ s incl\. model load [\d.]+ s$/m);
      expect(text).toContain('why\n  - quick-fix, complexity 1');
      expect(text).toMatch(/^alternatives\n {2}tier \d/m);
      expect(text).toMatch(
        /ollama\/qwen3-coder-next {2}unavailable: not installed \(ollama pull qwen3-coder-next\)/,
      );
    });

    it('--tier and --model force the route of this prompt', async () => {
      const out = capture();
      const env = { KIRIKAE_CONFIG_DIR: dir, OLLAMA_HOST: stub.url, OPENAI_API_KEY: 'test' };
      await runRoute(
        { prompt: 'fix the typo', json: true, model: 'openai/gpt-5.3-codex' },
        { stdout: out.stream, stderr: capture().stream, env },
      );
      expect(JSON.parse(out.text()).chosen.model).toBe('openai/gpt-5.3-codex');
    });
  });

  it('reports config problems on stderr and still routes on defaults', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ budget: { monthlyUsd: 'lots' } }));
    const out = capture();
    const err = capture();
    const env = { KIRIKAE_CONFIG_DIR: dir, OLLAMA_HOST: `127.0.0.1:${await closedPort()}` };
    const code = await runRoute(
      { prompt: 'hello', json: true },
      { stdout: out.stream, stderr: err.stream, env },
    );
    expect(code).toBe(0);
    expect(err.text()).toMatch(/^kirikae: warning: .*budget\.monthlyUsd/m);
    expect(JSON.parse(out.text()).taskType).toBe('chat');
  });

  it('refuses an empty prompt, a bad model id and a bad tier with exit 2', async () => {
    const env = { KIRIKAE_CONFIG_DIR: dir };
    const err = capture();
    const io = { stdout: capture().stream, stderr: err.stream, env };
    expect(await runRoute({ prompt: '  ' }, io)).toBe(2);
    expect(await runRoute({ prompt: 'x', model: 'gpt4' }, io)).toBe(2);
    expect(await runRoute({ prompt: 'x', tier: 7 }, io)).toBe(2);
    expect(err.text()).toMatch(/give a prompt/);
    expect(err.text()).toMatch(/"gpt4" is not a model id/);
    expect(err.text()).toMatch(/tier must be 0–4, got 7/);
  });
});
