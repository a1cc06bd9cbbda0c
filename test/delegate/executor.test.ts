// The executor run and the planner's metering with scripted in-process providers: how an
// executor ends (max steps, malformed calls, a model that cannot be placed) comes back as a
// result; what a planner request carries across turns, with and without stubs.
import { describe, expect, it } from 'vitest';
import { createPermissionGate, DEFAULT_TOOLS, type AgentEvent } from '../../src/agent/index.js';
import { configSchema } from '../../src/config/schema.js';
import { KirikaeError } from '../../src/core/errors.js';
import type { Message } from '../../src/core/message.js';
import type { CallRecord } from '../../src/core/records.js';
import { plannerProvider, STUB_SUFFIX } from '../../src/delegate/carry.js';
import { runExecutor, type ExecutorDeps } from '../../src/delegate/executor.js';
import { DEFAULT_RESULT_LIMITS } from '../../src/delegate/result.js';
import { fakeProvider, tempDir, type FakeStep } from '../agent/helpers.js';

function deps(steps: FakeStep[], cwd: string, extra: Partial<ExecutorDeps> = {}): ExecutorDeps {
  const provider = fakeProvider(steps);
  const config = configSchema.parse({});
  return {
    model: 'ollama/qwen3:8b',
    system: 'You are kirikae.',
    tools: DEFAULT_TOOLS,
    permissions: createPermissionGate({ mode: 'auto', rules: config.agent }),
    approve: async () => ({ decision: 'once' }),
    cwd,
    maxSteps: 5,
    bashTimeoutMs: 10_000,
    limits: DEFAULT_RESULT_LIMITS,
    place: async () => ({ provider, request: {}, release: () => {} }),
    book: (call: Extract<AgentEvent, { type: 'model_call' }>) =>
      ({ usage: call.usage }) as unknown as CallRecord,
    onEvent: () => {},
    ...extra,
  };
}

const brief = { goal: 'look around', files: [] };

describe('an executor run ends as a result', () => {
  it('at max steps: incomplete, with the reason', async () => {
    const { dir, cleanup } = tempDir();
    const result = await runExecutor(
      brief,
      new AbortController().signal,
      deps([{ calls: [{ name: 'list_files', args: {} }] }], dir, { maxSteps: 1 }),
    );
    cleanup();
    expect(result).toMatchObject({
      status: 'incomplete',
      reason: 'stopped after 1 model calls',
      steps: 1,
    });
  });

  it('after three malformed tool calls: failed', async () => {
    const { dir, cleanup } = tempDir();
    const broken = { calls: [{ name: 'read_file', raw: '{"path": ' }] };
    const result = await runExecutor(
      brief,
      new AbortController().signal,
      deps([broken, broken, broken], dir),
    );
    cleanup();
    expect(result).toMatchObject({ status: 'failed', reason: '3 malformed tool calls' });
  });

  it('when its model cannot be placed: failed without a call', async () => {
    const { dir, cleanup } = tempDir();
    const result = await runExecutor(
      brief,
      new AbortController().signal,
      deps([], dir, {
        place: async () => {
          throw new KirikaeError('not_found', 'model "qwen3:8b" not found');
        },
      }),
    );
    cleanup();
    expect(result).toMatchObject({ status: 'failed', steps: 0 });
    expect(result.reason).toMatch(/not found/);
  });
});

describe('what a planner request carries', () => {
  const count = (text: string) => text.length;
  const result = (id: string, content: string): Message[] => [
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id, name: 'delegate', arguments: {}, rawArguments: '{}' }],
    },
    { role: 'tool', toolCallId: id, toolName: 'delegate', content },
  ];

  it('counts results read in an earlier turn as carried, not new', async () => {
    const inner = fakeProvider([{ text: 'a' }, { text: 'b' }]);
    const history: Message[] = [{ role: 'user', content: 'go' }, ...result('d1', 'headline\nbody')];
    const planner = plannerProvider(inner, { stub: false, seen: ['d1'], count });
    for await (const _ of planner.stream({ model: 'm', messages: history })) void _;
    expect(planner.carried()).toEqual({ tokens: 13, fresh: 0 });
    const next = [
      ...history,
      { role: 'assistant' as const, content: 'ok' },
      ...result('d2', 'new one'),
    ];
    for await (const _ of planner.stream({ model: 'm', messages: next })) void _;
    expect(planner.carried()).toEqual({ tokens: 20, fresh: 7 });
  });

  it('with stubs, sends and counts the stub', async () => {
    const inner = fakeProvider([{ text: 'a' }]);
    const history: Message[] = [
      { role: 'user', content: 'go' },
      ...result('d1', 'headline\nlong body'),
      { role: 'assistant', content: 'read it' },
      { role: 'assistant', content: 'acted on it' },
    ];
    const planner = plannerProvider(inner, { stub: true, count });
    for await (const _ of planner.stream({ model: 'm', messages: history })) void _;
    const sent = inner.requests[0]!.messages[2]!;
    expect(sent.content).toBe(`headline${STUB_SUFFIX}`);
    expect(planner.carried().tokens).toBe(`headline${STUB_SUFFIX}`.length);
  });
});
