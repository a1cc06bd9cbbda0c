import { createContext, Script } from 'node:vm';

/**
 * A line matcher for a model-written regex that gives up after `ms` per call: it returns the
 * indices of the lines the regex matches, or undefined when it did not finish in time.
 * JavaScript's regex engine backtracks: `(a+)+$` on 31 characters, or `a+b` over a 100 KB line,
 * ran for minutes on the main thread, where neither Esc nor Ctrl-C could stop it (a review).
 * Run under vm's timeout, V8 interrupts the match itself. One context per search: creating one
 * costs far more than a file's scan.
 */
export function boundedLineMatcher(
  regex: RegExp,
  ms: number,
): (lines: readonly string[]) => number[] | undefined {
  const context = createContext({ regex, lines: [] as readonly string[], out: [] as number[] });
  return (lines) => {
    const out: number[] = [];
    context.lines = lines;
    context.out = out;
    try {
      SCAN.runInContext(context, { timeout: ms });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
        return undefined;
      throw error;
    } finally {
      context.lines = [];
    }
    return out;
  };
}

const SCAN = new Script(
  'for (let i = 0; i < lines.length; i++) if (regex.test(lines[i])) out.push(i);',
);
