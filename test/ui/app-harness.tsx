// Renders the real App into fake streams of any size and types into it.
//
// How keys reach the app: useKeys listens on Ink's internal_eventEmitter, which Ink's App feeds
// from stdin's 'readable' event (stdin.read() in a loop, then Ink's input parser splits escape
// sequences). ink-testing-library's stdin.write() emits 'readable' and answers read(), so its
// writes do reach useKeys (app.test.tsx checks this). Its stdout is fixed at 100 columns, so this
// harness uses the same kind of fake streams with a chosen size, rendered in Ink's debug mode:
// every frame is written whole (static transcript + live region) and unthrottled.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import type { AppController } from '../../src/session/types.js';
import { App, type ScreenRenderers } from '../../src/ui/app.js';
import { buildKeymap } from '../../src/ui/keymap.js';

export const KEY = {
  enter: '\r',
  altEnter: '\x1b\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlL: '\x0c',
  ctrlO: '\x0f',
  ctrlT: '\x14',
  ctrlU: '\x15',
  pasteStart: '\x1b[200~',
  pasteEnd: '\x1b[201~',
} as const;

export class FakeStdout extends EventEmitter {
  readonly frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

/** Like ink-testing-library's stdin: a write is one 'readable' event and one read(). */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export function tick(ms = 10): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RenderOptions {
  columns?: number;
  rows?: number;
  env?: NodeJS.ProcessEnv;
  screens?: ScreenRenderers;
  keymap?: Record<string, string>;
}

export function renderApp(controller: AppController, options: RenderOptions = {}) {
  const stdout = new FakeStdout(options.columns ?? 100, options.rows ?? 30);
  const stderr = new FakeStdout(options.columns ?? 100, options.rows ?? 30);
  const stdin = new FakeStdin();
  const instance = render(
    <App
      controller={controller}
      keymap={buildKeymap(options.keymap)}
      screens={options.screens}
      env={options.env ?? {}}
      frameMs={0}
    />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  const raw = (): string => stdout.frames[stdout.frames.length - 1] ?? '';
  const text = (): string => stripVTControlCharacters(raw());
  /** Waits until no frame has been drawn for a moment: effects have run, handlers are current. */
  const settle = async (): Promise<void> => {
    const started = Date.now();
    let seen = -1;
    while (seen !== stdout.frames.length && Date.now() - started < 2_000) {
      seen = stdout.frames.length;
      await tick(15);
    }
  };
  return {
    stdout,
    stdin,
    raw,
    text,
    settle,
    /** Sends each string as one read of stdin, settling in between (a person typing). */
    async press(...keys: string[]): Promise<void> {
      for (const key of keys) {
        await settle();
        stdin.write(key);
      }
      await settle();
    },
    async waitFor(predicate: (frame: string) => boolean, timeoutMs = 3_000): Promise<string> {
      const started = Date.now();
      while (!predicate(text())) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`Timed out waiting for the frame; last frame:\n${text()}`);
        }
        await tick(10);
      }
      return text();
    },
    unmount(): void {
      instance.unmount();
      instance.cleanup();
    },
  };
}

/** The input box's content line(s): between the rounded box's top and bottom borders. */
export function inputLines(frame: string): string[] {
  const lines = frame.split('\n');
  const last = lines.findLastIndex((l) => l.includes('›'));
  const top = lines.slice(0, last + 1).findLastIndex((l) => l.trimStart().startsWith('╭'));
  const bottom = lines.findIndex((l, i) => i > last && l.trimStart().startsWith('╰'));
  return lines.slice(top + 1, bottom).map((l) => l.replace(/^\s*│\s?/, '').replace(/\s*│\s*$/, ''));
}

/** Columns of the widest line (every glyph the app draws is one column wide). */
export function widestLine(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((line) => [...line].length));
}

/** Any SGR colour (foreground or background): a NO_COLOR frame must have none. */
export function hasColour(raw: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/.test(raw);
}
