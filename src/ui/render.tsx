import { render, type Instance } from 'ink';
import type { Config } from '../config/schema.js';
import type { AppController } from '../session/types.js';
import { App, type ScreenRenderers } from './app.js';
import { buildKeymap } from './keymap.js';

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/** Mounts the Ink app. Bracketed paste is switched on so a paste arrives as one event. */
export function renderApp(
  controller: AppController,
  config: Config,
  env: NodeJS.ProcessEnv,
  screens?: ScreenRenderers,
): Instance {
  const stdout = process.stdout;
  if (stdout.isTTY) stdout.write(BRACKETED_PASTE_ON);
  const restore = (): void => {
    if (stdout.isTTY) stdout.write(BRACKETED_PASTE_OFF);
  };
  process.once('exit', restore);
  const instance = render(
    <App
      controller={controller}
      keymap={buildKeymap(config.ui.keymap)}
      env={env}
      screens={screens}
    />,
    {
      exitOnCtrlC: false,
      maxFps: 30,
    },
  );
  void instance.waitUntilExit().finally(restore);
  return instance;
}
