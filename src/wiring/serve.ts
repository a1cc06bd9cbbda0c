// The composition root of `kirikae serve`: the same core as the screen and `-p`, so gateway
// requests take the one turn pipeline's routing, fallback, pricing, budget guard and ledger.
import { runServe, type ServeArgs } from '../commands/serve.js';
import type { CommandIO } from '../commands/io.js';
import type { Gateway } from '../gateway/server.js';
import { readMemory } from '../telemetry/memory.js';
import { configStamp, watchConfig } from './config-watch.js';
import { headlessCore } from './headless.js';
import { gatewayCache } from './session-aids.js';

/** The memory budget reads a fresh figure: the gateway runs for hours while models come and go. */
const MEMORY_EVERY_MS = 5_000;

export async function serve(args: ServeArgs, io: CommandIO): Promise<number> {
  // Stamped before the core reads the file: a `config set` while it starts is not missed.
  const since = configStamp(io.env);
  const core = await headlessCore(io, 'serve');
  const timer = setInterval(
    () =>
      void readMemory().then(
        (m) => core.setMemory(m),
        () => undefined,
      ),
    MEMORY_EVERY_MS,
  );
  timer.unref();
  const unwatch = watchConfig(
    core.config,
    io.env,
    (line) => io.stderr.write(`kirikae: ${line}\n`),
    { since },
  );
  const cache = gatewayCache(core, (text) => io.stderr.write(`kirikae: ${text}\n`));
  const untilSignal = (_gateway: Gateway): Promise<void> =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  try {
    return await runServe(
      args,
      {
        config: () => core.config.get(),
        routing: core.routing,
        runner: core.runner,
        // The session override a screen on this same core has set (none in a bare `serve`).
        pinned: () => core.router.override,
        ...(cache ? { cache } : {}),
      },
      io,
      untilSignal,
    );
  } finally {
    clearInterval(timer);
    unwatch();
    // Answers still queued for a shared Redis store go out before the process ends.
    await cache?.cache.close();
    core.close();
  }
}
