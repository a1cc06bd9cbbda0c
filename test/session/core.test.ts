// The session core's promises across modules: one routing context (the card and `kirikae
// route` decide alike), one local runtime (a model is loaded and asked on the host that has it).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMemory } from '../../src/telemetry/memory.js';
import { buildCore, buildSession } from '../../src/wiring/build.js';
import { print, route } from '../../src/wiring/headless.js';
import type { AppState } from '../../src/session/types.js';
import type { Session } from '../../src/session/session.js';
import {
  QWEN3_8B,
  QWEN3_CODER,
  preload,
  startAllStubs,
  type AllStubs,
} from '../support/all-stubs.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { call, usage, verify } from '../ledger/fixtures.js';

function box(config: Record<string, unknown>) {
  const root = mkdtempSync(join(tmpdir(), 'kirikae-core-'));
  const configDir = join(root, 'config');
  const cwd = join(root, 'project');
  mkdirSync(configDir);
  mkdirSync(cwd);
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
  return { configDir, cwd, dataDir: join(root, 'data') };
}

async function until(session: Session, check: (s: AppState) => boolean): Promise<AppState> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (check(session.getState())) return session.getState();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`condition not met: ${JSON.stringify(session.getState().transcript)}`);
}

type Box = ReturnType<typeof box>;

interface RouteJson {
  taskType: string;
  chosen: { model: string; tier: number; estimate: Record<string, number> };
  alternatives: { model: string }[];
}

/** `kirikae route <prompt> --json` in the box's project, as the command runs it. */
async function routeJson(b: Box, env: Record<string, string>, prompt: string): Promise<RouteJson> {
  let out = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const cwd = process.cwd();
  process.chdir(b.cwd);
  try {
    expect(await route({ prompt, json: true }, { stdout, stderr: new PassThrough(), env })).toBe(0);
  } finally {
    process.chdir(cwd);
  }
  return JSON.parse(out) as RouteJson;
}

/** The route card the screen's session proposes for `prompt`, its history read as on screen. */
async function cardFor(b: Box, env: Record<string, string>, prompt: string) {
  const core = buildCore({ env, cwd: b.cwd, writeLedger: true, sessionId: 's', notice: () => {} });
  core.setMemory(await readMemory());
  await core.local.ready(5_000);
  await core.loadHistory();
  const session = buildSession(core, { sessionId: 's' });
  session.submit(prompt);
  const card = (await until(session, (s) => s.proposal !== undefined)).proposal!;
  session.stop();
  core.close();
  return card;
}

