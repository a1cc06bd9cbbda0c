import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/message.js';
import type { CallRecord } from '../../src/core/records.js';
import { conversationModelsOf, resumedItems } from '../../src/session/resume-view.js';

function call(
  turn: number,
  costUsd: number | null,
  model = 'anthropic/claude-sonnet-5-5',
): CallRecord {
  return {
    v: 1,
    type: 'call',
    ts: '2026-11-30T10:00:00.000Z',
    session: 's1',
    task: 't1',
    turn,
    tier: 1,
    model,
    decision: 'accepted',
    fallbackHops: [],
    usage: { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    costUsd,
    priceSource: costUsd === null ? 'unknown' : 'catalog',
    priceVersion: 'test',
    durationMs: 1200,
    outcome: 'ok',
  };
}

const conversation: Message[] = [
  { role: 'user', content: 'what is in src?' },
  { role: 'assistant', content: 'Two files.' },
  { role: 'user', content: 'read a.ts' },
  {
    role: 'assistant',
    content: '',
    toolCalls: [
      { id: 'c1', name: 'read_file', rawArguments: '{"path":"a.ts"}', arguments: { path: 'a.ts' } },
    ],
  },
  { role: 'tool', toolCallId: 'c1', toolName: 'read_file', content: 'export {}' } as Message,
  { role: 'assistant', content: 'It exports nothing.' },
  { role: 'user', content: 'thanks' },
  { role: 'assistant', content: 'You are welcome.' },
];

describe('resumedItems', () => {
  it('names a tool call by its command or path, and marks one whose result was an error', () => {
    const bash = (id: string, command: string, raw = JSON.stringify({ command })) => ({
      id,
      name: 'bash',
      rawArguments: raw,
      arguments: raw.startsWith('{') ? { command } : undefined,
    });
    const messages: Message[] = [
      { role: 'user', content: 'run the tests' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [bash('b1', 'npm test'), bash('b2', '', 'not json'), bash('b3', 'ls')],
      },
      { role: 'tool', toolCallId: 'b1', toolName: 'bash', content: 'exit 1', isError: true },
      { role: 'tool', toolCallId: 'b2', toolName: 'bash', content: 'bad', isError: true },
      { role: 'tool', toolCallId: 'b3', toolName: 'bash', content: 'a.ts' },
    ];
    const tools = resumedItems(messages, [], 's1').filter((i) => i.kind === 'tool');
    expect(tools).toEqual([
      { kind: 'tool', name: 'bash', summary: '$ npm test', ok: false },
      // Broken JSON has nothing to name: its raw text stands.
      { kind: 'tool', name: 'bash', summary: 'not json', ok: false },
      { kind: 'tool', name: 'bash', summary: '$ ls', ok: true },
    ]);
  });

  it('rebuilds prompts, tool calls, answers and each turn line from the ledger, folding the oldest', () => {
    const records = [
      call(1, 0.01),
      call(2, 0.002),
      call(2, 0.003),
      call(3, null),
      call(9, 5, 'x/other'),
    ];
    const other = { ...call(3, 1), session: 'another' };
    const items = resumedItems(conversation, [...records, other], 's1', 2);

    expect(items[0]).toEqual({
      kind: 'notice',
      level: 'info',
      text: '… 1 earlier turn folded ($0.010)',
    });
    expect(items.slice(1).map((i) => i.kind)).toEqual([
      'user',
      'tool',
      'assistant',
      'turn',
      'user',
      'assistant',
      'turn',
    ]);
    const second = items[4]!;
    expect(second).toMatchObject({ kind: 'turn', costUsd: 0.005, durationMs: 2400 });
    expect(second.kind === 'turn' && second.usage.input).toBe(2000);
    // What the call acted on, not its raw JSON.
    expect(items[2]).toEqual({ kind: 'tool', name: 'read_file', summary: 'a.ts', ok: true });
    // An unpriced call makes the turn's cost unknown, never $0.
    expect(items.at(-1)).toMatchObject({ kind: 'turn', costUsd: null, how: 'accepted' });
  });

  it('a turn the ledger does not know (another machine, a cached answer) has no turn line', () => {
    const items = resumedItems(conversation.slice(0, 2), [], 's1');
    expect(items.map((i) => i.kind)).toEqual(['user', 'assistant']);
  });

  it('the models that held the conversation: solo and planner calls of this session', () => {
    const records = [
      call(1, 0.01),
      { ...call(2, 0, 'ollama/qwen3:8b'), role: 'planner' as const },
      { ...call(2, 0, 'ollama/qwen3-coder:30b'), role: 'executor' as const },
      { ...call(3, 0, 'ollama/gemma3:4b'), role: 'classifier' as const },
      { ...call(1, 0, 'openai/gpt-5.3-codex'), session: 's0' },
    ];
    expect(conversationModelsOf(records, 's1')).toEqual([
      'anthropic/claude-sonnet-5-5',
      'ollama/qwen3:8b',
    ]);
  });
});
