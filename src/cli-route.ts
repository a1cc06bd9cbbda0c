// `kirikae route "<prompt>" [--json]`, the launcher's cached fast path (bin/code-cache.js): the
// same route() the CLI's `route` command calls, built as one CommonJS file whose compiled code
// V8 can cache between runs. Node 20 has no compile cache for ES modules, and compiling the
// bundle's chunks was the largest part of a cold `kirikae route`. Anything but that exact shape
// (root options, --help, a prompt that starts with `-`) goes through the CLI in cli.tsx.
import { reportFatal } from './commands/fail.js';
import { processIO } from './commands/io.js';
import { sudoRefusal } from './commands/sudo.js';
import { exitOnTermination } from './commands/termination.js';
import { route } from './wiring/headless.js';

export async function routeCommand(prompt: string, json: boolean): Promise<void> {
  // route starts no processes: the signal's exit code is all there is to match.
  exitOnTermination();
  const io = processIO();
  const refusal = sudoRefusal(io.env);
  if (refusal) {
    io.stderr.write(`${refusal}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    process.exitCode = await route({ prompt, json, model: undefined, tier: undefined }, io);
  } catch (error) {
    process.exitCode = reportFatal(error, io.stderr, io.env);
  }
}