describe('one routing context', () => {
  let stubs: AllStubs;
  beforeAll(async () => {
    stubs = await startAllStubs();
  });
  afterAll(() => stubs.close());

  it('kirikae route --json and the route card show the same decision for the same state', async () => {
    // The memory budget a 30B model needs on this 24 GB box, so local routes are in play too.
    const b = box({ local: { memoryBudgetGb: 64, reserveGb: 0 } });
    const env = { ...stubs.env, KIRIKAE_CONFIG_DIR: b.configDir, KIRIKAE_DATA_DIR: b.dataDir };
    const prompt = 'implement a retry helper with jittered backoff in src/retry.ts';

    const cli = await routeJson(b, env, prompt);
    const card = await cardFor(b, env, prompt);

    expect(card.taskType).toBe(cli.taskType);
    const proposed = card.options[0]!;
    expect(proposed.model).toBe(cli.chosen.model);
    expect(proposed.tier).toBe(cli.chosen.tier);
    // The system prompt and tool definitions are counted on both paths (~900 tokens).
    expect(proposed.estimate.inputTokens).toBe(cli.chosen.estimate.inputTokens);
    expect(proposed.estimate.inputTokens).toBeGreaterThan(500);
    expect(proposed.estimate.usdP50).toBe(cli.chosen.estimate.usdP50);
    expect(card.options.slice(1, 1 + cli.alternatives.length).map((o) => o.model)).toEqual(
      cli.alternatives.map((a) => a.model),
    );
  });

  // `kirikae route` reads the router's figures from the ledger's checkpoints, the card from the
  // records (src/ledger/router-figures.ts): with a month that moves them, both still agree.
  it('kirikae route --json and the card agree, before and after the checkpoints exist', async () => {
    const b = box({ local: { memoryBudgetGb: 64, reserveGb: 0 } });
    const env = { ...stubs.env, KIRIKAE_CONFIG_DIR: b.configDir, KIRIKAE_DATA_DIR: b.dataDir };
    const month = new Date().toISOString().slice(0, 7);
    const records = Array.from({ length: 1_500 }, (_, i) => {
      // A millisecond apart from the month's start: in the past even just after midnight.
      const ts = new Date(Date.parse(`${month}-01T00:00:00Z`) + i).toISOString();
      if (i % 5 === 0)
        return verify({ ts, task: `T${i}`, taskType: 'implement', tier: 1, passed: i % 3 === 0 });
      return call({
        ts,
        task: `T${i}`,
        taskType: 'implement',
        model: 'anthropic/claude-sonnet-5-5',
        usage: usage({ input: 2_000, output: 4_000 + (i % 2_000) }),
        costUsd: 0.01,
        tokPerSec: 50 + (i % 20),
        estimate: { inputTokens: 1_000, outputTokens: 800 },
      });
    });
    mkdirSync(join(b.dataDir, 'ledger'), { recursive: true });
    writeFileSync(
      join(b.dataDir, 'ledger', `${month}.jsonl`),
      records.map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
    const prompt = 'implement a retry helper with jittered backoff in src/retry.ts';

    const first = await routeJson(b, env, prompt);
    expect(readdirSync(join(b.dataDir, 'ledger'))).toContain(`${month}.router.fold`);
    const second = await routeJson(b, env, prompt);
    const card = await cardFor(b, env, prompt);

    const proposed = card.options[0]!;
    for (const cli of [first, second]) {
      expect(cli.chosen.model).toBe(proposed.model);
      expect(cli.chosen.estimate.outputTokens).toBe(proposed.estimate.outputTokens);
      expect(cli.chosen.estimate.usdP50).toBe(proposed.estimate.usdP50);
      expect(cli.chosen.estimate.pSuccess).toBe(proposed.estimate.pSuccess);
    }
    // The ledger moved the figures off the priors (1,200 output tokens for this prompt there).
    expect(proposed.estimate.outputTokens).toBeGreaterThan(2 * 1_200);
  });
});

describe('one routing context: -p asks the model classifier as the card does', () => {
  let stubs: AllStubs;
  beforeAll(async () => {
    stubs = await startAllStubs({ models: [QWEN3_CODER, QWEN3_8B] });
    await preload(stubs.ollama.url, 'qwen3:8b');
  });
  afterAll(() => stubs.close());

  /** `-p --json` on an unsure prompt, with the resident model answering `verdict`. */
  async function printWithVerdict(verdict: object, args: { delegate?: boolean }) {
    const b = box({
      local: { memoryBudgetGb: 64, reserveGb: 0 },
      routing: { classifierTimeoutMs: 3_000 },
    });
    const env = { ...stubs.env, KIRIKAE_CONFIG_DIR: b.configDir, KIRIKAE_DATA_DIR: b.dataDir };
    stubs.ollama.chatSteps.push({ chunks: [JSON.stringify(verdict)] });
    let err = '';
    const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
    let out = '';
    const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
    const cwd = process.cwd();
    process.chdir(b.cwd);
    try {
      await print(
        { prompt: 'explain the architecture of the sync layer', json: true, ...args },
        { stdout, stderr, env },
      );
    } finally {
      process.chdir(cwd);
    }
    return { b, err, out };
  }

  it('an unsure prompt is classified by the resident model, routed by its verdict and booked on the task', async () => {
    const { b, err, out } = await printWithVerdict(
      { taskType: 'architecture', complexity: 5, confidence: 0.9 },
      {},
    );
    expect(err).toMatch(/kirikae: classifier: model qwen3:8b · \d+ ms · local, \$0/);
    // Architecture at complexity 5 is frontier work, as the card would route it.
    expect(err).toMatch(/routed to \S+ \(architecture, tier 0\)/);
    const classified = stubs.ollama.requests.find(
      (r) => r.path === '/api/chat' && (r.body as { format?: unknown }).format !== undefined,
    );
    expect(classified).toBeDefined();
    const month = new Date().toISOString().slice(0, 7);
    const records = readFileSync(join(b.dataDir, 'ledger', `${month}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; role?: string; task?: string });
    const classifier = records.find((r) => r.type === 'call' && r.role === 'classifier');
    const turn = records.find((r) => r.type === 'call' && r.role !== 'classifier');
    expect(classifier).toMatchObject({ model: 'ollama/qwen3:8b' });
    expect(classifier!.task).toBe(turn!.task);
    // The JSON names the classifier's call next to the turn's own cost (a cloud one is paid).
    expect(JSON.parse(out)).toMatchObject({
      model: err.match(/routed to (\S+)/)![1],
      classifier: { model: 'ollama/qwen3:8b', costUsd: 0 },
    });
  });

  it('with --delegate the planner tier takes the turn, and the verdict that was paid for still names the task', async () => {
    // The model calls it a quick fix, which the table sends to the local tier: no planner there.
    const { err } = await printWithVerdict(
      { taskType: 'quick-fix', complexity: 1, confidence: 0.9 },
      { delegate: true },
    );
    expect(err).toMatch(/kirikae: classifier: model qwen3:8b/);
    expect(err).toMatch(/routed to \S+ \(quick-fix, tier 1\)/);
  });
});

describe('one local runtime, two Ollama hosts', () => {
  let laptop: OllamaStub;
  let mini: OllamaStub;
  beforeAll(async () => {
    laptop = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
    mini = await startOllamaStub({ models: [{ name: 'qwen3-coder:30b', size: 18_600_000_000 }] });
  });
  afterAll(async () => {
    await laptop.close();
    await mini.close();
  });

  it('loads the model on the host that has it, and chats with that host', async () => {
    const b = box({
      local: {
        hosts: [
          { url: laptop.url, memoryBudgetGb: 64 },
          { url: mini.url, memoryBudgetGb: 64 },
        ],
      },
    });
    const env = { KIRIKAE_CONFIG_DIR: b.configDir, KIRIKAE_DATA_DIR: b.dataDir, HOME: b.cwd };
    const core = buildCore({
      env,
      cwd: b.cwd,
      writeLedger: true,
      sessionId: 's',
      notice: () => {},
    });
    await core.local.ready(5_000);
    expect(core.local.hostFor('qwen3-coder:30b').host.url).toBe(mini.url);
    expect(core.local.hostFor('qwen3:8b').host.url).toBe(laptop.url);

    const session = buildSession(core, { sessionId: 's' });
    mini.chatSteps.push({ chunks: ['from the mini'], evalCount: 40, evalDurationNs: 1e9 });
    session.setModelOverride('ollama/qwen3-coder:30b', 'turn');
    session.submit('fix the typo in README.md');
    const state = await until(session, (s) => s.transcript.some((i) => i.kind === 'turn'));
    session.stop();
    core.close();

    expect(state.transcript.find((i) => i.kind === 'turn')).toMatchObject({ outcome: 'ok' });
    expect(mini.requests.filter((r) => r.path === '/api/chat').length).toBeGreaterThan(0);
    expect(laptop.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0);
    expect(mini.resident().map((r) => r.name)).toContain('qwen3-coder:30b');
    expect(laptop.resident()).toHaveLength(0);
    // The ledger names the host the call ran on.
    const calls = core.history.records().filter((r) => r.type === 'call');
    expect(calls.at(-1)).toMatchObject({
      model: 'ollama/qwen3-coder:30b',
      host: new URL(mini.url).host,
    });
  });
});
