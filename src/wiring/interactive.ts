import { bootController } from './boot.js';
import { gitBranch } from './git.js';

export interface InteractiveOptions {
  model?: string;
  tier?: string;
  yes?: boolean;
  continueSession?: boolean;
}

/**
 * `kirikae` with no arguments. The input box is drawn first, from a stand-in that only knows the
 * folder, the branch and the config's theme and budget; the session (config schema, price data,
 * router weights, providers) is built after that frame, in wiring/interactive-session.ts, and
 * takes over the screen. What is typed meanwhile stays in the input; a prompt sent meanwhile is
 * sent to the session once it exists.
 */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const env = process.env;
  const cwd = process.cwd();
  const branch = gitBranch(cwd);
  const boot = bootController({ cwd, env, ...(branch ? { branch } : {}) });
  const { renderApp } = await import('../ui/render.js');
  const app = renderApp({ controller: boot }, env);
  try {
    const { runSession } = await import('./interactive-session.js');
    return await runSession(options, { env, cwd, ...(branch ? { branch } : {}), boot, app });
  } catch (error) {
    app.unmount();
    throw error;
  }
}
