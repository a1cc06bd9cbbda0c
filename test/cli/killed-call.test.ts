// A model call cut short by `kill -9` is paid for: the next kirikae books it from the marker the
// call left, with its usage estimated. Runs the real binary against the Anthropic stub.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord, LedgerRecord } from '../../src/core/records.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { ROOT, ensureBuilt, kirikae, sandbox } from './helpers.js';

let stubs: AllStubs;
beforeAll(async () => {
  [stubs] = await Promise.all([startAllStubs(), ensureBuilt()]);
}, 120_000);
afterAll(() => stubs?.close());

function ledgerCalls(dataDir: string): CallRecord[] {
  const dir = join(dataDir, 'ledger');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerRecord)
    .filter((r): r is CallRecord => r.type === 'call');
}

/** `kirikae -p` killed after its first streamed words: one marker, no ledger line. */
async function killMidAnswer(signal: NodeJS.Signals = 'SIGKILL') {
  const box = sandbox();
  mkdirSync(box.configDir, { recursive: true });
  writeFileSync(join(box.configDir, 'config.json'), '{}');
  const env = { ...box.env, ...stubs.env };
  // message_start, ping, content_block_start and two text deltas, then silence.
  stubs.anthropic.steps.push({
    text: ['The cause is the unclosed handle in ', 'open_db.', ' More.'],
    stallAfterEvents: 5,
  });
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'kirikae.js'),
      '-p',
      'why does the db stay locked?',
      '--model',
      'anthropic/claude-sonnet-5-5',
    ],
    { env, cwd: box.home, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('open_db.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`kirikae exited (${code}) before streaming`)));
  });
  const markers = join(box.dataDir, 'ledger', 'inflight');
  expect(readdirSync(markers)).toHaveLength(1);
  child.kill(signal);
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  expect(ledgerCalls(box.dataDir)).toHaveLength(0);
  return { box, env, markers, code };
}

describe('a call kirikae dies during', () => {
  it('is booked by the next run, usage estimated and marked interrupted', async () => {
    const { box, env, markers } = await killMidAnswer();

    // The next run books it before its own call.
    stubs.anthropic.steps.push({ text: ['ok'] });
    const next = await kirikae(['-p', 'and now?', '--model', 'anthropic/claude-sonnet-5-5'], env);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stderr).toContain(
      '1 model call cut short when kirikae last ended is now in the ledger',
    );
    const [killed, after] = ledgerCalls(box.dataDir);
    expect(killed).toMatchObject({
      model: 'anthropic/claude-sonnet-5-5',
      outcome: 'aborted',
      usageEstimated: true,
      warnings: [{ kind: 'interrupted' }],
    });
    // The request's system prompt, tools and question, at about four characters to a token.
    expect(killed!.usage.input).toBeGreaterThan(500);
    // The first text is written at once; what follows within a second may not be (kill -9).
    expect(killed!.usage.output).toBeGreaterThanOrEqual(
      Math.ceil('The cause is the unclosed handle in '.length / 4),
    );
    expect(killed!.costUsd).toBeGreaterThan(0);
    expect(after).toMatchObject({ outcome: 'ok' });
    expect(existsSync(markers) ? readdirSync(markers) : []).toEqual([]);
    box.remove();
  }, 60_000);

  it('a SIGTERM (a closed terminal, timeout, docker stop) writes what had streamed before it exits', async () => {
    const { box, env, code } = await killMidAnswer('SIGTERM');
    expect(code).toBe(143);
    const costs = await kirikae(['costs', '--json'], env);
    expect(costs.stderr).toContain('1 model call cut short when kirikae last ended');
    const [killed] = ledgerCalls(box.dataDir);
    // Both deltas, though the second came within the marker's one-second write interval.
    expect(killed!.usage.output).toBe(
      Math.ceil('The cause is the unclosed handle in open_db.'.length / 4),
    );
    box.remove();
  }, 60_000);

  it('is booked by kirikae costs, where a user looks for it', async () => {
    const { box, env } = await killMidAnswer();
    const costs = await kirikae(['costs', '--json'], env);
    expect(costs.exitCode, costs.stderr).toBe(0);
    expect(costs.stderr).toContain('1 model call cut short when kirikae last ended');
    const json = JSON.parse(costs.stdout) as { totalUsd: number; estimatedCalls: number };
    expect(json.totalUsd).toBeGreaterThan(0);
    expect(json.estimatedCalls).toBe(1);
    box.remove();
  }, 60_000);

  it('through the gateway too: a streamed request cut by a kill is booked next time', async () => {
    const box = sandbox();
    mkdirSync(box.configDir, { recursive: true });
    writeFileSync(join(box.configDir, 'config.json'), '{}');
    const env = { ...box.env, ...stubs.env };
    stubs.anthropic.steps.push({ text: ['Half of it ', 'and the rest'], stallAfterEvents: 4 });
    const server = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'kirikae.js'), 'serve', '--port', '0'],
      {
        env,
        cwd: box.home,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /ANTHROPIC_BASE_URL=(http:\/\/[\d.:]+)/.exec(out);
        if (found) resolve(found[1]!);
      });
      server.once('exit', (code) => reject(new Error(`serve exited (${code})`)));
    });
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        // provider/model: passed through as named, not routed.
        model: 'anthropic/claude-sonnet-5-5',
        max_tokens: 1000,
        stream: true,
        messages: [{ role: 'user', content: 'explain the lock' }],
      }),
    });
    const reader = res.body!.getReader();
    let body = '';
    while (!body.includes('Half of it'))
      body += new TextDecoder().decode((await reader.read()).value);
    const markers = join(box.dataDir, 'ledger', 'inflight');
    expect(readdirSync(markers)).toHaveLength(1);
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    await reader.cancel().catch(() => {});

    stubs.anthropic.steps.push({ text: ['ok'] });
    const next = await kirikae(['-p', 'hi', '--model', 'anthropic/claude-sonnet-5-5'], env);
    expect(next.exitCode, next.stderr).toBe(0);
    const [killed] = ledgerCalls(box.dataDir);
    expect(killed).toMatchObject({
      session: 'gateway',
      outcome: 'aborted',
      usageEstimated: true,
      warnings: [{ kind: 'interrupted' }],
    });
    expect(killed!.usage.output).toBe(Math.ceil('Half of it '.length / 4));
    box.remove();
  }, 60_000);
});
