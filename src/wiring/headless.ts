// The composition root of the headless commands: each builds the same core as the screen, so
// `-p` runs the screen's turn pipeline and `kirikae route` shows the card's decision.
import { resolve, sep } from 'node:path';
import { runPrint, writeErrorJson, type PrintArgs } from '../commands/print.js';
import { runRoute, type RouteArgs } from '../commands/route.js';
import type { CommandIO } from '../commands/io.js';
import { keepEncoderOff, loadTokenizer } from '../router/tokenizer.js';
import { readMemory } from '../telemetry/memory.js';
import { buildCore, type Core } from './build.js';
import { classifierFor } from './session-aids.js';
import { classifierCallFacts } from '../session/classifier-call.js';
import {
  lastSessionFor,
  listSessions,
  loadSession,
  lockSession,
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
 * (the screen's or an earlier `-p`'s), read back as the screen's --continue reads it, and held
 * while the turn runs (a screen still open on it, or another `-p -c`, is refused).
 */
async function printSession(
  resume: boolean,
  cwd: string,
  io: CommandIO,
): Promise<{ writer: SessionWriter; messages: Message[]; release: () => void }> {
  const dir = dataDir(io.env);
  // An unwritable data folder loses the transcript, not the answer.
  const onError = (message: string) => io.stderr.write(`kirikae: warning: ${message}\n`);
  const hold = (id: string): (() => void) => {
    const lock = lockSession(dir, id);
    if ('heldBy' in lock)
      throw new KirikaeError(
        'config',
        `This folder's last session is open in another kirikae (pid ${lock.heldBy}): two writers would interleave its turns`,
        { hint: 'Wait for it to finish or quit it, or drop --continue to start a new session' },
      );
    return lock.release;
  };
  if (!resume) {
    const writer = openSessionWriter({ dataDir: dir, folder: cwd, onError });
    return { writer, messages: [], release: hold(writer.id) };
  }
  const last = await lastSessionFor(cwd, dir);
  if (!last) {
    // Sessions belong to the folder they started in: one begun at the repository's root is not
    // this subfolder's. Say where it is rather than only that there is none here.
    const above = (await listSessions(dir)).find((info) =>
      resolve(cwd).startsWith(`${resolve(info.folder)}${sep}`),
    );
    throw new KirikaeError('config', 'No earlier session in this folder to continue', {
      hint: above
        ? `The last one above it is in ${above.folder}: run kirikae -p -c there, or drop --continue to start one here`
        : 'Drop --continue to start one (kirikae sessions lists them)',
    });
  }
  const release = hold(last.id);
  try {
    const { messages } = await loadSession(last.id, dir);
    const writer = openSessionWriter({ dataDir: dir, folder: cwd, id: last.id, onError });
    return { writer, messages, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** The task type the session's last turn ran as, and its highest turn number, from the ledger. */
function lastTurnOf(
  records: readonly LedgerRecord[],
  session: string,
): { taskType?: TaskType; turn: number } {
  let taskType: TaskType | undefined;
  let turn = 0;
  for (const r of records) {
    if (r.type !== 'call' || r.session !== session) continue;
    turn = Math.max(turn, r.turn);
    if (r.role !== 'classifier' && r.taskType) taskType = r.taskType;
  }
  return { ...(taskType ? { taskType } : {}), turn };
}

export async function print(args: PrintArgs, io: CommandIO): Promise<number> {
  let session: Awaited<ReturnType<typeof printSession>>;
  try {
    session = await printSession(args.continue === true, process.cwd(), io);
  } catch (error) {
    writeErrorJson(args, error, io);
    throw error;
  }
  try {
    const core = await headlessCore(io, 'print', session.writer.id);
    // Numbered after the ledger's last turn too: after a /clear the transcript holds fewer.
    const last = session.messages.length
      ? lastTurnOf(core.history.records(), session.writer.id)
      : { turn: 0 };
    try {
      return await runPrint(
        args,
        {
          config: () => core.config.get(),
          cwd: core.cwd,
          conversation: {
            messages: session.messages,
            writer: session.writer,
            lastTurn: last.turn,
            ...(last.taskType ? { previousTaskType: last.taskType } : {}),
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
  } finally {
    session.release();
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
