// Streaming never clears the screen: the live region is redrawn in place. Ink clears the whole
// terminal (ESC[2J ESC[3J ESC[H) whenever the frame it drew last was as tall as the terminal,
// which reads as flicker, and scrolls the user's history away. This streams a 2,000-line session
// into the real App with the shipped Ink options on a 100×30 TTY and counts the clears.
import { describe, expect, it, vi } from 'vitest';

// Ink decides at import whether it runs in CI (then it draws only the last frame); this test is
// about the terminal path, so CI must be unset before anything imports Ink (.ci/run sets it).
vi.hoisted(() => {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
});
import type { TranscriptItem } from '../../src/session/types.js';
import { createFakeController, turnItem } from './fake-controller.js';
import { FakeStdin, FakeStdout, tick } from './app-harness.js';

/** Line `n` of an answer: prose that wraps over two or three rows, list items, code. */
function answerLine(n: number): string {
  if (n % 10 === 9) return '';
  if (n % 10 === 5) return '```ts';
  if (n % 10 === 7) return '```';
  if (n % 10 === 6)
    return `  const offset${n} = Number(match[1]) * 60 + Number(match[2]); // keeps the offset`;
  if (n % 10 === 8) return `- item ${n}: the leap day now parses in every zone`;
  return `Line ${n}: the parser drops the offset because new Date(s) reads the string in local time when it has no zone designator, so the fix keeps the offset from the ISO string and applies it.`;
}

// ESC[2J (erase display), ESC[3J (erase scrollback), ESC c (reset): the ways to clear a screen.
const CLEARS = new RegExp(String.raw`\x1b\[2J|\x1b\[3J|\x1bc`, 'g');

describe('streaming output', () => {
  it('draws a 2,000-line session without one full-screen clear', async () => {
    // Ink draws only the last frame when it believes it runs in CI; this is the terminal path.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    const { render } = await import('ink');
    const { App } = await import('../../src/ui/app.js');
    const { buildKeymap } = await import('../../src/ui/keymap.js');
    const { INK_OPTIONS } = await import('../../src/ui/render.js');
    const stdout = new FakeStdout(100, 30);
    const controller = createFakeController({ now: Date.now() });
    // Frames are not throttled here: every update is drawn, the hardest case for clears.
    const instance = render(
      <App controller={controller} keymap={buildKeymap()} env={{}} frameMs={0} />,
      {
        ...INK_OPTIONS,
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: new FakeStdout(100, 30) as unknown as NodeJS.WriteStream,
        stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
        patchConsole: false,
      },
    );

    // Four turns of 500 lines, each streamed 50 lines per update at about Ink's frame rate,
    // then moved into the transcript as the session does when a turn ends.
    let id = 1;
    let transcript: TranscriptItem[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const lines: string[] = [];
      for (let n = turn * 500; n < (turn + 1) * 500; n += 50) {
        for (let k = n; k < n + 50; k++) lines.push(answerLine(k));
        const text = lines.join('\n');
        controller.update({
          live: {
            model: 'anthropic/claude-sonnet-4-6',
            tier: 1,
            text,
            status: 'streaming',
            startedAt: Date.now() - 1_000,
            firstTokenAt: Date.now() - 900,
            outputTokens: Math.ceil(text.length / 4),
          },
        });
        await tick(35);
      }
      transcript = [
        ...transcript,
        {
          id: id++,
          kind: 'assistant',
          text: lines.join('\n'),
          model: 'anthropic/claude-sonnet-4-6',
        },
        turnItem({ id: id++ }),
      ];
      controller.update({ live: undefined, transcript });
      await tick(35);
    }
    await tick(100);
    instance.unmount();
    const output = stdout.frames.join('');

    // It did draw, and finished paragraphs went above the live region as they finished: a
    // paragraph that ended within one update was printed once, and not again at the turn's end.
    expect(output).toContain('item 1998:');
    expect(output.split('Line 1000: ').length - 1).toBe(1);
    expect(output.match(CLEARS) ?? []).toEqual([]);
  }, 60_000);
});
