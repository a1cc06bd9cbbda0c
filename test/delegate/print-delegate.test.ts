// `kirikae -p --delegate`: the same turn pipeline with an executor; stdout carries only the
// planner's answer, the executor's tool calls are noted on stderr, the ledger has both roles.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrint, type PrintKit } from '../../src/commands/print.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { EXECUTOR, PLANNER, calls, projectBox, stubCore } from './helpers.js';

/** What runPrint runs on, from the stub core (as wiring/headless.ts builds it). */
const printKit = (core: Awaited<ReturnType<typeof stubCore>>): PrintKit => ({
  config: () => core.config.get(),
  cwd: core.cwd,
  routing: core.routing,
  runner: core.runner,
  turnLedger: core.turnLedger,
});

describe('kirikae -p --delegate', () => {
  let stubs: AllStubs;
  beforeAll(async () => {
    stubs = await startAllStubs();
  });
  afterAll(() => stubs.close());

  it('delegates to the local tier by default and prints only the planner', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env, 'print');
    // Anthropic Messages stream and Ollama /api/chat replies as the stubs document them.
    stubs.anthropic.steps.push(
      {
        toolUses: [{ name: 'delegate', input: { goal: 'make add() add', files: ['src/math.js'] } }],
      },
      { text: ['Delegated and done.'] },
    );
    stubs.ollama.chatSteps.push(
      {
        toolCalls: [
          {
            name: 'edit_file',
            arguments: { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' },
          },
        ],
      },
      { chunks: ['EXECUTOR WORDS'] },
    );
    let out = '';
    let err = '';
    const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
    const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
    const code = await runPrint(
      { prompt: 'fix add()', model: PLANNER, yes: true, delegate: true },
      printKit(core),
      { stdout, stderr, env: box.env },
    );
    core.close();
    expect(code).toBe(0);
    expect(out).toBe('Delegated and done.\n');
    expect(err).toContain(`delegating sub-tasks to ${EXECUTOR}`);
    expect(err).toMatch(/↳ ✓ edit_file/);
    expect(calls(core).map((r) => r.role)).toEqual(['planner', 'executor', 'executor', 'planner']);
  });

  it('names the executor in what it runs into on stderr (here: malformed tool calls)', async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env, 'print');
    stubs.anthropic.steps.push(
      { toolUses: [{ name: 'delegate', input: { goal: 'make add() add' } }] },
      { text: ['The executor failed; done by hand.'] },
    );
    // Three calls of a tool that does not exist: the executor's attempt counts as failed.
    const nope = { toolCalls: [{ name: 'no_such_tool', arguments: { x: 1 } }] };
    stubs.ollama.chatSteps.push(nope, nope, nope);
    let err = '';
    const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
    await runPrint(
      { prompt: 'fix add()', model: PLANNER, yes: true, delegate: true },
      printKit(core),
      { stdout: new PassThrough(), stderr, env: box.env },
    );
    core.close();
    expect(err).toContain(
      `↳ executor ${EXECUTOR}: 3 malformed tool calls in a row: this attempt counts as failed`,
    );
  });

  it("--json carries the delegated turn's books", async () => {
    const box = projectBox(stubs.env);
    const core = await stubCore(box.cwd, box.env, 'print');
    stubs.anthropic.steps.push(
      { toolUses: [{ name: 'delegate', input: { goal: 'say hi' } }] },
      { text: ['ok'], usage: { input: 5, cacheRead: 1_000, cacheWrite: 100 } },
    );
    stubs.ollama.chatSteps.push({ chunks: ['hi'] });
    let out = '';
    const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
    await runPrint(
      { prompt: 'hi', model: PLANNER, json: true, delegate: 'local' },
      printKit(core),
      { stdout, stderr: new PassThrough(), env: box.env },
    );
    core.close();
    const json = JSON.parse(out) as { delegation: Record<string, number> };
    const second = calls(core)[2]!;
    expect(json.delegation).toMatchObject({ plannerCalls: 2, executorCalls: 1, executorUsd: 0 });
    // The result is new to the second planner call: it sits in that call's cache writes.
    expect(json.delegation.overheadTokens).toBe(second.carriedTokens);
    expect(json.delegation.overheadUsd).toBeCloseTo((second.carriedTokens! * 6.25) / 1e6, 12);
  });
});
