import { execFileSync } from 'node:child_process';

/** Drives a program in a private tmux server the way a person would: keys in, screen out. */
export interface TmuxSession {
  send(...keys: string[]): void;
  /** Types text literally (no key-name interpretation). */
  type(text: string): void;
  capture(): string;
  /** Waits for text on the screen, or for any condition (e.g. what a stub server saw). */
  waitFor(pattern: RegExp | string | (() => boolean), timeoutMs?: number): Promise<string>;
  /**
   * Once the program in the pane has exited: its status (128 + n for signal n), or null when
   * tmux saw the pane close but not the status (it marks the pane dead on the terminal's EOF,
   * and may never fill the status in). Undefined while it runs.
   */
  exitStatus(): number | null | undefined;
  kill(): void;
}

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function startTmux(options: {
  command: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  columns?: number;
  rows?: number;
}): TmuxSession {
  // A socket of our own: tests never touch the developer's tmux or each other's.
  const socket = `kirikae-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], {
      env: options.env,
      cwd: options.cwd,
      encoding: 'utf8',
    });
  tmux(
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.columns ?? 100),
    '-y',
    String(options.rows ?? 30),
    options.command,
  );
  tmux('set-option', '-g', 'remain-on-exit', 'on');
  const capture = (): string => tmux('capture-pane', '-p', '-t', 'main');
  return {
    send: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'main', '-l', text),
    capture,
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      const met = (screen: string) =>
        typeof pattern === 'function'
          ? pattern()
          : typeof pattern === 'string'
            ? screen.includes(pattern)
            : pattern.test(screen);
      let screen = '';
      while (Date.now() < deadline) {
        screen = capture();
        if (met(screen)) {
          // A capture can land while the program is still writing its frame (the pattern on
          // screen, the lines below it not yet): return a screen the next capture agrees with,
          // or the last that matched when it changes on (a spinner) or the pattern is gone.
          for (let i = 0; i < 5; i++) {
            await new Promise((r) => setTimeout(r, 30));
            const again = capture();
            if (again === screen || !met(again)) break;
            screen = again;
          }
          return screen;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`Timed out waiting for ${String(pattern)}. Screen:\n${screen}`);
    },
    exitStatus() {
      const parts = tmux(
        'display-message',
        '-p',
        '-t',
        'main',
        '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}',
      )
        .trim()
        .split(' ');
      const [dead, status, signal] = parts;
      if (dead !== '1') return undefined;
      if (status) return Number(status);
      // Killed by a signal: tmux gives no status, only the signal's number.
      return signal ? 128 + Number(signal) : null;
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
    },
  };
}
