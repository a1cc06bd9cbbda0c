// The composition root of the headless commands: each builds the same core as the screen, so
// `-p` runs the screen's turn pipeline and `kirikae route` shows the card's decision.
import { runPrint, type PrintArgs } from '../commands/print.js';
import { runRoute, type RouteArgs } from '../commands/route.js';
import type { CommandIO } from '../commands/io.js';
import { keepEncoderOff, loadTokenizer } from '../router/tokenizer.js';
import { readMemory } from '../telemetry/memory.js';
import { buildCore, type Core } from './build.js';
import { classifierFor } from './session-aids.js';
import { classifierCallFacts } from '../session/classifier-call.js';
import {
  lastSessionFor,
  loadSession,
  openSessionWriter,
  type SessionWriter,
} from '../agent/index.js';
import { dataDir } from '../config/paths.js';
import { KirikaeError } from '../core/errors.js';
import type { Message } from '../core/message.js';
import type { LedgerRecord } from '../core/records.js';
import type { TaskType } from '../core/task.js';

/**
 * How long a headless command waits for Ollama's first answer before routing without it: a
 * refused connection answers at once, so this only bounds a server that hangs. `-p` is about to
 * spend money and waits longer than `route`, which only shows a decision.
 */
const OLLAMA_WAIT_MS = { print: 10_000, route: 2_000, serve: 10_000 };
const MEMORY_WAIT_MS = 500;

/** The core of a command without a screen, ready to route: memory read, history and Ollama in. */
export async function headlessCore(
  io: CommandIO,
  command: 'print' | 'route' | 'serve',
  /** The session its ledger records belong to (`-p`'s transcript). */
  sessionId?: string,
): Promise<Core> {
  const core = buildCore({
    env: io.env,
    cwd: process.cwd(),
    writeLedger: command === 'route' ? 'on-demand' : true,
    sessionId: sessionId ?? (command === 'serve' ? 'gateway' : 'print'),
    waitOnRateLimits: command === 'print',
    notice: (level, text) =>
      io.stderr.write(`kirikae: ${level === 'info' ? '' : `${level}: `}${text}\n`),
  });
  for (const problem of core.problems) io.stderr.write(`kirikae: warning: ${problem}\n`);
  // One memory reading, so the memory budget applies as it does on the screen.
  const memory = await Promise.race([
    readMemory().catch(() => undefined),
    new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), MEMORY_WAIT_MS).unref(),
    ),
  ]);
  core.setMemory(memory);
  // `route` only shows a decision: the per-character-class estimate (within 2 % of the encoder on
  // held-out text) saves the encoder's ~0.4 s load, most of its start-up. Turns count exactly.
  if (command === 'route') keepEncoderOff();
  await Promise.all([
    // `route` needs the ledger's figures, not its records (ledger/router-figures.ts).
    command === 'route' ? core.loadRouterFigures() : core.loadHistory(),
    core.local.ready(OLLAMA_WAIT_MS[command]),
    command === 'route' ? undefined : loadTokenizer(),
  ]);
  return core;
}

/**
 * The transcript `-p` writes to: a new session, or with --continue the last one of this folder
 * (the screen's or an earlier `-p`'s), read back as the screen's --continue reads it.
 */
async function printSession(
  resume: boolean,
  cwd: string,
  io: CommandIO,
): Promise<{ writer: SessionWriter; messages: Message[] }> {
  const dir = dataDir(io.env);
  // An unwritable data folder loses the transcript, not the answer.
  const onError = (message: string) => io.stderr.write(`kirikae: warning: ${message}\n`);
  if (!resume)
    return { writer: openSessionWriter({ dataDir: dir, folder: cwd, onError }), messages: [] };
  const last = await lastSessionFor(cwd, dir);
  if (!last)
    throw new KirikaeError('config', 'No earlier session in this folder to continue', {
      hint: 'drop --continue to start one (kirikae sessions lists them)',
    });
  const { messages } = await loadSession(last.id, dir);
  return {
    writer: openSessionWriter({ dataDir: dir, folder: cwd, id: last.id, onError }),
    messages,
  };
}

/** The task type the session's last turn ran as, from its call records. */
function lastTaskTypeOf(records: readonly LedgerRecord[], session: string): TaskType | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type === 'call' && r.session === session && r.role !== 'classifier' && r.taskType)
      return r.taskType;
  }
  return undefined;
}

export async function print(args: PrintArgs, io: CommandIO): Promise<number> {
  const session = await printSession(args.continue === true, process.cwd(), io);
  const core = await headlessCore(io, 'print', session.writer.id);
  const previousTaskType = session.messages.length
    ? lastTaskTypeOf(core.history.records(), session.writer.id)
    : undefined;
  try {
    return await runPrint(
      args,
      {
        config: () => core.config.get(),
        cwd: core.cwd,
        conversation: {
          messages: session.messages,
          writer: session.writer,
          ...(previousTaskType ? { previousTaskType } : {}),
        },
        routing: core.routing,
        runner: core.runner,
        turnLedger: core.turnLedger,
        classify: classifierFor(core),
        bookClassifier: (call, at) => core.turnLedger.recordCall(classifierCallFacts(call, at)),
      },
      io,
    );
  } finally {
    core.close();
  }
}

export async function route(args: RouteArgs, io: CommandIO): Promise<number> {
  const core = await headlessCore(io, 'route');
  try {
    return await runRoute(
      args,
      {
        config: () => core.config.get(),
        routing: core.routing,
        classify: classifierFor(core),
        book: (call, taskType) =>
          core.turnLedger.recordCall(
            classifierCallFacts(call, { task: 'route', turn: 0, taskType }),
          ),
      },
      io,
    );
  } finally {
    core.close();
  }
}
