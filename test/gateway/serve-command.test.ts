// `kirikae serve` as a command: what it prints, what it refuses, and the log line per request.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KirikaeError } from '../../src/core/errors.js';
import { isLoopbackHost, pasteLines, runServe } from '../../src/commands/serve.js';
import { gatewayHarness } from './harness.js';

const harness = gatewayHarness();

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, env: {} }, out: () => out, err: () => err };
}

describe('kirikae serve', () => {
  it('prints the lines to paste, serves, and logs each request without its key', async () => {
    const { core } = await harness.makeCore({
      config: { fallback: ['anthropic/claude-sonnet-5-5'] },
    });
    harness.stubs().anthropic.steps.push({ text: ['hi'], usage: { input: 30, output: 2 } });
    const c = capture();
    let url = '';
    const code = await runServe(
      { port: 0 },
      {
        config: () => core.config.get(),
        routing: core.routing,
        runner: core.runner,
        pinned: () => ({ model: 'anthropic/claude-sonnet-5-5' }),
      },
      c.io,
      async (gateway) => {
        url = gateway.url;
        const res = await fetch(`${gateway.url}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': 'sk-should-never-be-logged', 'user-agent': 'claude-cli/2.1.332' },
          body: JSON.stringify({
            model: 'claude-opus-5-5',
            max_tokens: 1000,
            messages: [{ role: 'user', content: 'hello' }],
          }),
        });
        expect(res.status).toBe(200);
      },
    );
    expect(code).toBe(0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(c.out()).toContain(`ANTHROPIC_BASE_URL=${url} claude`);
    expect(c.out()).toContain(`OPENAI_BASE_URL=${url}/v1`);
    expect(c.err()).toMatch(
      /^claude-code {2}default {2}→ anthropic\/claude-sonnet-5-5 {2}30 in {2}2 out/m,
    );
    expect(c.out() + c.err()).not.toContain('sk-should-never-be-logged');
  });

  it('refuses to bind beyond loopback without --token', async () => {
    const c = capture();
    const kit = { config: () => ({}) as never, routing: {} as never, runner: {} as never };
    await expect(runServe({ host: '0.0.0.0', port: 0 }, kit, c.io, async () => {})).rejects.toThrow(
      KirikaeError,
    );
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('192.168.1.2')).toBe(false);
    expect(pasteLines('http://h:1', 'zq-secret').join('\n')).not.toContain('zq-secret');
  });
});
