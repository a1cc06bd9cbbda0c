// Shared by the screens-*.test.tsx files: render a screen under a theme, type keys into Ink's
// stdin, and wait for a frame.
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { stripVTControlCharacters } from 'node:util';
import { loadTheme } from '../../src/ui/theme.js';
import { ThemeContext } from '../../src/ui/theme-context.js';

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  left: '\x1b[D',
  right: '\x1b[C',
  enter: '\r',
  tab: '\t',
  backspace: '\x7f',
} as const;

export function renderScreen(element: ReactElement, options: { noColor?: boolean } = {}) {
  const theme = loadTheme('dark', options.noColor ? { NO_COLOR: '1' } : {});
  const result = render(<ThemeContext.Provider value={theme}>{element}</ThemeContext.Provider>);
  const text = (): string => stripVTControlCharacters(result.lastFrame() ?? '');
  /** Waits until no new frame has been drawn for a short while (at most a second). */
  const settle = async (): Promise<void> => {
    const started = Date.now();
    let seen = -1;
    while (seen !== result.frames.length && Date.now() - started < 1000) {
      seen = result.frames.length;
      await tick(15);
    }
  };
  return {
    ...result,
    text,
    /**
     * Sends keys one at a time, letting the screen settle before each: useKeys takes the
     * newest handler in an effect, which runs a moment after the frame that showed new data.
     */
    async press(...keys: string[]): Promise<void> {
      for (const key of keys) {
        await settle();
        result.stdin.write(key);
      }
      await settle();
    },
    async waitFor(predicate: (frame: string) => boolean, timeoutMs = 3000): Promise<string> {
      const started = Date.now();
      while (!predicate(text())) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`Timed out waiting for the frame; last frame:\n${text()}`);
        }
        await tick(10);
      }
      return text();
    },
  };
}

export function tick(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Widest line of a frame, in terminal columns (every glyph the screens use is one column). */
export function widestLine(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((line) => [...line].length));
}

/** Any SGR colour code (foreground or background): NO_COLOR frames must have none. */
export function hasColour(raw: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\x1b\[(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]/.test(raw);
}

/**
 * Ink colours through chalk, which sees no TTY under vitest and emits nothing: force it on so a
 * NO_COLOR check means something. Returns the function that restores it.
 */
export function forceColours(): () => void {
  const level = chalk.level;
  chalk.level = 3;
  return () => {
    chalk.level = level;
  };
}
