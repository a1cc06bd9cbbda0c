// Other screens draw on the terminal's alternate screen (hooks/use-screen-buffer.ts), so the
// transcript on the main screen is untouched when the chat comes back (#15 item 5; the tmux
// test is test/e2e/screen-return.test.ts). This checks the order of what reaches the terminal.
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

// Ink's terminal path (it draws only the last frame in CI, which .ci/run sets).
vi.hoisted(() => {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
});
import { createFakeController, turnItem } from './fake-controller.js';
import { FakeStdin, FakeStdout, tick } from './app-harness.js';

describe('screens on the alternate screen', () => {
  it('switches before the screen is drawn, back after an empty frame, and holds new transcript items until then', async () => {
    const { render } = await import('ink');
    const { App } = await import('../../src/ui/app.js');
    const { buildKeymap } = await import('../../src/ui/keymap.js');
    const { INK_OPTIONS } = await import('../../src/ui/render.js');
    const { ALT_SCREEN_ENTER, ALT_SCREEN_LEAVE } =
      await import('../../src/ui/hooks/use-screen-buffer.js');
    const stdout = new FakeStdout(100, 30);
    const controller = createFakeController({ transcript: [turnItem({ id: 1 })] });
    const instance = render(
      <App controller={controller} keymap={buildKeymap()} env={{}} frameMs={0} altScreen />,
      {
        ...INK_OPTIONS,
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: new FakeStdout(100, 30) as unknown as NodeJS.WriteStream,
        stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
        patchConsole: false,
      },
    );
    /** Waits (on a busy machine, too) until the terminal has been sent `text`. */
    const written = async (text: string): Promise<void> => {
      for (let i = 0; i < 200 && !stdout.frames.join('').includes(text); i++) await tick(25);
    };
    await written('Type a prompt');
    controller.update({ screen: 'pull' });
    await written('The pull screen is not available');
    // A notice that arrives while the screen is up.
    controller.update({
      transcript: [
        turnItem({ id: 1 }),
        { id: 2, kind: 'notice', level: 'info', text: 'pulled qwen3:8b' },
      ],
    });
    await tick(100);
    controller.update({ screen: 'chat' });
    await written('pulled qwen3:8b');
    await tick(100);
    instance.unmount();

    const output = stdout.frames.join('');
    const enter = output.indexOf(ALT_SCREEN_ENTER);
    const screen = output.indexOf('The pull screen is not available');
    const leave = output.indexOf(ALT_SCREEN_LEAVE);
    const notice = output.indexOf('pulled qwen3:8b');
    expect(enter).toBeGreaterThan(output.indexOf('Type a prompt'));
    expect(screen).toBeGreaterThan(enter);
    expect(leave).toBeGreaterThan(screen);
    // Printed once, on the main screen, then the chat below it.
    expect(notice).toBeGreaterThan(leave);
    expect(output.indexOf('pulled qwen3:8b', notice + 1)).toBe(-1);
    expect(output.lastIndexOf('Type a prompt')).toBeGreaterThan(notice);
    // Between the screen and the switch back: a frame with nothing in it (Ink erases its last
    // frame counting lines up from the cursor; two lines on the main screen are blank ones).
    const frames = stdout.frames;
    const leaveFrame = frames.findIndex((f) => f.includes(ALT_SCREEN_LEAVE));
    const lastScreenFrame = frames.findLastIndex((f) => f.includes('not available'));
    const between = frames.slice(lastScreenFrame + 1, leaveFrame);
    expect(between.some((f) => f.includes('\n') && stripVTControlCharacters(f).trim() === '')).toBe(
      true,
    );
    expect(between.join('')).not.toMatch(/Type a prompt|tok\/s/);
  }, 20_000);
});
