import { PassThrough } from 'node:stream';
import type { Stats } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  composePrompt,
  promptFromInput,
  MAX_STDIN_BYTES,
  readStdinText,
  shouldReadStdin,
  stdinKind,
  typedPrompt,
} from '../../src/commands/print-prompt.js';

const statOf = (kind: 'fifo' | 'file' | 'socket' | 'char') =>
  ({
    isFIFO: () => kind === 'fifo',
    isFile: () => kind === 'file',
    isSocket: () => kind === 'socket',
    isCharacterDevice: () => kind === 'char',
  }) as Stats;

describe('what -p reads', () => {
  it('tells a terminal, a shell pipe or file, a socket and /dev/null apart', () => {
    expect(
      stdinKind(
        0,
        () => statOf('char'),
        () => true,
      ),
    ).toBe('terminal');
    expect(
      stdinKind(
        0,
        () => statOf('fifo'),
        () => false,
      ),
    ).toBe('pipe');
    expect(
      stdinKind(
        0,
        () => statOf('file'),
        () => false,
      ),
    ).toBe('file');
    expect(
      stdinKind(
        0,
        () => statOf('socket'),
        () => false,
      ),
    ).toBe('socket');
    expect(
      stdinKind(
        0,
        () => statOf('char'),
        () => false,
      ),
    ).toBe('none');
    const closed = () => {
      throw Object.assign(new Error('EBADF'), { code: 'EBADF' });
    };
    expect(stdinKind(0, closed, () => false)).toBe('none');
  });

  it('reads a pipe or a file always, a socket only when no prompt was typed, a terminal never', () => {
    expect(shouldReadStdin('pipe', true)).toBe(true);
    expect(shouldReadStdin('file', true)).toBe(true);
    // A program's stdio socket it may never close (Claude Code's Bash tool): not with a prompt.
    expect(shouldReadStdin('socket', true)).toBe(false);
    expect(shouldReadStdin('socket', false)).toBe(true);
    expect(shouldReadStdin('terminal', false)).toBe(false);
    expect(shouldReadStdin('none', false)).toBe(false);
  });

  const compose = (
    value: string | boolean | undefined,
    words: string[],
    piped: string | undefined,
  ) => composePrompt(typedPrompt(value, words), piped);

  it('joins the typed prompt, the words after the options and the piped text', () => {
    expect(compose('fix it', [], undefined)).toEqual({ prompt: 'fix it' });
    expect(compose(true, ['fix', 'the', 'typo'], undefined)).toEqual({
      prompt: 'fix the typo',
    });
    expect(compose('review this', [], 'diff --git a/x b/x\n+y\n\n')).toEqual({
      prompt: 'review this\n\ndiff --git a/x b/x\n+y',
    });
    expect(compose(true, [], 'TypeError: x\n')).toEqual({ prompt: 'TypeError: x' });
    expect(compose(true, [], '  \n')).toMatchObject({ error: /needs a prompt/ });
    expect(compose(undefined, [], undefined)).toMatchObject({ error: /needs a prompt/ });
  });
});

describe('readStdinText', () => {
  it('reads to the end as UTF-8, split multi-byte characters included', async () => {
    const stream = new PassThrough();
    const read = readStdinText(stream, () => {});
    const text = Buffer.from('原因を調べて\n');
    stream.write(text.subarray(0, 4));
    stream.end(text.subarray(4));
    expect(await read).toBe('原因を調べて\n');
  });

  it('refuses binary data and more than the limit, each with what to do instead', async () => {
    const binary = new PassThrough();
    const a = readStdinText(binary, () => {});
    binary.write('PNG header ');
    binary.write(Buffer.from([0x89, 0x00, 0x01]));
    await expect(a).rejects.toThrow(/binary data \(a NUL byte at byte 12\)/);

    const huge = new PassThrough();
    const b = readStdinText(huge, () => {});
    const chunk = Buffer.alloc(4 * 1024 * 1024, 'a');
    for (let sent = 0; sent <= MAX_STDIN_BYTES; sent += chunk.length) huge.write(chunk);
    await expect(b).rejects.toThrow(/over 32 MiB: pipe a part of it/);
  });

  it('says once what it waits for when a pipe stays quiet, and still reads what comes', async () => {
    vi.useFakeTimers();
    try {
      const stream = new PassThrough();
      const quiet = vi.fn();
      const read = readStdinText(stream, quiet, { quietMs: 2_000 });
      vi.advanceTimersByTime(2_500);
      expect(quiet).toHaveBeenCalledTimes(1);
      stream.end('late log line\n');
      expect(await read).toBe('late log line\n');
      vi.advanceTimersByTime(5_000);
      expect(quiet).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('with a limit, leaves a pipe that sends nothing alone; data before it is read to the end', async () => {
    vi.useFakeTimers();
    try {
      const idle = new PassThrough();
      const given = readStdinText(idle, () => {}, { quietMs: 2_000, giveUpMs: 10_000 });
      vi.advanceTimersByTime(10_001);
      expect(await given).toBeUndefined();

      const slow = new PassThrough();
      const read = readStdinText(slow, () => {}, { quietMs: 2_000, giveUpMs: 10_000 });
      vi.advanceTimersByTime(9_000);
      slow.write('first line\n');
      vi.advanceTimersByTime(30_000);
      slow.end('last line\n');
      expect(await read).toBe('first line\nlast line\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('-p - names stdin', () => {
    expect(typedPrompt('-', [])).toBe('');
    expect(composePrompt(typedPrompt('-', []), 'diff --git a/x b/x\n')).toEqual({
      prompt: 'diff --git a/x b/x',
    });
  });

  it('promptFromInput: a pipe is read after a typed prompt; a socket is not', async () => {
    const piped = (text: string) => {
      const stream = new PassThrough();
      stream.end(text);
      return stream;
    };
    const stderr = new PassThrough();
    const io = (text: string) => ({ stdin: piped(text), stderr, readStdin: true });
    expect(await promptFromInput('why', [], io('TypeError: x\n'), 'pipe')).toEqual({
      prompt: 'why\n\nTypeError: x',
    });
    expect(await promptFromInput('why', [], io('NOT SENT'), 'socket')).toEqual({ prompt: 'why' });
    expect(await promptFromInput(true, [], io('explain this'), 'socket')).toEqual({
      prompt: 'explain this',
    });
    // --no-stdin
    expect(
      await promptFromInput('why', [], { ...io('NOT SENT'), readStdin: false }, 'pipe'),
    ).toEqual({ prompt: 'why' });
    expect(await promptFromInput('what', [], io('PNG\u0000'), 'pipe')).toMatchObject({
      error: /binary data/,
    });
  });
});
