import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionGate } from '../../src/agent/approvals.js';
import { runAgentTurn } from '../../src/agent/loop.js';
import {
  lastSessionFor,
  listSessions,
  loadSession,
  NO_ANSWER,
  openSessionWriter,
  repairHistory,
} from '../../src/agent/sessions.js';
import { DEFAULT_TOOLS } from '../../src/agent/tools/index.js';
import { runSessions } from '../../src/commands/sessions.js';
import type { Message } from '../../src/core/message.js';
import { fakeProvider, tempDir } from './helpers.js';

let data: string;
let project: string;
let other: string;
const cleanups: Array<() => void> = [];

beforeEach(() => {
  const a = tempDir('kirikae-data-');
  const b = tempDir('kirikae-project-');
  cleanups.push(a.cleanup, b.cleanup);
  data = a.dir;
  project = b.dir;
  other = join(b.dir, 'other');
  mkdirSync(other);
});
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function clock(start: string) {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('sessions', () => {
  it('lists sessions with folder, times, turns and first prompt, newest first', async () => {
    const first = openSessionWriter({
      dataDir: data,
      folder: project,
      now: clock('2026-01-20T09:00:00Z'),
    });
    first.appendMessage({ role: 'user', content: 'fix the parser' });
    first.appendMessage({ role: 'assistant', content: 'done' });
    first.appendMessage({ role: 'user', content: 'now the tests' });
    const second = openSessionWriter({
      dataDir: data,
      folder: other,
      now: clock('2026-01-21T09:00:00Z'),
    });
    second.appendMessage({ role: 'user', content: 'hello' });
    // A writer that never got a message leaves no file.
    openSessionWriter({ dataDir: data, folder: project });

    const sessions = await listSessions(data);
    expect(sessions.map((s) => s.id)).toEqual([second.id, first.id]);
    expect(sessions[1]).toMatchObject({
      folder: project,
      started: '2026-01-20T09:00:02.000Z',
      lastActivity: '2026-01-20T09:00:04.000Z',
      turns: 2,
      firstPrompt: 'fix the parser',
    });
    expect((await lastSessionFor(project, data))?.id).toBe(first.id);
    expect(await lastSessionFor(join(project, 'nowhere'), data)).toBeUndefined();
  });

  it('skips a torn last line', async () => {
    const writer = openSessionWriter({ dataDir: data, folder: project });
    writer.appendMessage({ role: 'user', content: 'one' });
    writer.appendMessage({ role: 'assistant', content: 'two' });
    appendFileSync(writer.path, '{"type":"message","ts":"2026-01-2');
    const loaded = await loadSession(writer.id, data);
    expect(loaded.messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
    ]);
    // Continuing after the crash: the new line is not glued onto the torn one.
    openSessionWriter({ dataDir: data, folder: project, id: writer.id }).appendMessage({
      role: 'user',
      content: 'three',
    });
    // A prompt the app died on is answered by a line saying so (NO_ANSWER, below).
    expect((await loadSession(writer.id, data)).messages.map((m) => m.content)).toEqual([
      'one',
      'two',
      'three',
      NO_ANSWER,
    ]);
  });

  it('a prompt the app died on before any answer is answered by a line saying so', () => {
    // Killed at an approval dialog: the prompt was saved, its turn never was; the next prompt
    // was then merged into it (one user message asking both).
    const history: Message[] = [
      { role: 'user', content: 'list the files' },
      { role: 'user', content: 'go on' },
      { role: 'assistant', content: 'Going on.' },
    ];
    expect(repairHistory(history)).toEqual([
      { role: 'user', content: 'list the files' },
      { role: 'assistant', content: NO_ANSWER },
      { role: 'user', content: 'go on' },
      { role: 'assistant', content: 'Going on.' },
    ]);
  });

  it('a resumed session continues with its history and keeps appending to the same file', async () => {
    const writer = openSessionWriter({ dataDir: data, folder: project });
    const first: Message[] = [
      { role: 'user', content: 'remember the word kiwi' },
      { role: 'assistant', content: 'Noted: kiwi.' },
    ];
    writer.appendMessages(first);

    // kirikae --continue: find the session for this folder, load it, run the next turn.
    const last = await lastSessionFor(project, data);
    const loaded = await loadSession(last!.id, data);
    const provider = fakeProvider([{ text: 'The word was kiwi.' }]);
    const result = await runAgentTurn({
      provider,
      model: 'fake',
      messages: [...loaded.messages, { role: 'user', content: 'what was the word?' }],
      tools: DEFAULT_TOOLS,
      maxSteps: 5,
      approve: async () => ({ decision: 'deny' }),
      workspace: project,
      permissions: createPermissionGate({ mode: 'ask', rules: { allow: [], ask: [], deny: [] } }),
    });
    expect(provider.requests[0]!.messages).toEqual([
      ...first,
      { role: 'user', content: 'what was the word?' },
    ]);
    const resumed = openSessionWriter({ dataDir: data, folder: project, id: last!.id });
    resumed.appendMessages([
      { role: 'user', content: 'what was the word?' },
      ...result.newMessages,
    ]);
    const reloaded = await loadSession(last!.id, data);
    expect(reloaded.messages.map((m) => m.content)).toEqual([
      'remember the word kiwi',
      'Noted: kiwi.',
      'what was the word?',
      'The word was kiwi.',
    ]);
    expect(reloaded.info.turns).toBe(2);
  });

  it('resumes from after a /clear: the cleared conversation is neither loaded nor counted', async () => {
    const writer = openSessionWriter({ dataDir: data, folder: project });
    writer.appendMessages([
      { role: 'user', content: 'the secret is 42' },
      { role: 'assistant', content: 'Noted.' },
    ]);
    writer.appendEvent({ kind: 'clear' });
    writer.appendMessages([
      { role: 'user', content: 'rename getParams' },
      { role: 'assistant', content: 'Done.' },
    ]);
    const loaded = await loadSession(writer.id, data);
    expect(loaded.messages.map((m) => m.content)).toEqual(['rename getParams', 'Done.']);
    expect(loaded.info).toMatchObject({ turns: 1, firstPrompt: 'rename getParams' });
  });

  it('answers tool calls a crash left without a result', () => {
    const history: Message[] = [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'bash', arguments: { command: 'ls' }, rawArguments: '' },
          { id: 'b', name: 'bash', arguments: { command: 'pwd' }, rawArguments: '' },
        ],
      },
      { role: 'tool', toolCallId: 'a', toolName: 'bash', content: 'x' },
    ];
    expect(repairHistory(history).slice(3)).toEqual([
      {
        role: 'tool',
        toolCallId: 'b',
        toolName: 'bash',
        content: 'Not run: the session ended before this tool call finished.',
        isError: true,
      },
    ]);
  });

  it('refuses an id that is not a session id', async () => {
    await expect(loadSession('../../etc/passwd', data)).rejects.toThrow(/not a session id/);
    await expect(loadSession('nope', data)).rejects.toThrow(/No session nope/);
  });
});

