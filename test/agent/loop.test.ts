import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPermissionGate,
  type ApprovalAnswer,
  type ApprovalRequest,
} from '../../src/agent/approvals.js';
import { runAgentTurn, type AgentEvent, type AgentTurnOptions } from '../../src/agent/loop.js';
import { DEFAULT_TOOLS } from '../../src/agent/tools/index.js';
import type { PermissionMode } from '../../src/config/schema.js';
import { KirikaeError } from '../../src/core/errors.js';
import { fakeProvider, read, tempDir, toolResults, type FakeStep } from './helpers.js';

let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  writeFileSync(join(root, 'a.ts'), 'export const answer = 41;\n');
});
afterEach(() => cleanup());

const EDIT = {
  name: 'edit_file',
  args: { path: 'a.ts', old_string: 'answer = 41', new_string: 'answer = 42' },
};

function setup(
  steps: FakeStep[],
  answer: (request: ApprovalRequest) => ApprovalAnswer = () => ({ decision: 'once' }),
  mode: PermissionMode = 'ask',
  extra: Partial<AgentTurnOptions> = {},
) {
  const provider = fakeProvider(steps);
  const asked: ApprovalRequest[] = [];
  const events: AgentEvent[] = [];
  const options: AgentTurnOptions = {
    provider,
    model: 'fake',
    system: 'sys',
    messages: [{ role: 'user', content: 'make the answer 42' }],
    tools: DEFAULT_TOOLS,
    maxSteps: 10,
    approve: async (request) => {
      asked.push(request);
      return answer(request);
    },
    onEvent: (event) => events.push(event),
    workspace: root,
    permissions: createPermissionGate({ mode, rules: { allow: [], ask: [], deny: [] } }),
    ...extra,
  };
  return { provider, asked, events, options };
}

describe('runAgentTurn: approvals', () => {
  it('edits only after approval, showing the diff first', async () => {
    const { provider, asked, options } = setup([{ calls: [EDIT] }, { text: 'Changed it.' }], () => {
      // At the moment of asking, nothing has been written yet.
      expect(read(join(root, 'a.ts'))).toBe('export const answer = 41;\n');
      return { decision: 'once' };
    });
    const result = await runAgentTurn(options);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.diff).toContain('-export const answer = 41;\n+export const answer = 42;');
    expect(asked[0]!.path).toBe('a.ts');
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 42;\n');
    expect(result.filesChanged).toEqual(['a.ts']);
    expect(result.stopReason).toBe('end_turn');
    expect(result.failed).toBe(false);
    // The model saw its tool result on the second call.
    const second = provider.requests[1]!.messages;
    expect(toolResults(second)[0]!.content).toContain('Edited a.ts');
    expect(provider.requests[0]!.tools!.map((t) => t.name)).toContain('edit_file');
  });

  it('never edits on deny, and the model receives the note', async () => {
    const { provider, options } = setup([{ calls: [EDIT] }, { text: 'OK, left alone.' }], () => ({
      decision: 'deny',
      note: 'keep 41, it is a fixture',
    }));
    const result = await runAgentTurn(options);
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 41;\n');
    expect(result.filesChanged).toEqual([]);
    const seen = toolResults(provider.requests[1]!.messages)[0]!;
    expect(seen.isError).toBe(true);
    expect(seen.content).toBe('The user denied this call. Their note: keep 41, it is a fixture');
  });

  it('read-only mode refuses without asking', async () => {
    const { asked, options } = setup([{ calls: [EDIT] }, { text: 'ok' }], undefined, 'read-only');
    const result = await runAgentTurn(options);
    expect(asked).toHaveLength(0);
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 41;\n');
    expect(toolResults(result.messages)[0]!.content).toMatch(/^Permission denied \(read-only mode/);
  });

  it('"allow for this session" is remembered by the gate; "always" is persisted', async () => {
    const saved: string[] = [];
    const permissions = createPermissionGate({
      mode: 'ask',
      rules: { allow: [], ask: [], deny: [] },
      persistRule: (rule) => void saved.push(rule),
    });
    const second = { ...EDIT, args: { ...EDIT.args, old_string: '42', new_string: '43' } };
    const { asked, options } = setup(
      [
        { calls: [EDIT] },
        { calls: [second] },
        { calls: [{ name: 'bash', args: { command: 'ls -a' } }] },
        { text: 'ok' },
      ],
      (request) => ({ decision: request.tool === 'bash' ? 'always' : 'session' }),
      'ask',
      { permissions },
    );
    await runAgentTurn(options);
    expect(asked.map((r) => r.tool)).toEqual(['edit_file', 'bash']);
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 43;\n');
    expect(saved).toEqual(['bash(ls*)']);
    expect(permissions.grants).toEqual(['edit', 'bash(ls*)']);
  });

  it('refuses paths outside the workspace without asking', async () => {
    const { asked, options } = setup([
      { calls: [{ name: 'write_file', args: { path: '../evil.txt', content: 'x' } }] },
      { text: 'ok' },
    ]);
    const result = await runAgentTurn(options);
    expect(asked).toHaveLength(0);
    expect(toolResults(result.messages)[0]!.content).toMatch(/outside the workspace/);
  });
});

