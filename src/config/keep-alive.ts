import { z } from 'zod';

/**
 * `local.keepAlive` as Ollama parses `keep_alive` (ollama/ollama api/types.go,
 * Duration.UnmarshalJSON): a JSON number is seconds, a negative one means "keep loaded
 * forever"; a string goes to Go's time.ParseDuration (src/time/format.go): an optional sign,
 * then "0" alone or one or more `<number><unit>` with units ns, us, µs, μs, ms, s, m, h and no
 * `d`. Anything else makes every local request fail with HTTP 400, so it is refused here.
 */
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

export function isOllamaKeepAlive(value: string | number): boolean {
  return typeof value === 'number' ? Number.isFinite(value) : GO_DURATION.test(value);
}

export const keepAliveSchema = z.union([z.string(), z.number()]).refine(isOllamaKeepAlive, {
  message:
    'not a duration Ollama accepts: use Go units ns, us, ms, s, m, h (e.g. "30m", "24h" — no "d"), ' +
    'a number of seconds (3600), or -1 to keep the model loaded',
});
