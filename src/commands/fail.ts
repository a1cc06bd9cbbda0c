import { isKirikaeError } from '../core/errors.js';

/**
 * Every error ends as one clear line on stderr and a non-zero exit; the stack only with
 * KIRIKAE_DEBUG=1.
 */
export function reportFatal(
  error: unknown,
  stderr: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv,
): number {
  const line = isKirikaeError(error)
    ? error.describe()
    : error instanceof Error
      ? error.message
      : String(error);
  stderr.write(`kirikae: ${line}\n`);
  if (env.KIRIKAE_DEBUG === '1' && error instanceof Error && error.stack) {
    stderr.write(`${error.stack}\n`);
  }
  return isKirikaeError(error) && error.kind === 'config' ? 2 : 1;
}
