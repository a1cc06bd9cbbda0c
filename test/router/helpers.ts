import type { Config } from '../../src/config/index.js';
import type { Message, ToolSpec } from '../../src/core/message.js';
import type { LedgerRecord } from '../../src/core/records.js';
import { localFromTags } from '../../src/router/constraints.js';
import { RouterSession } from '../../src/router/session.js';
import { seedConfig } from '../fixtures/seed-config.js';
import type { LocalAdapter, RouteContext } from '../../src/router/types.js';

export const NOW = Date.parse('2026-03-10T12:00:00Z');

/** Every default local model installed; qwen3-coder:30b loaded. */
export function allLocal(resident: string[] = ['qwen3-coder:30b']): LocalAdapter {
  return localFromTags(
    [
      { name: 'qwen3-coder:30b', size: 18_600_000_000 },
      { name: 'qwen2.5-coder:32b', size: 19_800_000_000 },
      { name: 'glm-4.7', size: 21_000_000_000 },
    ],
    resident.map((name) => ({ name })),
  );
}

export function ctx(
  overrides: Partial<RouteContext> = {},
  config: Config = seedConfig(),
): RouteContext {
  return {
    config,
    session: new RouterSession(),
    history: [] as LedgerRecord[],
    hasKey: () => true,
    local: allLocal(),
    now: NOW,
    ...overrides,
  };
}

export const SYSTEM =
  'You are kirikae, a coding assistant working in a TypeScript repository. '.repeat(40);

export const TOOLS: ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a file of the repository',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  },
  {
    name: 'edit_file',
    description: 'Replace text in a file',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string' }, old: { type: 'string' }, new: { type: 'string' } },
    },
  },
];

/** A conversation of roughly `tokens` tokens in messages of ~`per` tokens. */
export function conversation(tokens: number, per = 500): Message[] {
  const messages: Message[] = [];
  let i = 0;
  // "word " is about one token in o200k.
  const body = (n: number) =>
    `line ${n}: ` +
    'const value = compute(input, options); '.repeat(Math.max(1, Math.round(per / 8.2)));
  let total = 0;
  while (total < tokens) {
    messages.push(
      i % 2 === 0 ? { role: 'user', content: body(i) } : { role: 'assistant', content: body(i) },
    );
    total += per;
    i++;
  }
  return messages;
}
