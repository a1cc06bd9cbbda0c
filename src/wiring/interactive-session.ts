import { PROVIDER_IDS } from '../core/model-ref.js';
import { isKirikaeError } from '../core/errors.js';
import { parseTier } from '../core/tier.js';
import {
  configRuleWriter,
  lastSessionFor,
  loadSession,
  lockSession,
  openSessionWriter,
} from '../agent/index.js';
import type { Message } from '../core/message.js';
import { dataDir } from '../config/paths.js';
import { providerSetup } from '../providers/index.js';
import { loadTokenizer } from '../router/tokenizer.js';
import { createScreenPorts } from '../session/ports/screen-ports.js';
import type { Session } from '../session/session.js';
import { readPower } from '../telemetry/power.js';
import { startMemorySampler, startSampler } from '../telemetry/sampler.js';
import { TokRateTracker } from '../telemetry/tok-rate.js';
import type { AppHandle } from '../ui/render.js';
import type { BootController } from './boot.js';
import { buildCore, buildSession } from './build.js';
import type { InteractiveOptions } from './interactive.js';

/** macmon itself samples for 500 ms: every few seconds is plenty for an energy estimate. */
const POWER_INTERVAL_MS = 5_000;
/** The first route waits this long for Ollama's inventory (loopback answers in milliseconds). */
const FIRST_ROUTE_WAIT_MS = 300;

function describe(error: unknown): string {
  if (isKirikaeError(error)) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

async function restore(
  cwd: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Promise<{ messages?: Message[]; id?: string }> {
  const last = await lastSessionFor(cwd, dataDir(env)).catch(() => undefined);
  if (!last) {
    problems.push('No earlier session in this folder: starting a new one');
    return {};
  }
  const session = await loadSession(last.id, dataDir(env)).catch((error: unknown) => {
    problems.push(`Could not resume ${last.id}: ${describe(error)}`);
    return undefined;
  });
  return session ? { messages: session.messages, id: last.id } : {};
}

/**
 * The screen's session, built after the first frame (wiring/interactive.ts): the core, the
 * session on top of it, handed to the Ink screen drawn so far from the boot stand-in. Nothing
 * here waits on the network: Ollama and the ledger history load in the background.
 */
export async function runSession(
  options: InteractiveOptions,
  screen: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    branch?: string;
    boot: BootController;
    app: AppHandle;
  },
): Promise<number> {
  const { env, cwd, app } = screen;
  const problems: string[] = [];
  let resumed = options.continueSession ? await restore(cwd, env, problems) : {};
  // The session is held while the screen is open: a `-p -c` meanwhile would interleave its turns.
  if (resumed.id) {
    const lock = lockSession(dataDir(env), resumed.id);
    if ('heldBy' in lock) {
      problems.push(
        `Session ${resumed.id} is open in another kirikae (pid ${lock.heldBy}): starting a new one`,
      );
      resumed = {};
    }
  }
  const transcript = openSessionWriter({
    dataDir: dataDir(env),
    folder: cwd,
    id: resumed.id,
    // A full disk or a read-only data folder loses the transcript, not the session.
    onError: (message) => notice('error', message),
  });
  // Released when the process exits.
  if (!resumed.id) lockSession(dataDir(env), transcript.id);

  // Notices that arrive while the session is being built are shown once it exists.
  const sink: { session?: Session; early: [level: 'info' | 'warn' | 'error', text: string][] } = {
    early: [],
  };
  const notice = (level: 'info' | 'warn' | 'error', text: string): void =>
    sink.session ? sink.session.notify(level, text) : void sink.early.push([level, text]);
  // Power only on macOS with macmon on PATH (no sudo); elsewhere config watts are used.
  const power = startSampler({ read: () => readPower(), intervalMs: POWER_INTERVAL_MS });
  const tokRates = new TokRateTracker();
  const core = buildCore({
    env,
    cwd,
    writeLedger: true,
    sessionId: transcript.id,
    notice,
    persistPermission: configRuleWriter(env),
    watts: () => power.latest()?.sysWatts ?? power.latest()?.allWatts,
    tokRates,
    waitOnRateLimits: true,
  });

  const missingKeys = PROVIDER_IDS.filter((id) => id !== 'ollama')
    .map((id) => providerSetup(id, env))
    .filter((s) => !s.keySet && s.keyVar)
    .map((s) => s.keyVar!);
  if (missingKeys.length === PROVIDER_IDS.length - 1) {
    problems.push(
      `No cloud keys set: export ${missingKeys.join(' / ')} to use cloud tiers (kirikae doctor explains)`,
    );
  }

  let resolveExit: () => void = () => {};
  const exited = new Promise<void>((resolve) => (resolveExit = resolve));
  // A resumed conversation shows its turn lines, which come from the ledger: read it first.
  const history = resumed.messages ? core.loadHistory() : undefined;
  if (history) await history;
  const session = buildSession(core, {
    sessionId: transcript.id,
    ...(screen.branch ? { branch: screen.branch } : {}),
    setupProblems: problems,
    transcript,
    ...(resumed.messages ? { restored: resumed.messages } : {}),
    yes: options.yes === true,
    modelClassifier: true,
    onExit: () => resolveExit(),
  });
  sink.session = session;
  for (const [level, text] of sink.early) session.notify(level, text);
  if (options.model) session.setModelOverride(options.model, 'session');
  else if (options.tier !== undefined) session.setTierOverride(parseTier(options.tier), 'session');
  if (options.yes)
    session.notify(
      'warn',
      '--yes: every tool call that would ask is approved (deny rules still apply)',
    );

  const ports = createScreenPorts({
    tokRates,
    config: core.config.get(),
    env,
    memory: () => core.memory(),
    local: core.local,
  });
  const { createScreenRenderers } = await import('../ui/screens/index.js');
  app.show({
    controller: session,
    keymap: core.config.get().ui.keymap,
    screens: createScreenRenderers(ports),
  });
  screen.boot.handOver(session);
  // The first reading (a /proc read, or vm_stat and sysctl spawned on macOS) after the first
  // frame.
  const sampler = startMemorySampler({ intervalMs: 1_000, onSample: (s) => core.setMemory(s) });
  // Everything that talks to Ollama or parses megabytes waits until the first frame is out.
  void core.local.ready(FIRST_ROUTE_WAIT_MS * 10).then(() => {
    const problem = core.local.unavailableReason();
    if (problem) session.notify('warn', `${problem}. Local routes are off until it answers.`);
  });
  if (!history) void core.loadHistory();
  session.start();
  // The encoder is ~30 MB of heap: it loads when the first key is typed, not at start, so an idle
  // screen stays small; a prompt takes longer to type than the encoder to load, and routing
  // estimates from length until it is ready. 'readable' is how Ink itself reads stdin: a second
  // listener of that kind takes nothing from it (a 'data' listener would switch it to flowing).
  process.stdin.once('readable', () => void loadTokenizer());

  await Promise.race([exited, app.waitUntilExit()]);
  app.unmount();
  session.stop();
  sampler.stop();
  power.stop();
  ports.close();
  core.close();
  return 0;
}
