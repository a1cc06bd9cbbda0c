// How a screen port reports: every call resolves to a value, and a failure comes back as the
// one line to show (KirikaeError.describe()), so nothing ever throws into React.
import { isKirikaeError } from '../../core/errors.js';
import { toOllamaError } from '../../local/index.js';

/** A port call's outcome: the value, or the one line to show instead. */
export type PortResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One line for any failure; an unreachable server gets the exact fix to run. */
export function describeFailure(error: unknown, host: string, model?: string): string {
  const err = isKirikaeError(error) ? error : toOllamaError(error, host, model);
  if (err.kind === 'network' && err.message.startsWith('Cannot reach')) {
    return `Ollama not reachable at ${host}: start \`ollama serve\` or set OLLAMA_HOST`;
  }
  return err.describe();
}

/** Runs one Ollama call for a screen: its value, or its failure as one line. */
export async function attempt<T>(
  host: string,
  model: string | undefined,
  fn: () => Promise<T>,
): Promise<PortResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: describeFailure(error, host, model) };
  }
}
