/**
 * Model calls under way, one small file each, so a call is booked even when kirikae dies in the
 * middle of it. A call is booked when it ends; after a `kill -9`, a crash or a closed laptop lid
 * that never happens, and a cloud call that streamed half an answer was paid for and missing
 * from the ledger. The file says what was sent and how much had streamed; the next kirikae that
 * opens the ledger books it from there, marked estimated, and removes the file.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRole, RouteDecision } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';

/** What a call under way has sent and received so far. */
export interface InflightCall {
  pid: number;
  session: string;
  task: string;
  turn: number;
  taskType?: TaskType;
  model: string;
  tier: Tier | null;
  role?: CallRole;
  decision: RouteDecision;
  fallbackHops: string[];
  /** ISO time the call was sent. */
  startedAt: string;
  /** ISO time of the last update: the call lasted at least until then. */
  updatedAt: string;
  promptChars: number;
  outputChars: number;
}

/** One call's marker: updated as text streams, removed when the call is booked. */
export interface InflightHandle {
  progress(outputChars: number): void;
  done(): void;
}

/** Output progress is written at most this often: a marker is a safety net, not a log. */
const WRITE_EVERY_MS = 1_000;

/**
 * A marker not updated for this long is a dead process's even if its pid runs again (reused
 * after a reboot): no call lasts an hour without a streamed character or a timeout.
 */
const STALE_MS = 60 * 60 * 1000;

/** `<ledgerDir>/inflight`. */
export function inflightDir(ledgerDir: string): string {
  return join(ledgerDir, 'inflight');
}

let sequence = 0;

export function startInflight(
  dir: string,
  call: Omit<InflightCall, 'pid' | 'startedAt' | 'updatedAt' | 'outputChars'>,
  now: () => number = Date.now,
): InflightHandle {
  const path = join(dir, `${process.pid}-${++sequence}.json`);
  const startedAt = new Date(now()).toISOString();
  let state: InflightCall = {
    ...call,
    pid: process.pid,
    startedAt,
    updatedAt: startedAt,
    outputChars: 0,
  };
  let writtenAt = 0;
  let closed = false;
  const write = (): void => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Whole or not at all: a half-written marker would be unreadable after a kill.
      writeFileSync(`${path}.tmp`, JSON.stringify(state), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
      writtenAt = now();
    } catch {
      // The marker is a safety net: a full disk must not stop the call.
    }
  };
  write();
  return {
    progress(outputChars) {
      if (closed) return;
      const first = state.outputChars === 0;
      state = { ...state, outputChars, updatedAt: new Date(now()).toISOString() };
      // The first text is written at once: an answer cut short is often short.
      if (first || now() - writtenAt >= WRITE_EVERY_MS) write();
    },
    done() {
      closed = true;
      rmSync(path, { force: true });
      rmSync(`${path}.tmp`, { force: true });
    },
  };
}

function isInflightCall(value: unknown): value is InflightCall {
  const v = value as Partial<InflightCall> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.pid === 'number' &&
    typeof v.session === 'string' &&
    typeof v.task === 'string' &&
    typeof v.turn === 'number' &&
    typeof v.model === 'string' &&
    typeof v.decision === 'string' &&
    Array.isArray(v.fallbackHops) &&
    typeof v.startedAt === 'string' &&
    typeof v.updatedAt === 'string' &&
    typeof v.promptChars === 'number' &&
    typeof v.outputChars === 'number'
  );
}

/** Whether a process still runs (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls whose process is gone, each handed to `book`; its marker is removed once booked (a
 * booking that throws leaves it for the next run). Markers of running processes are left.
 */
export function recoverInflight(
  dir: string,
  book: (call: InflightCall) => void,
  {
    alive = processAlive,
    now = Date.now,
  }: { alive?: (pid: number) => boolean; now?: () => number } = {},
): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return 0;
  }
  let booked = 0;
  for (const name of names) {
    const path = join(dir, name);
    let call: unknown;
    try {
      call = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    if (!isInflightCall(call)) {
      rmSync(path, { force: true });
      continue;
    }
    const stale = now() - Date.parse(call.updatedAt) > STALE_MS;
    if (!stale && alive(call.pid)) continue;
    // Claimed by renaming first, so two kirikaes starting at once do not both book it.
    const claimed = `${path}.${process.pid}.claimed`;
    try {
      renameSync(path, claimed);
    } catch {
      continue;
    }
    try {
      book(call);
      rmSync(claimed, { force: true });
      booked++;
    } catch {
      renameSync(claimed, path);
    }
  }
  return booked;
}
