// The trial's cores: one per run, built by the wiring's buildCore (passed in by cli.tsx, the
// only module that may import the wiring) on the run's worktree, with the run's session id.
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/schema.js';
import type { CommandIO } from '../commands/io.js';
import { loadTokenizer } from '../router/tokenizer.js';
import { readMemory } from '../telemetry/memory.js';
import type { buildCore } from '../wiring/build.js';
import type { TrialKit } from './run.js';

const OLLAMA_WAIT_MS = 10_000;

export function trialKit(build: typeof buildCore, io: CommandIO): TrialKit & { config(): Config } {
  return {
    config: () => loadConfig(io.env).config,
    async open(cwd, session) {
      const core = build({
        env: io.env,
        cwd,
        writeLedger: true,
        sessionId: session,
        notice: (level, text) => io.stderr.write(`kirikae trial: ${level}: ${text}\n`),
      });
      core.setMemory(await readMemory().catch(() => undefined));
      await Promise.all([core.local.ready(OLLAMA_WAIT_MS), loadTokenizer()]);
      return {
        routing: core.routing,
        runner: core.runner,
        turnLedger: core.turnLedger,
        close: () => core.close(),
      };
    },
  };
}
