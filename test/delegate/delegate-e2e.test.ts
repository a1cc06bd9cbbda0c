// Delegation end to end on the stub servers: the planner (Anthropic Messages stream) calls
// `delegate`, the executor (Ollama /api/chat NDJSON with tool_calls) edits a file through the
// same tools and gate, the planner finishes. Stub replies follow the wire formats the stubs
// cite (test/support/anthropic-stub.ts: message_start usage with cache_read_input_tokens and
// cache_creation_input_tokens; test/support/ollama-stub.ts: tool_calls with object arguments).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTokenizer, countTextTokens } from '../../src/router/tokenizer.js';
import { runTurn, type TurnEvent } from '../../src/session/turn-runner.js';
import {
  applyTurnEvent,
  EMPTY_TRANSCRIPT,
  newLive,
  type TranscriptView,
} from '../../src/session/transcript.js';
import { delegationReport } from '../../src/ledger/delegation.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import {
  EXECUTOR,
  PLANNER,
  calls,
  delegateResults,
  delegatedPlan,
  projectBox,
  stubCore,
} from './helpers.js';

const BRIEF = {
  goal: 'add() in src/math.js subtracts: make it return a + b',
  files: ['src/math.js'],
  check: 'node --test',
};
const EDIT = {
  name: 'edit_file',
  arguments: { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' },
};

describe('delegation end to end', () => {
  let stubs: AllStubs;
  beforeAll(async () => {
    stubs = await startAllStubs();
    await loadTokenizer();
  });
  afterAll(() => stubs.close());
  beforeEach(() => {
    stubs.anthropic.steps.splice(0);
    stubs.anthropic.requests.splice(0);
    stubs.ollama.chatSteps.splice(0);
    stubs.ollama.requests.splice(0);
  });

  it('planner delegates, executor edits and checks, the ledger books roles and the overhead', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env);
    stubs.anthropic.steps.push(
      {
        toolUses: [{ name: 'delegate', input: BRIEF }],
        usage: { input: 1200, cacheWrite: 2000, output: 80 },
      },
      {
        toolUses: [{ name: 'read_file', input: { path: 'src/math.js' } }],
        usage: { input: 20, cacheRead: 3200, cacheWrite: 400, output: 30 },
      },
      {
        text: ['Fixed: add() now adds.'],
        usage: { input: 10, cacheRead: 3700, cacheWrite: 150, output: 20 },
      },
    );
    stubs.ollama.chatSteps.push(
      { toolCalls: [EDIT], promptEvalCount: 900, evalCount: 40 },
      { chunks: ['Replaced a - b with a + b in add().'], promptEvalCount: 1000, evalCount: 12 },
    );
    const events: TurnEvent[] = [];
    const result = await runTurn(
      delegatedPlan(core, 'fix add() in src/math.js'),
      core.runner,
      (e) => events.push(e),
    );
    core.close();

    expect(result.outcome).toBe('ok');
    expect(readFileSync(join(box.cwd, 'src/math.js'), 'utf8')).toContain('a + b');
    // The changed path reaches the planner turn's files, so the test gate sees it.
    expect(result.agent?.filesChanged).toContain('src/math.js');

    const books = calls(core);
    expect(books.map((r) => [r.model, r.role])).toEqual([
      [PLANNER, 'planner'],
      [EXECUTOR, 'executor'],
      [EXECUTOR, 'executor'],
      [PLANNER, 'planner'],
      [PLANNER, 'planner'],
    ]);
    expect(result.records).toHaveLength(5);
    for (const r of books) expect(r).toMatchObject({ task: 't1', turn: 1 });
    // The local executor ran on the Ollama host, loaded like any local turn, at $0.
    expect(books[1]).toMatchObject({ host: new URL(stubs.ollama.url).host, costUsd: 0 });

    // The bounded result the planner read: headline, paths with diff stat, the check, notes.
    const sent = delegateResults(stubs.anthropic.requests[1]!.body);
    expect(sent).toHaveLength(1);
    const text = sent[0]!;
    expect(text.split('\n')[0]).toBe(
      `executor ${EXECUTOR}: done after 2 steps · 1 file +1 −1 · check passed`,
    );
    expect(text).toContain('changed: src/math.js +1 −1');
    expect(text).toContain('check: node --test [exit code 0]');
    expect(text).toContain('Replaced a - b with a + b in add().');
    expect(countTextTokens(text)).toBeLessThanOrEqual(400);
    // Never the transcript: the executor's tool call and file contents are not in it.
    expect(text).not.toContain('old_string');
    expect(text).not.toContain('export function');

    // Carried tokens: none before the result, then the result (new), then the result again.
    const T = countTextTokens(text);
    const planner = books.filter((r) => r.role === 'planner');
    expect(planner.map((r) => [r.carriedTokens, r.carriedNew])).toEqual([
      [0, 0],
      [T, T],
      [T, 0],
    ]);
    // Overhead by hand at Opus 4.6 rates ($5/M input, $6.25/M 5-minute cache write, $0.50/M
    // cache read): call 2 first sees the result as a cache write (400 written ≥ T), call 3
    // re-reads it from the cache (3,700 read ≥ T).
    const expected = (T * 6.25) / 1e6 + (T * 0.5) / 1e6;
    const report = delegationReport(core.history.records());
    expect(report.overhead.tokens).toBe(2 * T);
    expect(report.overhead.rereadTokens).toBe(T);
    expect(report.overhead.usd.usd).toBeCloseTo(expected, 12);
    expect(report.roles.executor.calls).toBe(2);
    expect(report.roles.planner.calls).toBe(3);
    // The turn's cost is every record's, executor included.
    expect(result.cost.usd).toBeCloseTo(
      books.reduce((s, r) => s + (r.costUsd ?? 0), 0),
      12,
    );
    // Executor events are marked with the executor's model and role.
    expect(
      events.some(
        (e) =>
          e.type === 'agent' &&
          e.model === EXECUTOR &&
          e.role === 'executor' &&
          e.event.type === 'tool_result',
      ),
    ).toBe(true);
    // The transcript sets the executor's steps apart, and keeps the planner's own.
    let view: TranscriptView = { ...EMPTY_TRANSCRIPT, live: newLive(PLANNER, 0, 0) };
    for (const e of events) view = applyTurnEvent(view, e, 0);
    const shown = view.items.flatMap((i) =>
      i.kind === 'tool'
        ? [`${i.name} ${i.executor ?? '-'}`]
        : i.kind === 'assistant'
          ? [`text ${i.executor ?? '-'}`]
          : [],
    );
    expect(shown).toEqual([
      `edit_file ${EXECUTOR}`,
      `text ${EXECUTOR}`,
      'delegate -',
      'read_file -',
      'text -',
    ]);
    expect(view.live?.model).toBe(PLANNER);
    expect(view.live?.executor).toBeUndefined();
  });

  it('applies approvals to the executor tools: a denied write stays denied', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env);
    stubs.anthropic.steps.push(
      { toolUses: [{ name: 'delegate', input: BRIEF }] },
      { text: ['The executor was not allowed to edit.'] },
    );
    stubs.ollama.chatSteps.push({ toolCalls: [EDIT] }, { chunks: ['The edit was denied.'] });
    const asked: string[] = [];
    const result = await runTurn(
      delegatedPlan(core, 'fix add()', {
        approve: async (request) => {
          asked.push(`${request.tool}: ${request.reason}`);
          return request.tool === 'edit_file'
            ? { decision: 'deny', note: 'not now' }
            : { decision: 'once' };
        },
      }),
      core.runner,
    );
    core.close();
    expect(result.outcome).toBe('ok');
    // The dialog was asked for the executor's edit, and says it is the executor's.
    expect(
      asked.some((a) => a.startsWith('edit_file:') && a.endsWith(`(executor ${EXECUTOR})`)),
    ).toBe(true);
    expect(readFileSync(join(box.cwd, 'src/math.js'), 'utf8')).toContain('a - b');
    // The executor read the denial as its tool result.
    const toExecutor = stubs.ollama.requests.filter((r) => r.path === '/api/chat')[1]!.body;
    const denial = toExecutor.messages.find((m: { role: string }) => m.role === 'tool');
    expect(denial.content).toMatch(/The user denied this call\. Their note: not now/);
    const text = delegateResults(stubs.anthropic.requests[1]!.body)[0]!;
    expect(text).toMatch(/no files changed · check failed/);
    expect(text).toContain('[exit code 1]');
  });

  it('reports an executor failure to the planner as a result, not an exception', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env);
    stubs.anthropic.steps.push(
      { toolUses: [{ name: 'delegate', input: { goal: 'fix add()' } }] },
      { text: ['The executor failed; I will fix it myself next turn.'] },
    );
    // Ollama's error body for a failed runner: {"error": "..."} with a 500 (server/routes.go).
    stubs.ollama.chatSteps.push({
      httpStatus: 500,
      httpError: 'llama runner process has terminated',
    });
    const result = await runTurn(delegatedPlan(core, 'fix add()'), core.runner);
    core.close();
    expect(result.outcome).toBe('ok');
    const text = delegateResults(stubs.anthropic.requests[1]!.body)[0]!;
    expect(text.split('\n')[0]).toMatch(/^executor ollama\/qwen3-coder:30b: failed after 1 step/);
    expect(text).toMatch(/reason: .*llama runner process has terminated/);
    const executor = calls(core).filter((r) => r.role === 'executor');
    expect(executor).toHaveLength(1);
    expect(executor[0]!.outcome).toBe('error');
  });

  it('Esc cancels the executor and the planner', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env);
    stubs.anthropic.steps.push(
      { toolUses: [{ name: 'delegate', input: BRIEF }] },
      { text: ['never asked'] },
    );
    stubs.ollama.chatSteps.push({
      chunks: Array.from({ length: 200 }, () => 'thinking '),
      chunkDelayMs: 50,
    });
    const abort = new AbortController();
    const started = Date.now();
    const run = runTurn(
      delegatedPlan(core, 'fix add()', { signal: abort.signal }),
      core.runner,
      (e) => {
        // The user presses Esc once the executor streams.
        if (e.type === 'agent' && e.model === EXECUTOR && e.event.type === 'text') abort.abort();
      },
    );
    const result = await run;
    core.close();
    expect(result.outcome).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The planner is not called again after the abort.
    expect(stubs.anthropic.requests).toHaveLength(1);
    const executor = calls(core).filter((r) => r.role === 'executor');
    expect(executor.map((r) => r.outcome)).toEqual(['aborted']);
  });

  it('adds nothing to a solo turn: no delegate tool is sent and calls are booked solo', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env);
    stubs.anthropic.steps.push({ text: ['hello'] });
    const plan = delegatedPlan(core, 'say hello');
    delete plan.delegate;
    await runTurn(plan, core.runner);
    core.close();
    const tools = (stubs.anthropic.requests[0]!.body.tools as { name: string }[]).map(
      (t) => t.name,
    );
    expect(tools).not.toContain('delegate');
    expect(calls(core).map((r) => r.role)).toEqual(['solo']);
    expect(calls(core)[0]!.carriedTokens).toBeUndefined();
  });
});
