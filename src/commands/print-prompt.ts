// What `kirikae -p` sends: the prompt from the command line, text piped in on stdin, or both
// (`git diff | kirikae -p "review this"`). Reading stdin is where headless CLIs hang: a caller
// that hands over a socket or pipe it never closes (Claude Code's Bash tool, Python's
// Popen(stdin=PIPE); anthropics/claude-code#9026, codex exec's "Reading additional input from
// stdin…") waits on a process that waits on it. So a terminal is never read; a socket only when
// no prompt was typed; a pipe or file always, but with a typed prompt a pipe that sends nothing
// for STDIN_GIVE_UP_MS is left alone.
import { fstatSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';

/** More than this on stdin is refused: a log that size is not a prompt anyone means to pay for. */
export const MAX_STDIN_BYTES = 32 * 1024 * 1024;
/** After this long without a byte on a pipe, stderr says what kirikae is waiting for. */
export const STDIN_QUIET_MS = 2_000;
/**
 * With a typed prompt, a pipe that has sent neither a byte nor its end by then is left alone:
 * a caller that hands over a pipe and never closes it (Python's Popen(stdin=PIPE), a Java
 * ProcessBuilder) must not hang the run. Without a typed prompt stdin is all there is: no limit.
 */
export const STDIN_GIVE_UP_MS = 10_000;

export type StdinKind = 'terminal' | 'pipe' | 'file' | 'socket' | 'none';

/**
 * What fd 0 is: a terminal, a shell pipe or redirect, a socket (how node and many programs pass
 * a child its stdio), or nothing to read (closed, `< /dev/null`, stdin: 'ignore').
 */
export function stdinKind(
  fd = 0,
  stat: (fd: number) => Stats = fstatSync,
  tty: (fd: number) => boolean = isatty,
): StdinKind {
  if (tty(fd)) return 'terminal';
  let info: Stats;
  try {
    info = stat(fd);
  } catch {
    return 'none';
  }
  if (info.isFIFO()) return 'pipe';
  if (info.isFile()) return 'file';
  if (info.isSocket()) return 'socket';
  return 'none';
}

export function shouldReadStdin(kind: StdinKind, hasPrompt: boolean): boolean {
  if (kind === 'pipe' || kind === 'file') return true;
  return kind === 'socket' && !hasPrompt;
}

/**
 * The prompt typed on the command line: `-p "fix it"`, or `-p --model x fix it` (the words
 * after the options), or both at once; `-p -` names stdin, as many tools read a lone dash.
 */
export function typedPrompt(value: string | boolean | undefined, words: readonly string[]): string {
  return [typeof value === 'string' && value !== '-' ? value : '', ...words]
    .filter((part) => part.trim())
    .join(' ');
}

/** The prompt `-p` sends, or why there is none. */
export function composePrompt(
  typed: string,
  piped: string | undefined,
): { prompt: string } | { error: string } {
  const input = piped?.trim() ? piped.replace(/\s+$/, '') : '';
  if (typed && input) return { prompt: `${typed}\n\n${input}` };
  if (typed || input) return { prompt: typed || input };
  return {
    error:
      '-p needs a prompt: kirikae -p "fix the failing test", or pipe text in (git diff | kirikae -p "review this")',
  };
}

/**
 * What `-p` sends: the typed prompt and, where stdin may be read (shouldReadStdin), what was
 * piped in; or what went wrong, to print. `readStdin` is false with --no-stdin.
 */
export async function promptFromInput(
  value: string | boolean,
  words: readonly string[],
  io: { stdin: NodeJS.ReadableStream; stderr: NodeJS.WritableStream; readStdin: boolean },
  kind: StdinKind = stdinKind(),
): Promise<{ prompt: string } | { error: string }> {
  const typed = typedPrompt(value, words);
  let piped: string | undefined;
  if (io.readStdin && shouldReadStdin(kind, typed !== '')) {
    try {
      piped = await readStdinText(
        io.stdin,
        () =>
          io.stderr.write(
            typed
              ? `kirikae: stdin is an open pipe with nothing on it yet; going on without it after ${STDIN_GIVE_UP_MS / 1000} s (--no-stdin skips it)\n`
              : 'kirikae: waiting for the prompt on stdin (it is a pipe that has not ended)\n',
          ),
        typed ? { giveUpMs: STDIN_GIVE_UP_MS } : {},
      );
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return composePrompt(typed, piped);
}

/**
 * Reads stdin to its end as UTF-8 text. Refuses binary data (a NUL byte) and more than
 * MAX_STDIN_BYTES with an error that says so; `onQuiet` is called once if a pipe has sent
 * nothing for `quietMs` (the caller says what it is waiting for). With `giveUpMs`, a stream
 * that has sent neither a byte nor its end by then resolves undefined and is read no further.
 */
export function readStdinText(
  stream: NodeJS.ReadableStream,
  onQuiet: () => void,
  { quietMs = STDIN_QUIET_MS, giveUpMs }: { quietMs?: number; giveUpMs?: number } = {},
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const quiet = setTimeout(onQuiet, quietMs);
    quiet.unref();
    const giveUp =
      giveUpMs === undefined
        ? undefined
        : setTimeout(() => {
            stop();
            // Not destroyed: that could close a descriptor the caller still writes to. Unref'd,
            // so the open pipe does not keep kirikae running after its answer.
            stream.pause();
            (stream as { unref?: () => void }).unref?.();
            resolve(undefined);
          }, giveUpMs);
    giveUp?.unref();
    const stop = (error?: Error) => {
      clearTimeout(quiet);
      clearTimeout(giveUp);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', stop);
      if (error) {
        (stream as { destroy?: () => void }).destroy?.();
        reject(error);
      }
    };
    const onData = (chunk: Buffer | string) => {
      clearTimeout(quiet);
      clearTimeout(giveUp);
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const nul = bytes.indexOf(0);
      if (nul >= 0) {
        stop(
          new Error(
            `stdin is binary data (a NUL byte at byte ${size + nul}), not text: pipe text, or name the file in the prompt`,
          ),
        );
        return;
      }
      size += bytes.length;
      if (size > MAX_STDIN_BYTES) {
        stop(
          new Error(
            `stdin is over ${MAX_STDIN_BYTES / 1024 / 1024} MiB: pipe a part of it (tail -n 500, grep …)`,
          ),
        );
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', stop);
  });
}
