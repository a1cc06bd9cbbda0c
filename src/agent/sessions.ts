/**
 * Transcripts: one JSONL file per session in `<dataDir>/sessions/<id>.jsonl`. The first line is
 * a header naming the workspace folder; every message and event after it is one appended line.
 * A torn line (a crash mid-write) is skipped on read, never fatal.
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dataDir as defaultDataDir } from '../config/paths.js';
import { KirikaeError } from '../core/errors.js';
import { processAlive } from '../core/process-alive.js';
import { redact as redactSecrets } from '../core/secrets.js';
import type { Message, ToolResultMessage } from '../core/message.js';

interface HeaderLine {
  v: 1;
  type: 'session';
  id: string;
  folder: string;
  started: string;
}
interface MessageLine {
  type: 'message';
  ts: string;
  message: Message;
}
interface EventLine {
  type: 'event';
  ts: string;
  event: Record<string, unknown>;
}
type SessionLine = HeaderLine | MessageLine | EventLine;

export interface SessionInfo {
  id: string;
  folder: string;
  /** ISO time of the header. */
  started: string;
  /** ISO time of the last line. */
  lastActivity: string;
  /** User prompts in the transcript. */
  turns: number;
  firstPrompt?: string;
  path: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

export function sessionsDir(dataDir: string): string {
  return join(dataDir, 'sessions');
}

/** Sortable and readable: `20260121-215512-3fa9c2`. */
export function newSessionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function sessionPath(dataDir: string, id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new KirikaeError('not_found', `"${id}" is not a session id`, {
      hint: 'kirikae sessions lists them',
    });
  }
  return join(sessionsDir(dataDir), `${id}.jsonl`);
}

/** A session held open by one kirikae, so two never write one transcript at once. */
export type SessionLock = { release(): void } | { heldBy: number };

/**
 * Takes `<id>.lock` for this process: a screen holds its session while open, and `-p` while its
 * turn runs. Two writers interleaved one transcript (user, user, answer, answer) and numbered
 * two turns alike. A lock whose process died is taken over. Where no lock can be made (a
 * read-only data folder) nothing can be written either: the transcript writer says so, and the
 * lock is an empty one rather than an error.
 */
export function lockSession(dataDir: string, id: string): SessionLock {
  const path = sessionPath(dataDir, id).replace(/\.jsonl$/, '.lock');
  try {
    mkdirSync(sessionsDir(dataDir), { recursive: true, mode: PRIVATE_DIR });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx', mode: PRIVATE_FILE });
        let held = true;
        const release = (): void => {
          if (!held) return;
          held = false;
          process.off('exit', release);
          rmSync(path, { force: true });
        };
        process.once('exit', release);
        return { release };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(path, 'utf8').trim());
        if (holder !== process.pid && processAlive(holder)) return { heldBy: holder };
        // Its process is gone (or it is ours from a run that died with our pid): take it over.
        rmSync(path, { force: true });
      }
    }
  } catch {
    // Unwritable, or lost a race twice: go on unlocked, as the writer goes on unsaved.
  }
  return { release: () => {} };
}

export interface SessionWriter {
  readonly id: string;
  readonly folder: string;
  readonly path: string;
  appendMessage(message: Message): void;
  appendMessages(messages: readonly Message[]): void;
  appendEvent(event: Record<string, unknown>): void;
}

/**
 * Opens a transcript for appending: a new one, or (with the id of an existing one, for
 * --continue) the same file. The header is written with the first line, so a session that
 * never got a prompt leaves no file behind.
 */
