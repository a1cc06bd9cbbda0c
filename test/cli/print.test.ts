// `kirikae -p` end to end: the built binary against the stub servers, one provider family per
// test. Runs in order (the stubs' scripted steps are shared), each run in its own temp folders.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_TIERS } from '../fixtures/seed-config.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import {
  ensureBuilt,
  filesContaining,
  filesUnder,
  keyValues,
  kirikae,
  lines,
  readJsonLines,
  sandbox,
  type RunResult,
  type Sandbox,
} from './helpers.js';

let stubs: AllStubs;
let box: Sandbox;

beforeAll(async () => {
  [stubs] = await Promise.all([startAllStubs(), ensureBuilt()]);
}, 120_000);
afterAll(() => stubs?.close());
beforeEach(() => {
  box = sandbox();
  // The runs name the February models and check the tier each is recorded under.
  mkdirSync(box.configDir, { recursive: true });
  writeFileSync(join(box.configDir, 'config.json'), JSON.stringify({ tiers: SEED_TIERS }));
});
afterEach(() => {
  box.remove();
  stubs.anthropic.steps.length = 0;
  stubs.openai.steps.length = 0;
  stubs.ollama.chatSteps.length = 0;
  stubs.anthropic.requests.length = 0;
  stubs.openai.requests.length = 0;
  stubs.ollama.requests.length = 0;
});

const print = (args: string[]): Promise<RunResult> =>
  kirikae(['-p', 'Say hello', ...args], { ...box.env, ...stubs.env });

const JSON_KEYS = [
  'calls',
  'costKnown',
  'costUsd',
  'durationMs',
  'model',
  'refusedCalls',
  'session',
  'stopReason',
  'text',
  'tokPerSec',
  'usage',
  'verify',
  'warnings',
].sort();

interface PrintJson {
  model: string;
  text: string;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number };
  costUsd: number | null;
  tokPerSec: number | null;
  durationMs: number;
  stopReason: string;
}

/** stdout is exactly one JSON object (one line) with the documented keys. */
function parseOne(result: RunResult): PrintJson {
  expect(result.exitCode, result.stderr).toBe(0);
  const body = result.stdout.trim();
  expect(body.split('\n')).toHaveLength(1);
  const json = JSON.parse(body) as PrintJson;
  expect(Object.keys(json).sort()).toEqual(JSON_KEYS);
  expect(Object.keys(json.usage).sort()).toEqual(['cacheRead', 'cacheWrite', 'input', 'output']);
  expect(typeof json.durationMs).toBe('number');
  expect(json.durationMs).toBeGreaterThanOrEqual(0);
  // A stub answers a handful of tokens at once: too little generation to measure a rate, so
  // tok/s is null rather than an impossible figure (issue 13.8); Ollama's own rate is a number.
  expect(json.tokPerSec === null || json.tokPerSec > 0).toBe(true);
  return json;
}

/** The one ledger line the run wrote, in ledger/YYYY-MM.jsonl named after its UTC month. */
function onlyCallRecord(): Record<string, unknown> {
  const ledger = join(box.dataDir, 'ledger');
  const files = filesUnder(ledger);
  expect(files).toHaveLength(1);
  const records = readJsonLines(files[0]!);
  expect(records).toHaveLength(1);
  const record = records[0]!;
  expect(record.type).toBe('call');
  expect(basename(files[0]!)).toBe(`${String(record.ts).slice(0, 7)}.jsonl`);
  expect(basename(files[0]!)).toMatch(/^\d{4}-(0[1-9]|1[0-2])\.jsonl$/);
  return record;
}

function noKeysOnDisk(): void {
  expect(filesUnder(box.dataDir).length).toBeGreaterThan(0);
  expect(filesContaining([box.dataDir, box.configDir, box.home], keyValues(stubs.env))).toEqual([]);
}