describe('kirikae sessions', () => {
  it('prints a table and JSON', async () => {
    const writer = openSessionWriter({ dataDir: data, folder: project });
    writer.appendMessage({ role: 'user', content: 'explain   the\nrouter' });
    const env = { KIRIKAE_DATA_DIR: data, HOME: '/nonexistent' };

    const out = sink();
    expect(await runSessions({}, { stdout: out.stream, stderr: sink().stream, env })).toBe(0);
    const [header, row] = out.text().trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+FOLDER\s+STARTED\s+LAST ACTIVITY\s+TURNS\s+FIRST PROMPT$/);
    expect(row).toContain(writer.id);
    expect(row).toContain(project);
    expect(row).toMatch(/\s1\s+explain the router$/);

    const json = sink();
    await runSessions({ json: true }, { stdout: json.stream, stderr: sink().stream, env });
    const parsed = JSON.parse(json.text()) as { sessions: Array<Record<string, unknown>> };
    expect(parsed.sessions).toEqual([
      expect.objectContaining({ id: writer.id, folder: project, turns: 1 }),
    ]);
  });

  it('says so when there are none', async () => {
    writeFileSync(join(data, 'unrelated.txt'), '');
    const out = sink();
    await runSessions(
      {},
      { stdout: out.stream, stderr: sink().stream, env: { KIRIKAE_DATA_DIR: data } },
    );
    expect(out.text()).toBe('No sessions yet.\n');
  });
});
