import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runHeadless } from '../../src/agent/headless.js';
import { defaultConfig } from '../../src/config/schema.js';
import { createProvider } from '../../src/providers/index.js';
import { startAnthropicStub, type AnthropicStub } from '../support/anthropic-stub.js';
import { read, tempDir } from './helpers.js';

// The loop against the real Anthropic adapter and a wire-format stub: tool_use blocks in,
// tool_result blocks out.
let stub: AnthropicStub;
let root: string;
let cleanup: () => void;

beforeAll(async () => {
  stub = await startAnthropicStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  writeFileSync(join(root, 'a.ts'), 'export const answer = 41;\n');
  stub.steps.length = 0;
  stub.requests.length = 0;
});
afterEach(() => cleanup());

const provider = () =>
  createProvider('anthropic', {
    env: { ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: stub.url },
    maxRetries: 0,
  });

interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: unknown;
  is_error?: boolean;
}

/** The tool_result blocks the model was sent in request `n`. */
function toolResultsSent(n: number): ToolResultBlock[] {
  const messages = stub.requests[n]!.body.messages as Array<{ content: unknown }>;
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as ToolResultBlock[]).filter((b) => b.type === 'tool_result')
      : [],
  );
}

const text = (block: ToolResultBlock): string =>
  typeof block.content === 'string' ? block.content : JSON.stringify(block.content);

/** The model's first step in the edit tests: one edit_file call on a.ts. */
const EDIT_41_TO_42 = {
  toolUses: [
    {
      id: 'toolu_1',
      name: 'edit_file',
      input: { path: 'a.ts', old_string: '41', new_string: '42' },
    },
  ],
};

/** The edit tests' run: --yes, the default config. */
const makeIt42 = () => ({
  provider: provider(),
  model: 'claude-sonnet-4-6',
  prompt: 'make it 42',
  cwd: root,
  config: defaultConfig(),
  yes: true,
});

describe('runHeadless against the Anthropic adapter', () => {
  it('--yes: edits the file and feeds the result back', async () => {
    stub.steps.push(EDIT_41_TO_42, { text: ['Changed ', 'it to 42.'] });
    let streamed = '';
    const result = await runHeadless({ ...makeIt42(), onText: (t) => (streamed += t) });
    expect(result.error).toBeUndefined();
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 42;\n');
    expect(result.filesChanged).toEqual(['a.ts']);
    expect(streamed).toBe('Changed it to 42.');
    expect(stub.requests[0]!.body.tools.map((t: { name: string }) => t.name)).toEqual([
      'read_file',
      'list_files',
      'grep',
      'edit_file',
      'write_file',
      'bash',
    ]);
    const [sent] = toolResultsSent(1);
    expect(sent!.tool_use_id).toBe('toolu_1');
    expect(text(sent!)).toContain('Edited a.ts');
  });

  it('a permission section that did not load refuses edits even with --yes', async () => {
    stub.steps.push(EDIT_41_TO_42, { text: ['Refused.'] });
    const result = await runHeadless({
      ...makeIt42(),
      permissionLock: { reason: 'agent.deny did not validate', reads: true },
    });
    expect(read(join(root, 'a.ts'))).toBe('export const answer = 41;\n');
    expect(result.filesChanged).toEqual([]);
    expect(text(toolResultsSent(1)[0]!)).toMatch(/did not load/);
  });

  it('without --yes: commands are refused with a note to pass --yes', async () => {
    stub.steps.push(
      { toolUses: [{ name: 'bash', input: { command: 'touch made.txt' } }] },
      { text: ['I could not run it.'] },
    );
    const result = await runHeadless({
      provider: provider(),
      model: 'claude-sonnet-4-6',
      prompt: 'create made.txt',
      cwd: root,
      config: defaultConfig(),
    });
    expect(existsSync(join(root, 'made.txt'))).toBe(false);
    const [sent] = toolResultsSent(1);
    expect(sent!.is_error).toBe(true);
    expect(text(sent!)).toContain('run with --yes to allow');
    expect(result.stopReason).toBe('end_turn');
  });

  it('broken tool-call JSON gets an error result, and the model recovers', async () => {
    stub.steps.push(
      { toolUses: [{ name: 'read_file', partialJson: ['{"path": "a.t', 's", "start_'] }] },
      { toolUses: [{ name: 'read_file', input: { path: 'a.ts' } }] },
      { text: ['It is 41.'] },
    );
    const result = await runHeadless({
      provider: provider(),
      model: 'claude-sonnet-4-6',
      prompt: 'what is the answer?',
      cwd: root,
      config: defaultConfig(),
    });
    const [broken] = toolResultsSent(1);
    expect(broken!.is_error).toBe(true);
    expect(text(broken!)).toContain('not valid JSON');
    expect(text(toolResultsSent(2)[1]!)).toContain('export const answer = 41;');
    expect(result).toMatchObject({ brokenToolCalls: 1, failed: false, stopReason: 'end_turn' });
  });
});