// Generous timeouts: each test spawns Node, and CI has two busy cores.
describe('kirikae -p against the stubs', { timeout: 60_000 }, () => {
  it('anthropic: streams the answer to stdout and ends with one summary line on stderr', async () => {
    stubs.anthropic.steps.push({
      text: ['Hello ', 'from ', 'the stub'],
      chunkDelayMs: 200,
      usage: { input: 1200, output: 180, cacheRead: 3000, cacheWrite: 1100 },
    });
    const result = await print(['--model', 'anthropic/claude-sonnet-4-6']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('Hello from the stub\n');
    // Streamed: the first text arrived while the rest was still coming (two 200 ms gaps later).
    expect(result.endedAtMs - result.stdoutChunkTimes[0]!).toBeGreaterThan(200);

    const stderr = lines(result.stderr);
    expect(stderr).toHaveLength(1);
    const summary = stderr[0]!;
    expect(summary).toContain('anthropic/claude-sonnet-4-6');
    expect(summary).toContain('tokens in 1200 / cache read 3000 / cache write 1100 / out 180');
    // 1200 × $3 + 3000 × $0.30 + 1100 × $3.75 + 180 × $15 = 3600 + 900 + 4125 + 2700
    // = 11325 µ$ → $0.011325, shown with three decimals (present/units).
    expect(summary).toContain('$0.011');
    expect(summary).toMatch(/ (\d+(\.\d)?|\?) tok\/s/);
    expect(summary).toMatch(/ \d+(\.\d)? (s|ms)$/);

    const request = stubs.anthropic.requests.find((r) => r.path === '/v1/messages');
    expect(request?.body.model).toBe('claude-sonnet-4-6');
    // The SDK sends the key as x-api-key or as a bearer token, depending on its version.
    expect(`${request?.headers['x-api-key']} ${request?.headers.authorization}`).toContain(
      'test-anthropic-key',
    );
    expect(JSON.stringify(request?.body.messages)).toContain('Say hello');
  });

  it('anthropic --json: one JSON object with the usage and a hand-checked cost; one ledger line, no keys on disk', async () => {
    stubs.anthropic.steps.push({
      text: ['Hello ', 'world'],
      usage: { input: 1200, output: 180, cacheRead: 3000, cacheWrite: 1100 },
    });
    const result = await print(['--model', 'anthropic/claude-sonnet-4-6', '--json']);
    const json = parseOne(result);
    expect(json.model).toBe('anthropic/claude-sonnet-4-6');
    expect(json.text).toBe('Hello world');
    expect(json.usage).toEqual({ input: 1200, output: 180, cacheRead: 3000, cacheWrite: 1100 });
    // (1200 × 3 + 3000 × 0.30 + 1100 × 3.75 + 180 × 15) / 1M = 11325 / 1M.
    expect(json.costUsd).toBeCloseTo(0.011325, 12);
    expect(json.stopReason).toBe('end_turn');
    // The summary line still goes to stderr, stdout stays pure JSON.
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('anthropic/claude-sonnet-4-6');

    const record = onlyCallRecord();
    expect(record).toMatchObject({
      model: 'anthropic/claude-sonnet-4-6',
      tier: 1,
      decision: 'headless',
      outcome: 'ok',
      priceSource: 'catalog',
      usage: { input: 1200, output: 180, cacheRead: 3000, cacheWrite: 1100 },
    });
    expect(record.costUsd).toBeCloseTo(0.011325, 12);
    noKeysOnDisk();
  });

  it('openai/gpt-5.3-codex: cached prompt tokens are split out and priced by hand', async () => {
    stubs.openai.steps.push({
      text: ['Hi ', 'there'],
      usage: { prompt: 2000, completion: 100, cached: 500 },
    });
    const json = parseOne(await print(['--model', 'openai/gpt-5.3-codex', '--json']));
    expect(json.model).toBe('openai/gpt-5.3-codex');
    expect(json.text).toBe('Hi there');
    // prompt_tokens 2000 include 500 cached → input 1500, cacheRead 500.
    expect(json.usage).toEqual({ input: 1500, output: 100, cacheRead: 500, cacheWrite: 0 });
    // 1500 × $1.75 + 500 × $0.175 + 100 × $14 = 2625 + 87.5 + 1400 = 4112.5 µ$.
    expect(json.costUsd).toBeCloseTo(0.0041125, 12);
    expect(json.stopReason).toBe('end_turn');
    // Codex models are Responses-only (issue 12): nothing goes to Chat Completions.
    const request = stubs.openai.requests.find((r) => r.path === '/v1/responses');
    expect(request?.body.model).toBe('gpt-5.3-codex');
    expect(stubs.openai.requests.some((r) => r.path === '/v1/chat/completions')).toBe(false);
    expect(request?.headers.authorization).toBe('Bearer test-openai-key');
    expect(onlyCallRecord()).toMatchObject({ model: 'openai/gpt-5.3-codex', tier: 0 });
    noKeysOnDisk();
  });

  it("openrouter/deepseek/deepseek-chat: OpenRouter's billed cost wins over the price table", async () => {
    stubs.openai.steps.push({
      text: ['Hi'],
      usage: { prompt: 2000, completion: 100, cached: 500, cost: 0.0123 },
    });
    const json = parseOne(await print(['--model', 'openrouter/deepseek/deepseek-chat', '--json']));
    expect(json.model).toBe('openrouter/deepseek/deepseek-chat');
    expect(json.usage).toEqual({ input: 1500, output: 100, cacheRead: 500, cacheWrite: 0 });
    // The table would say well under a tenth of a cent; the bill says $0.0123.
    expect(json.costUsd).toBe(0.0123);
    const request = stubs.openai.requests.find((r) => r.path === '/api/v1/chat/completions');
    expect(request?.body.model).toBe('deepseek/deepseek-chat');
    expect(request?.headers.authorization).toBe('Bearer test-openrouter-key');
    expect(onlyCallRecord()).toMatchObject({ priceSource: 'billed', costUsd: 0.0123, tier: 4 });
    noKeysOnDisk();
  });

  it('deepseek/deepseek-chat: DeepSeek API, priced by the table (peak or off-peak)', async () => {
    stubs.openai.steps.push({
      text: ['Hi'],
      usage: { prompt: 2000, completion: 100, cached: 500 },
    });
    const before = new Date();
    const json = parseOne(await print(['--model', 'deepseek/deepseek-chat', '--json']));
    const after = new Date();
    expect(json.model).toBe('deepseek/deepseek-chat');
    expect(json.usage).toEqual({ input: 1500, output: 100, cacheRead: 500, cacheWrite: 0 });
    // The price data carries DeepSeek's time-of-day prices (peak 00:30–16:30 UTC):
    //   off-peak: 1500 × $0.135 + 500 × $0.035 + 100 × $0.55 = 202.5 + 17.5 + 55 = 275 µ$
    //   peak:     1500 × $0.27  + 500 × $0.07  + 100 × $1.10 = 405 + 35 + 110   = 550 µ$
    const peak = (d: Date) => {
      const minutes = d.getUTCHours() * 60 + d.getUTCMinutes();
      return minutes >= 30 && minutes < 16 * 60 + 30;
    };
    const expected = [...new Set([peak(before), peak(after)])].map((p) => (p ? 0.00055 : 0.000275));
    expect(
      expected.some((usd) => Math.abs(usd - json.costUsd!) < 1e-12),
      String(json.costUsd),
    ).toBe(true);
    const request = stubs.openai.requests.find((r) => r.path === '/chat/completions');
    expect(request?.body.model).toBe('deepseek-chat');
    expect(request?.headers.authorization).toBe('Bearer test-deepseek-key');
    expect(onlyCallRecord()).toMatchObject({ model: 'deepseek/deepseek-chat', tier: null });
    noKeysOnDisk();
  });

  it('ollama/qwen3-coder:30b: free per token, tok/s from eval_count / eval_duration', async () => {
    stubs.ollama.chatSteps.push({
      chunks: ['Local ', 'hello'],
      promptEvalCount: 42,
      evalCount: 240,
      evalDurationNs: 3_000_000_000,
    });
    // This box has 24 GB: the test sets the memory budget a 30B model needs.
    mkdirSync(box.configDir, { recursive: true });
    writeFileSync(
      join(box.configDir, 'config.json'),
      JSON.stringify({ local: { memoryBudgetGb: 64, reserveGb: 0 } }),
    );
    const result = await print(['--model', 'ollama/qwen3-coder:30b', '--json']);
    const json = parseOne(result);
    expect(json.model).toBe('ollama/qwen3-coder:30b');
    expect(json.text).toBe('Local hello');
    expect(json.usage).toEqual({ input: 42, output: 240, cacheRead: 0, cacheWrite: 0 });
    expect(json.costUsd).toBe(0);
    // 240 tokens in 3 s of evaluation = 80 tok/s (not the wall clock of the stub).
    expect(json.tokPerSec).toBeCloseTo(80, 9);
    expect(lines(result.stderr)[0]).toContain('80 tok/s');
    const chat = stubs.ollama.requests.find((r) => r.path === '/api/chat');
    expect(chat?.body.model).toBe('qwen3-coder:30b');
    const record = onlyCallRecord();
    expect(record).toMatchObject({ priceSource: 'local', costUsd: 0, tier: 3, tokPerSec: 80 });
    // A local turn's energy is recorded separately from its (zero) token price.
    expect(record.energyWh).toBeGreaterThanOrEqual(0);
    noKeysOnDisk();
  });

  it('--tier that cannot run is refused, not moved to a paid or cloud tier', async () => {
    // Ollama unreachable: --tier 3 went to the budget cloud tier before, with no warning.
    const local = await kirikae(['-p', 'hi', '--tier', '3', '--json'], {
      ...box.env,
      ...stubs.env,
      OLLAMA_HOST: 'http://127.0.0.1:1',
    });
    expect(local.exitCode).toBe(1);
    expect(local.stderr).toMatch(/--tier 3 \(local\) cannot run: ollama\/\S+: Cannot reach Ollama/);
    // No Anthropic key: --tier 1 went up to the frontier tier.
    const standard = await kirikae(['-p', 'hi', '--tier', '1'], {
      ...box.env,
      ...stubs.env,
      ANTHROPIC_API_KEY: undefined,
    });
    expect(standard.exitCode).toBe(1);
    expect(standard.stderr).toMatch(/--tier 1 \(standard\) cannot run: anthropic\/\S+: no API key/);
    expect(stubs.openai.requests).toEqual([]);
    expect(stubs.anthropic.requests).toEqual([]);
  });

  it('with no key and no Ollama, the error names every missing piece, not just the first', async () => {
    const result = await kirikae(['-p', 'hi'], {
      ...box.env,
      ...stubs.env,
      ANTHROPIC_API_KEY: undefined,
      OPENAI_API_KEY: undefined,
      OPENROUTER_API_KEY: undefined,
      DEEPSEEK_API_KEY: undefined,
      OLLAMA_HOST: 'http://127.0.0.1:1',
    });
    expect(result.exitCode).toBe(1);
    // Each reason names its model.
    expect(result.stderr).toMatch(
      /No route available: \w+\/[\w./:-]+: no API key \(set \w+\) \(also: \w+\/[\w./:-]+: /,
    );
    expect(result.stderr).toContain('Cannot reach Ollama');
    expect(result.stderr.match(/no API key/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('a block budget that stops the paid route names the free local one', async () => {
    writeFileSync(
      join(box.configDir, 'config.json'),
      JSON.stringify({
        local: { memoryBudgetGb: 64, reserveGb: 0 },
        budget: { monthlyUsd: 0, action: 'block' },
      }),
    );
    const result = await kirikae(['-p', 'what is a closure in javascript'], {
      ...box.env,
      ...stubs.env,
    });
    // A spent budget is a spend limit (exit 1), as the gateway's 403 says, not a config error.
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('paid routes blocked');
    expect(result.stderr).toMatch(/ollama\/\S+ can run it: --tier 3 \(local\)/);
    expect(stubs.openai.requests).toEqual([]);
  });

  it('costs --json after a -p call shows that call in totalUsd', async () => {
    stubs.anthropic.steps.push({
      text: ['ok'],
      usage: { input: 1200, output: 180, cacheRead: 3000, cacheWrite: 1100 },
    });
    expect((await print(['--model', 'anthropic/claude-sonnet-4-6'])).exitCode).toBe(0);
    const month = String(onlyCallRecord().ts).slice(0, 7);
    const costs = await kirikae(['costs', '--json', '--month', month], {
      ...box.env,
      ...stubs.env,
    });
    expect(costs.exitCode, costs.stderr).toBe(0);
    const json = JSON.parse(costs.stdout) as {
      month: string;
      totalUsd: number;
      byModel: { key: string; calls: number; usd: number | null }[];
    };
    expect(json.month).toBe(month);
    // The same $0.011325 as above.
    expect(json.totalUsd).toBeCloseTo(0.011325, 9);
    expect(json.byModel).toEqual([
      expect.objectContaining({ key: 'anthropic/claude-sonnet-4-6', calls: 1 }),
    ]);
    expect(json.byModel[0]!.usd).toBeCloseTo(0.011325, 9);
  });
});

describe('-p --continue', () => {
  it("sends the prompt as the last conversation's next turn, written to the same session", async () => {
    const env = { ...box.env, ...stubs.env };
    const model = ['--model', 'anthropic/claude-sonnet-5-5', '--json'];
    stubs.anthropic.steps.push({ text: ['Noted: the flaky test is cache.test.ts.'] });
    const first = await kirikae(['-p', 'the flaky test is cache.test.ts', ...model], env);
    expect(first.exitCode, first.stderr).toBe(0);
    stubs.anthropic.steps.push({ text: ['cache.test.ts'] });
    const next = await kirikae(['-p', '-c', 'which test was flaky?', ...model], env);
    expect(next.exitCode, next.stderr).toBe(0);

    const sent = stubs.anthropic.requests.at(-1)!.body as {
      messages: { role: string; content: unknown }[];
    };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sent.messages)).toContain('Noted: the flaky test is cache.test.ts.');
    const session = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { session: string }).session;
    expect(session(next)).toBe(session(first));
    // The ledger books both turns on that session, as the screen's --continue reads them.
    const calls = readJsonLines(filesUnder(join(box.dataDir, 'ledger'))[0]!);
    expect(calls.map((c) => [c.session, c.turn])).toEqual([
      [session(first), 1],
      [session(first), 2],
    ]);
    // And the screen's session list shows that session.
    const listed = await kirikae(['sessions'], env);
    expect(listed.stdout).toContain(session(first));
  });

  it('in a subfolder, says where the last session above it is', async () => {
    const env = { ...box.env, ...stubs.env };
    stubs.anthropic.steps.push({ text: ['ok'] });
    await kirikae(['-p', 'start', '--model', 'anthropic/claude-sonnet-5-5'], env);
    const sub = join(box.home, 'packages', 'api');
    mkdirSync(sub, { recursive: true });
    const result = await kirikae(['-p', '-c', 'and then?'], env, { cwd: sub });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `The last one above it is in ${box.home}: run kirikae -p -c there`,
    );
  });

  it('is refused while another kirikae holds the session, and takes over a dead one’s lock', async () => {
    const env = { ...box.env, ...stubs.env };
    const model = ['--model', 'anthropic/claude-sonnet-5-5', '--json'];
    stubs.anthropic.steps.push({ text: ['first'] });
    const first = await kirikae(['-p', 'start', ...model], env);
    const id = (JSON.parse(first.stdout) as { session: string }).session;
    const lock = join(box.dataDir, 'sessions', `${id}.lock`);
    // A live holder (this test process, standing in for an open screen).
    writeFileSync(lock, String(process.pid));
    const sent = stubs.anthropic.requests.length;
    const held = await kirikae(['-p', '-c', 'and then?', ...model], env);
    expect(held.exitCode).toBe(2);
    expect(held.stderr).toContain(`open in another kirikae (pid ${process.pid})`);
    // --json still prints its one object.
    expect(JSON.parse(held.stdout)).toMatchObject({ text: '', error: { kind: 'config' } });
    expect(stubs.anthropic.requests.length).toBe(sent);
    // A holder that died: its lock is taken over, and released after the turn.
    writeFileSync(lock, '999999');
    stubs.anthropic.steps.push({ text: ['second'] });
    const next = await kirikae(['-p', '-c', 'and then?', ...model], env);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('an unwritable data folder loses the transcript and the ledger line, not the answer', async () => {
    const file = join(box.home, 'not-a-folder');
    writeFileSync(file, '');
    stubs.anthropic.steps.push({ text: ['still answered'] });
    const result = await kirikae(['-p', 'hello', '--model', 'anthropic/claude-sonnet-5-5'], {
      ...box.env,
      ...stubs.env,
      KIRIKAE_DATA_DIR: join(file, 'data'),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('still answered');
    expect(result.stderr).toContain('The session cannot be saved');
  });
});

describe(
  'what -p sends: the typed prompt, the words after the options, piped text',
  { timeout: 60_000 },
  () => {
    const run = (args: string[], stdin?: { text: string; via: 'pipe' | 'socket' }) =>
      kirikae(args, { ...box.env, ...stubs.env }, stdin ? { stdin } : {});
    const sentText = (): string =>
      JSON.stringify(
        stubs.anthropic.requests.find((r) => r.path === '/v1/messages')?.body.messages,
      );
    const TRACE =
      'TypeError: Cannot read properties of undefined\n    at load (src/config.js:12:5)\n';

    it('a shell pipe is read and sent after the typed prompt', async () => {
      stubs.anthropic.steps.push({ text: ['ok'] });
      const result = await run(
        ['-p', 'why does this fail', '--model', 'anthropic/claude-sonnet-4-6'],
        { text: TRACE, via: 'pipe' },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      // The message's text, as the JSON body carries it: the prompt, a blank line, the log.
      expect(sentText()).toContain(
        JSON.stringify(`why does this fail\n\n${TRACE.trimEnd()}`).slice(1, -1),
      );
    });

    it('a prompt that starts with a dash; -p - for stdin; --no-stdin in a loop', async () => {
      stubs.anthropic.steps.push({ text: ['ok'] }, { text: ['ok'] }, { text: ['ok'] });
      const MODEL = ['--model', 'anthropic/claude-sonnet-4-6'];
      const dash = await run(['-p', '- the parser drops the offset', ...MODEL]);
      expect(dash.exitCode, dash.stderr).toBe(0);
      expect(sentText()).toContain('- the parser drops the offset');

      stubs.anthropic.requests.length = 0;
      const named = await run(['-p', '-', ...MODEL], { text: 'diff --git a/x b/x', via: 'pipe' });
      expect(named.exitCode, named.stderr).toBe(0);
      expect(sentText()).toContain('diff --git a/x b/x');
      expect(sentText()).not.toContain('-\\n');

      // `while read f; do kirikae -p "review $f"; done < list`: the list is the loop's.
      stubs.anthropic.requests.length = 0;
      const loop = await run(['-p', 'review a.ts', '--no-stdin', ...MODEL], {
        text: 'b.ts\nc.ts\n',
        via: 'pipe',
      });
      expect(loop.exitCode, loop.stderr).toBe(0);
      expect(sentText()).toContain('review a.ts');
      expect(sentText()).not.toContain('b.ts');
    });

    it('-p with the prompt after the options (the README\'s -p --delegate local "…" shape)', async () => {
      stubs.anthropic.steps.push({ text: ['ok'] });
      const result = await run(['-p', '--model', 'anthropic/claude-sonnet-4-6', 'fix', 'the typo']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(sentText()).toContain('fix the typo');
    });

    it("a socket on stdin (a program's child) is not waited on when a prompt is typed, read when none is", async () => {
      stubs.anthropic.steps.push({ text: ['ok'] });
      const typed = await run(['-p', 'Say hello', '--model', 'anthropic/claude-sonnet-4-6'], {
        text: 'NOT SENT',
        via: 'socket',
      });
      expect(typed.exitCode, typed.stderr).toBe(0);
      expect(sentText()).toContain('Say hello');
      expect(sentText()).not.toContain('NOT SENT');

      stubs.anthropic.requests.length = 0;
      stubs.anthropic.steps.push({ text: ['ok'] });
      const only = await run(['-p', '--model', 'anthropic/claude-sonnet-4-6'], {
        text: 'explain this error',
        via: 'socket',
      });
      expect(only.exitCode, only.stderr).toBe(0);
      expect(sentText()).toContain('explain this error');
    });

    it('no prompt, binary input, or a mistyped command: exit 2, an error that says what to do, and nothing sent', async () => {
      const none = await run(['-p', '--json']);
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toMatch(
        /-p needs a prompt: kirikae -p "fix the failing test", or pipe text in/,
      );

      const binary = await run(['-p', 'what is this'], { text: 'PNG\u0000\u0001', via: 'pipe' });
      expect(binary.exitCode).toBe(2);
      expect(binary.stderr).toMatch(/stdin is binary data \(a NUL byte at byte 3\), not text/);

      const typo = await run(['rout', 'fix the bug']);
      expect(typo.exitCode).toBe(2);
      expect(typo.stderr).toContain(
        `unknown command 'rout' (a prompt needs -p: kirikae -p "rout fix the bug")`,
      );

      // Nothing to continue: said, and nothing sent.
      const resumed = await run(['-p', 'and now?', '--continue']);
      expect(resumed.exitCode).toBe(2);
      expect(resumed.stderr).toContain('No earlier session in this folder to continue');

      // A command's name among the words after -p is not run as that command.
      const command = await run(['-p', 'explain', 'doctor']);
      expect(command.exitCode).toBe(2);
      expect(command.stderr).toContain(
        `'doctor' after -p is a kirikae command; quote the prompt (kirikae -p "… doctor …")`,
      );
      // An option's typo stays an error, not a prompt to pay for.
      const typo2 = await run(['-p', '--jsn', 'x']);
      expect(typo2.exitCode).toBe(2);
      expect(typo2.stderr).toContain(`unknown option '--jsn'`);

      // Without -p, text piped into the interactive screen was dropped as the screen quit.
      for (const stdin of [{ text: 'fix it', via: 'pipe' as const }, undefined]) {
        const screen = await run([], stdin);
        expect(screen.exitCode).toBe(1);
        expect(screen.stderr).toContain(
          'the interactive session needs a terminal on stdin. To send a prompt from a script or a pipe: kirikae -p "…"',
        );
      }

      expect(stubs.anthropic.requests).toEqual([]);
      expect(stubs.openai.requests).toEqual([]);
    });
  },
);