export function openSessionWriter(options: {
  dataDir: string;
  folder: string;
  id?: string;
  now?: () => Date;
  /** Applied to every line written; by default kirikae's known key values are redacted. */
  redact?: (text: string) => string;
  /**
   * Told once when a line cannot be written (a full disk, a read-only data folder); the turn
   * goes on unsaved. Without it the write error is thrown.
   */
  onError?: (message: string) => void;
}): SessionWriter {
  const now = options.now ?? (() => new Date());
  const redact = options.redact ?? ((text: string) => redactSecrets(text));
  const id = options.id ?? newSessionId(now());
  const path = sessionPath(options.dataDir, id);
  const folder = resolve(options.folder);
  let headerWritten = options.id !== undefined && fileHasContent(path);
  // A crash may have left half a line: the next line must not be glued onto it.
  if (headerWritten && !endsWithNewline(path)) appendLine(path, '');
  if (headerWritten) lockDown(options.dataDir, path);

  let reported = false;
  const write = (line: (ts: string) => SessionLine): void => {
    if (!options.onError) return writeLine(line);
    try {
      writeLine(line);
    } catch (error) {
      if (reported) return;
      reported = true;
      options.onError(
        `The session cannot be saved (${path}): ${error instanceof Error ? error.message : String(error)}. The conversation goes on, unsaved`,
      );
    }
  };
  const writeLine = (line: (ts: string) => SessionLine): void => {
    const ts = now().toISOString();
    if (!headerWritten) {
      mkdirSync(sessionsDir(options.dataDir), { recursive: true, mode: PRIVATE_DIR });
      const header: HeaderLine = { v: 1, type: 'session', id, folder, started: ts };
      appendLine(path, JSON.stringify(header));
      lockDown(options.dataDir, path);
      headerWritten = true;
    }
    // Redacted after serialising: a key inside a tool result or an error is caught as well.
    appendLine(path, redact(JSON.stringify(line(ts))));
  };

  return {
    id,
    folder,
    path,
    appendMessage: (message) => write((ts) => ({ type: 'message', ts, message })),
    appendMessages(messages) {
      for (const message of messages) this.appendMessage(message);
    },
    appendEvent: (event) => write((ts) => ({ type: 'event', ts, event })),
  };
}

/** Transcripts hold code and command output: readable by their owner only. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** One appendFileSync per line: each line reaches the OS whole before the next begins. */
function appendLine(path: string, text: string): void {
  appendFileSync(path, `${text}\n`, { mode: PRIVATE_FILE });
}

/** Folders and files made before this rule (or by a umask) are narrowed too. */
function lockDown(dataDir: string, path: string): void {
  try {
    chmodSync(sessionsDir(dataDir), PRIVATE_DIR);
    chmodSync(path, PRIVATE_FILE);
  } catch {
    // A file system without modes (FAT, some mounts): nothing more to do.
  }
}

function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, statSync(path).size - 1);
    return last[0] === 10;
  } finally {
    closeSync(fd);
  }
}

function fileHasContent(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

/** `/clear`: what came before it is not the conversation any more, on resume either. */
function isClear(line: SessionLine): boolean {
  return line.type === 'event' && line.event?.kind === 'clear';
}

/** Parses a transcript, skipping lines that do not parse (a torn last line). */
export function parseTranscript(text: string): SessionLine[] {
  const lines: SessionLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const value = JSON.parse(raw) as SessionLine;
      if (value && typeof value === 'object' && typeof value.type === 'string') lines.push(value);
    } catch {
      // torn or foreign line
    }
  }
  return lines;
}

function infoOf(lines: SessionLine[], path: string): SessionInfo | undefined {
  const header = lines[0];
  if (!header || header.type !== 'session') return undefined;
  let turns = 0;
  let firstPrompt: string | undefined;
  let lastActivity = header.started;
  for (const line of lines.slice(1)) {
    if (line.type === 'session') continue;
    if (typeof line.ts === 'string') lastActivity = line.ts;
    if (isClear(line)) {
      turns = 0;
      firstPrompt = undefined;
    }
    if (line.type === 'message' && line.message?.role === 'user') {
      turns++;
      firstPrompt ??= line.message.content;
    }
  }
  return {
    id: header.id,
    folder: header.folder,
    started: header.started,
    lastActivity,
    turns,
    ...(firstPrompt !== undefined ? { firstPrompt } : {}),
    path,
  };
}

