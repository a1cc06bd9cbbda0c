/**
 * Model calls under way, one small file each, so a call is booked even when kirikae dies in the
 * middle of it. A call is booked when it ends; after a `kill -9`, a crash or a closed laptop lid
 * that never happens, and a cloud call that streamed half an answer was paid for and missing
 * from the ledger. The file says what was sent and how much had streamed; the next kirikae that
 * opens the ledger books it from there, marked estimated, and removes the file.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { processAlive } from '../core/process-alive.js';
import type { CallRole, RouteDecision } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';

/** What a call under way has sent and received so far. */
export interface InflightCall {
  pid: number;
  /** This process's random token: a marker with our pid but another token is a dead run's. */
  run: string;
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
  /**
   * Tokens of the prompt the provider likely holds in its cache: the previous call of this
   * conversation on this model (what it read and wrote to the cache, and its fresh input).
   */
  cachedTokens?: number;
  outputChars: number;
}

/** What a call's marker starts from; the rest is filled in as it runs. */
export type InflightStart = Omit<
  InflightCall,
  'pid' | 'run' | 'startedAt' | 'updatedAt' | 'outputChars'
>;

/** One call's marker: updated as text streams, removed when the call is booked. */
export interface InflightHandle {
  progress(outputChars: number): void;
  done(): void;
}

/** Output progress is written at most this often: a marker is a safety net, not a log. */
const WRITE_EVERY_MS = 1_000;

/**
 * A marker not updated for this long is a dead process's even if its pid runs again (reused
 * after a reboot). Long, so that a laptop asleep mid-call for a night is not booked twice (by the
 * next kirikae, then by the woken call); a reused pid only delays the booking.
 */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Names this process's markers: a container's kirikae is pid 1 every time, so the pid alone
 * would make a dead run's marker look like ours, and our first call would overwrite it.
 */
const RUN = randomBytes(6).toString('hex');

/** `<ledgerDir>/inflight`. */
export function inflightDir(ledgerDir: string): string {
  return join(ledgerDir, 'inflight');
}

let sequence = 0;

/** This process's calls under way: a SIGTERM writes their latest state before the exit. */
const live = new Set<() => void>();

/**
 * Writes every call under way as it stands now (the streamed count is otherwise up to a second
 * old), for a closed terminal or a `kill`: the process exits next, and the next kirikae books
 * them. Synchronous, so it finishes before the exit.
 */
export function flushLiveMarkers(): void {
  for (const flush of live) flush();
}

export function startInflight(
  dir: string,
  call: InflightStart,
  now: () => number = Date.now,
): InflightHandle {
  const path = join(dir, `${process.pid}-${RUN}-${++sequence}.json`);
  const startedAt = new Date(now()).toISOString();
  const state: InflightCall = {
    ...call,
    pid: process.pid,
    run: RUN,
    startedAt,
    updatedAt: startedAt,
    outputChars: 0,
  };
  // Progress comes with every streamed chunk (a hot path): it only notes the figures; the
  // timestamp is formatted when the marker is written.
  let updatedMs = 0;
  let writtenAt = 0;
  let closed = false;
  const write = (): void => {
    try {
      if (updatedMs) state.updatedAt = new Date(updatedMs).toISOString();
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
  live.add(write);
  return {
    progress(outputChars) {
      if (closed) return;
      const first = state.outputChars === 0;
      state.outputChars = outputChars;
      updatedMs = now();
      // The first text is written at once: an answer cut short is often short.
      if (first || updatedMs - writtenAt >= WRITE_EVERY_MS) write();
    },
    done() {
      closed = true;
      live.delete(write);
      try {
        rmSync(path, { force: true });
        rmSync(`${path}.tmp`, { force: true });
      } catch {
        // Left behind, the next run books it again: rare (the folder made unwritable meanwhile).
      }
    },
  };
}

function isInflightCall(value: unknown): value is InflightCall {
  const v = value as Partial<InflightCall> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.pid === 'number' &&
    typeof v.run === 'string' &&
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

/** A marker's writer still runs: this process (by its token), or another live process. */
function runAlive(pid: number, run?: string): boolean {
  return pid === process.pid ? run === RUN : processAlive(pid);
}

function renameQuietly(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // Another kirikae got there first.
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
    alive = runAlive,
    now = Date.now,
  }: { alive?: (pid: number, run?: string) => boolean; now?: () => number } = {},
): number {
  const gone = (pid: number, run?: string) => !alive(pid, run);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  // What a kill between two renames leaves: a claim whose claimer died goes back to be booked,
  // a half-written marker of a dead process goes.
  for (const name of names) {
    const claim = /^(.+\.json)\.(\d+)\.claimed$/.exec(name);
    if (claim && gone(Number(claim[2]))) renameQuietly(join(dir, name), join(dir, claim[1]!));
    const tmp = /^(\d+)-([0-9a-f]+)-\d+\.json\.tmp$/.exec(name);
    if (tmp && gone(Number(tmp[1]), tmp[2])) rmSync(join(dir, name), { force: true });
  }
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
    if (!stale && !gone(call.pid, call.run)) continue;
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
