// Finished paragraphs of a streaming answer are printed above the live region as they finish
// (Ink's <Static>), so the region Ink redraws on every frame holds only the paragraph being
// written; when the turn ends, only what was not printed yet is printed.
import { describe, expect, it } from 'vitest';
import type { LiveTurn, TranscriptItem } from '../../src/session/types.js';
import { advancePrintLog, type PrintLog } from '../../src/ui/hooks/use-streamed-transcript.js';
import { finishedUpTo } from '../../src/ui/markdown.js';
import { turnItem } from './fake-controller.js';

const EMPTY: PrintLog = { printed: [], liveCut: 0, seen: 0, clearEpoch: 0, chunks: 0 };

function live(text: string): LiveTurn {
  return {
    model: 'anthropic/claude-sonnet-4-6',
    tier: 1,
    text,
    status: 'streaming',
    startedAt: 0,
    outputTokens: Math.ceil(text.length / 4),
  };
}

const texts = (log: PrintLog): string[] =>
  log.printed.map(({ item }) => (item.kind === 'assistant' ? item.text : `[${item.kind}]`));

describe('finishedUpTo', () => {
  it('cuts after the last blank line, never inside a code block or an unfinished line', () => {
    expect(finishedUpTo('One.\n\nTwo', 0)).toBe(6);
    expect(finishedUpTo('One.\n\nTwo.\n\n', 0)).toBe(12);
    expect(finishedUpTo('One.\n', 0)).toBe(0);
    // A blank line that has not ended yet (no newline) is not a cut.
    expect(finishedUpTo('One.\n  ', 0)).toBe(0);
    // Inside an open code block a blank line is code.
    expect(finishedUpTo('```ts\nconst a = 1;\n\nconst b = 2;\n', 0)).toBe(0);
    const closed = 'Intro.\n\n```ts\nconst a = 1;\n\n```\n\nAfter';
    expect(finishedUpTo(closed, 0)).toBe(closed.indexOf('After'));
    // From an earlier cut: only the text after it is read.
    expect(finishedUpTo('One.\n\nTwo.\n\nThree', 6)).toBe(12);
    expect(finishedUpTo('One.\n\nTwo', 6)).toBe(6);
  });
});

describe('advancePrintLog', () => {
  it('prints finished paragraphs while streaming and only the rest when the turn ends', () => {
    const answer =
      'The parser drops the offset.\n\nIt reads local time.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nDone.';
    const transcript: TranscriptItem[] = [{ id: 1, kind: 'user', text: 'fix it' }];
    let log = advancePrintLog(EMPTY, transcript, live(''), 0);
    expect(texts(log)).toEqual(['[user]']);

    log = advancePrintLog(log, transcript, live(answer.slice(0, 40)), 0);
    expect(texts(log)).toEqual(['[user]', 'The parser drops the offset.']);
    // Nothing new finished: the same log (no re-render).
    expect(advancePrintLog(log, transcript, live(answer.slice(0, 45)), 0)).toBe(log);

    // Inside the code block nothing more is printed, blank line or not.
    const inCode = answer.indexOf('const b');
    log = advancePrintLog(log, transcript, live(answer.slice(0, inCode)), 0);
    expect(texts(log)).toEqual(['[user]', 'The parser drops the offset.', 'It reads local time.']);

    // The turn ends: the session moves the whole answer into its transcript.
    const done: TranscriptItem[] = [
      ...transcript,
      { id: 2, kind: 'assistant', text: answer, model: 'anthropic/claude-sonnet-4-6' },
      turnItem({ id: 3 }),
    ];
    log = advancePrintLog(log, done, undefined, 0);
    expect(texts(log)).toEqual([
      '[user]',
      'The parser drops the offset.',
      'It reads local time.',
      '```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nDone.',
      '[turn]',
    ]);
    // Every part of the answer printed once, in order.
    expect(texts(log).slice(1, 4).join('\n\n')).toBe(answer);
    expect(new Set(log.printed.map((p) => p.key)).size).toBe(log.printed.length);
    expect(log.liveCut).toBe(0);
  });

  it('starts again for the next call after a tool, and after /clear', () => {
    let log = advancePrintLog(EMPTY, [], live('First call.\n\nStill'), 0);
    const first: TranscriptItem[] = [
      { id: 1, kind: 'assistant', text: 'First call.\n\nStill going.', model: 'm' },
      { id: 2, kind: 'tool', name: 'read_file', summary: 'a.ts', ok: true },
    ];
    log = advancePrintLog(log, first, live('Second.\n\n'), 0);
    expect(texts(log)).toEqual(['First call.', 'Still going.', '[tool]', 'Second.']);
    // /clear: the transcript starts empty and so does what is printed.
    log = advancePrintLog(log, [], undefined, 1);
    expect(log.printed).toEqual([]);
    expect(log.liveCut).toBe(0);
  });
});

describe("an executor's answer streamed in paragraphs", () => {
  it("is the executor's from its first paragraph on, its header drawn once", () => {
    const EXECUTOR = 'ollama/qwen3-coder:30b';
    const streaming: LiveTurn = { ...live('First paragraph.\n\nSecond'), executor: EXECUTOR };
    let log = advancePrintLog(EMPTY, [], streaming, 0);
    log = advancePrintLog(
      log,
      [],
      { ...streaming, text: 'First paragraph.\n\nSecond.\n\nThird' },
      0,
    );
    // The session moves the finished answer into the transcript (transcript.ts flushLive).
    const done: TranscriptItem = {
      id: 7,
      kind: 'assistant',
      text: 'First paragraph.\n\nSecond.\n\nThird and last.',
      model: streaming.model,
      executor: EXECUTOR,
    };
    log = advancePrintLog(log, [done], undefined, 0);
    expect(
      log.printed.map(({ item }) =>
        item.kind === 'assistant' ? [item.text, item.executor, item.continued ?? false] : [],
      ),
    ).toEqual([
      ['First paragraph.', EXECUTOR, false],
      ['Second.', EXECUTOR, true],
      ['Third and last.', EXECUTOR, true],
    ]);
  });
});