describe('runAgentTurn: broken tool calls', () => {
  it('answers broken JSON with the error and the expected schema, and recovers', async () => {
    const { provider, options } = setup([
      { calls: [{ name: 'edit_file', raw: '{"path": "a.ts", "old_string": "answer = 41",' }] },
      { calls: [EDIT] },
      { text: 'Fixed.' },
    ]);
    const result = await runAgentTurn(options);
    const feedback = toolResults(provider.requests[1]!.messages)[0]!;
    expect(feedback.isError).toBe(true);
    expect(feedback.content).toMatch(/^The arguments of your edit_file call are not valid JSON/);
    expect(feedback.content).toContain('- old_string (string, required)');
    expect(result.brokenToolCalls).toBe(1);
    expect(result.failed).toBe(false);
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 42;\n');
  });

  it('counts the attempt as failed after three broken calls in a row', async () => {
    const { provider, events, options } = setup([
      { calls: [{ name: 'run_shell', args: { cmd: 'ls' } }] },
      { calls: [{ name: 'read_file', args: { file: 'a.ts' } }] },
      { calls: [{ name: 'read_file', raw: '{path: a.ts}' }] },
      { text: 'never reached' },
    ]);
    const result = await runAgentTurn(options);
    expect(result.failed).toBe(true);
    expect(result.stopReason).toBe('broken_tool_calls');
    expect(result.brokenToolCalls).toBe(3);
    expect(provider.requests).toHaveLength(3);
    const results = toolResults(result.messages).map((m) => m.content);
    expect(results[0]).toMatch(/There is no tool named "run_shell". Available tools: read_file/);
    expect(results[1]).toMatch(/do not match its parameters \(path: /);
    expect(results[2]).toMatch(/not valid JSON/);
    expect(events.filter((e) => e.type === 'tool_result' && e.broken)).toHaveLength(3);
  });

  it('a valid call in between resets the count', async () => {
    const broken = { name: 'read_file', raw: '{' };
    const { options } = setup([
      { calls: [broken] },
      { calls: [broken] },
      { calls: [{ name: 'read_file', args: { path: 'a.ts' } }] },
      { calls: [broken] },
      { text: 'done' },
    ]);
    const result = await runAgentTurn(options);
    expect(result.brokenToolCalls).toBe(3);
    expect(result.failed).toBe(false);
    expect(result.stopReason).toBe('end_turn');
  });
});

describe('runAgentTurn: ending', () => {
  it('sums usage over steps and reports each model call', async () => {
    const { events, options } = setup([
      { calls: [{ name: 'read_file', args: { path: 'a.ts' } }], usage: { input: 100, output: 10 } },
      { text: 'It is 41.', usage: { input: 150, output: 20, cacheRead: 50 } },
    ]);
    const result = await runAgentTurn(options);
    expect(result.usage).toEqual({
      input: 250,
      output: 30,
      cacheRead: 50,
      cacheWrite: 0,
      reasoning: 0,
    });
    expect(result.steps).toBe(2);
    expect(events.filter((e) => e.type === 'model_call')).toHaveLength(2);
    expect(result.newMessages.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant']);
    expect(result.messages).toHaveLength(4);
  });

  it('ends on a provider error, with the error and without the half reply', async () => {
    const { options } = setup([
      { calls: [{ name: 'read_file', args: { path: 'a.ts' } }] },
      { text: 'partial', error: new KirikaeError('overloaded', 'Overloaded') },
    ]);
    const result = await runAgentTurn(options);
    expect(result.error?.kind).toBe('overloaded');
    expect(result.stopReason).toBe('error');
    expect(result.newMessages.map((m) => m.role)).toEqual(['assistant', 'tool']);
  });

  it('stops at maxSteps', async () => {
    const loop = (): FakeStep => ({ calls: [{ name: 'list_files', args: {} }] });
    const { provider, options } = setup([loop(), loop(), loop(), loop()], undefined, 'ask', {
      maxSteps: 3,
    });
    const result = await runAgentTurn(options);
    expect(result.stopReason).toBe('max_steps');
    expect(provider.requests).toHaveLength(3);
  });

  it('an abort during a command stops the turn and leaves no call unanswered', async () => {
    const controller = new AbortController();
    const { options } = setup(
      [
        {
          calls: [
            { name: 'bash', args: { command: 'sleep 30' } },
            { name: 'read_file', args: { path: 'a.ts' } },
          ],
        },
      ],
      () => {
        setTimeout(() => controller.abort(), 100);
        return { decision: 'once' };
      },
      'ask',
      { signal: controller.signal },
    );
    const started = Date.now();
    const result = await runAgentTurn(options);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.error?.kind).toBe('aborted');
    const results = toolResults(result.messages);
    expect(results.map((r) => r.content)).toEqual([
      expect.stringContaining('[stopped by the user]'),
      'Not run: the user stopped the turn.',
    ]);
  });
});