/** Every session with at least a header, most recent activity first. */
export async function listSessions(dataDir: string = defaultDataDir()): Promise<SessionInfo[]> {
  const dir = sessionsDir(dataDir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const infos = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const text = await readFile(path, 'utf8').catch(() => '');
      return infoOf(parseTranscript(text), path);
    }),
  );
  return infos
    .filter((i): i is SessionInfo => i !== undefined)
    .sort((a, b) =>
      a.lastActivity < b.lastActivity ? 1 : a.lastActivity > b.lastActivity ? -1 : 0,
    );
}

function sameFolder(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The most recently active session started in `folder` (for `kirikae --continue`). */
export async function lastSessionFor(
  folder: string,
  dataDir: string = defaultDataDir(),
): Promise<SessionInfo | undefined> {
  return (await listSessions(dataDir)).find((s) => sameFolder(s.folder, folder));
}

/** What a resumed history says where the app died before any answer came. */
export const NO_ANSWER = '(No answer: the session ended before one came.)';

/**
 * What the history says where a turn ended without a word of answer (stopped, or failed on every
 * route): without it the next prompt followed this one as a second user message in a row, which
 * the model reads as one message asking both.
 */
export function noAnswer(error: KirikaeError): string {
  return error.kind === 'aborted'
    ? '(No answer: the user stopped the turn before one came.)'
    : `(No answer: the request failed, ${error.kind}.)`;
}

/**
 * A history that ends in the middle of a tool round (the app died while a tool ran) gets a
 * result for every call left unanswered: the APIs reject a tool call without its result. A
 * prompt the app died on before anything was saved (killed at an approval dialog, mid-answer)
 * gets an answer saying so: the next prompt would otherwise be merged into it, one message
 * asking two things, and the resumed screen would show the prompt as if it had been answered.
 */
export function repairHistory(messages: readonly Message[]): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    out.push(message);
    if (message.role === 'user' && (messages[i + 1] ?? { role: 'user' }).role === 'user') {
      out.push({ role: 'assistant', content: NO_ANSWER });
      continue;
    }
    if (message.role !== 'assistant' || !message.toolCalls?.length) continue;
    const answered = new Set<string>();
    for (let j = i + 1; j < messages.length && messages[j]!.role === 'tool'; j++) {
      answered.add((messages[j] as ToolResultMessage).toolCallId);
    }
    const missing = message.toolCalls.filter((call) => !answered.has(call.id));
    let insertAt = i + 1;
    while (insertAt < messages.length && messages[insertAt]!.role === 'tool') {
      out.push(messages[insertAt]!);
      insertAt++;
    }
    for (const call of missing) {
      out.push({
        role: 'tool',
        toolCallId: call.id,
        toolName: call.name,
        content: 'Not run: the session ended before this tool call finished.',
        isError: true,
      });
    }
    i = insertAt - 1;
  }
  return out;
}

export interface LoadedSession {
  info: SessionInfo;
  messages: Message[];
  events: Record<string, unknown>[];
}

/** A session's history, ready to continue with. */
export async function loadSession(
  id: string,
  dataDir: string = defaultDataDir(),
): Promise<LoadedSession> {
  const path = sessionPath(dataDir, id);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new KirikaeError('not_found', `No session ${id}`, {
      hint: 'kirikae sessions lists them',
    });
  }
  const lines = parseTranscript(text);
  const info = infoOf(lines, path);
  if (!info) {
    throw new KirikaeError('bad_response', `Session ${id} has no header line`, {
      hint: `The file ${path} is damaged; start a new session`,
    });
  }
  const messages: Message[] = [];
  const events: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (isClear(line)) {
      messages.length = 0;
      events.length = 0;
    } else if (line.type === 'message' && line.message && typeof line.message.role === 'string') {
      messages.push(line.message);
    } else if (line.type === 'event' && line.event) {
      events.push(line.event);
    }
  }
  return { info, messages: repairHistory(messages), events };
}
