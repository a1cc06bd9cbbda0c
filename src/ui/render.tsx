import { render, type Instance, type RenderOptions } from 'ink';
import type { AppController } from '../session/types.js';
import { App, type ScreenRenderers } from './app.js';
import { buildKeymap } from './keymap.js';

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/**
 * How Ink draws the screen. At most 30 frames a second. Ink wraps each frame in synchronized
 * output (DEC 2026) on a TTY by itself, so a terminal that supports it never shows half a frame;
 * it clears the whole screen only when the live region is as tall as the terminal, which the
 * App prevents (test/ui/no-clear.test.tsx counts the clears).
 */
export const INK_OPTIONS = {
  exitOnCtrlC: false,
  maxFps: 30,
} as const satisfies RenderOptions;

/** What the screen is drawn from: the controller, the config's key overrides, other screens. */
export interface AppView {
  controller: AppController;
  keymap?: Record<string, string>;
  screens?: ScreenRenderers;
}

export interface AppHandle extends Instance {
  /** Draws from another view: the session once it is built, after the first frame. */
  show(view: AppView): void;
}

/** Mounts the Ink app. Bracketed paste is switched on so a paste arrives as one event. */
export function renderApp(view: AppView, env: NodeJS.ProcessEnv): AppHandle {
  const stdout = process.stdout;
  if (stdout.isTTY) stdout.write(BRACKETED_PASTE_ON);
  const restore = (): void => {
    if (stdout.isTTY) stdout.write(BRACKETED_PASTE_OFF);
  };
  process.once('exit', restore);
  const element = ({ controller, keymap, screens }: AppView) => (
    <App
      controller={controller}
      keymap={buildKeymap(keymap)}
      env={env}
      screens={screens}
      altScreen={stdout.isTTY === true}
    />
  );
  const instance = render(element(view), INK_OPTIONS);
  void instance.waitUntilExit().finally(restore);
  return { ...instance, show: (next) => instance.rerender(element(next)) };
}
