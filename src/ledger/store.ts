import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../config/paths.js';
import { KirikaeError } from '../core/errors.js';
import type { CallRecord, LedgerRecord, TaskRecord, VerifyRecord } from '../core/records.js';
import {
  encodeRecord,
  LineDecoder,
  visitBytes,
  type ReadResult,
  type RecordVisitor,
} from './codec.js';
import { addToSpend, copySpend, emptyMonthSpend, type MonthSpend } from './spend.js';
import { isMonth, monthOfDate, monthOfTs, monthsBetween } from './time.js';

/*
 * Append-only JSONL, one file per UTC month: `<dataDir>/ledger/YYYY-MM.jsonl`.
 *
 * Each record is one write(2) on a descriptor opened with O_APPEND. On a local file system
 * the kernel moves the offset to the end and copies the bytes in one step, so lines from two
 * kirikae processes never interleave, and a record is in the page cache (safe from a crash of
 * the process) as soon as writeSync returns. fsync, which also survives power loss, costs
 * milliseconds per record on most disks and is opt-in.
 */

export type { ReadResult } from './codec.js';
export type { MonthSpend } from './spend.js';

export interface LedgerOptions {
  /** fdatasync after every record (survives power loss; slower). Default false. */
  fsync?: boolean;
  /** Clock used for the start-up check (tests). */
  now?: () => Date;
}

export interface Ledger {
  readonly dir: string;
  /** Appends one record (validated, unknown fields stripped). Throws if it cannot be written. */
  append(record: LedgerRecord): void;
  recordCall(record: CallRecord): void;
  recordVerify(record: VerifyRecord): void;
  recordTask(record: TaskRecord): void;
  readMonth(month: string): Promise<ReadResult>;
  /** Records with `from <= ts < to`. */
  readRange(from: Date | string, to: Date | string): Promise<ReadResult>;
  /**
   * The month's spend for the budget guard. The first call reads the file; later calls parse
   * only the bytes appended since (by this or any other process), so it stays cheap.
   */
  monthSpend(month: string): MonthSpend;
  close(): void;
}

/** `<dataDir>/ledger`, honouring KIRIKAE_DATA_DIR. */
export function ledgerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'ledger');
}

export function monthFile(dir: string, month: string): string {
  if (!isMonth(month)) throw new RangeError(`"${month}" is not a YYYY-MM month`);
  return join(dir, `${month}.jsonl`);
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

function ioError(message: string, cause: unknown): KirikaeError {
  return new KirikaeError('config', `${message} (${errorCode(cause)})`, {
    hint: 'Fix the folder permissions or free disk space, or set KIRIKAE_DATA_DIR to a writable folder',
    cause,
  });
}

/** Bytes per read: few round trips to the thread pool, and two buffers of it stay cheap. */
const READ_BLOCK = 1024 * 1024;

/**
 * Feeds the file from `start` to `decoder` block by block; returns the position it stopped
 * at, or undefined when there is no file. Two buffers take
 * turns: the next block is read (on libuv's thread pool, so on the other core) while this one
 * is decoded, and the I/O costs the main thread almost nothing.
 */
async function readInto(
  path: string,
  decoder: LineDecoder,
  end = Number.POSITIVE_INFINITY,
  start = 0,
): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw ioError(`Cannot read ledger file ${path}`, error);
  }
  const buffers = [Buffer.allocUnsafe(READ_BLOCK), Buffer.allocUnsafe(READ_BLOCK)];
  let position = start;
  let turn = 0;
  const blockAt = (at: number) => Math.max(0, Math.min(READ_BLOCK, end - at));
  let next = handle.read(buffers[turn]!, 0, blockAt(position), position);
  try {
    for (;;) {
      let block: Buffer;
      try {
        const { bytesRead, buffer } = await next;
        block = buffer.subarray(0, bytesRead);
      } catch (error) {
        throw ioError(`Cannot read ledger file ${path}`, error);
      }
      if (block.length === 0) break;
      position += block.length;
      turn ^= 1;
      next = handle.read(buffers[turn]!, 0, blockAt(position), position);
      // Errors of the visitor (scanLedgerMonth's caller) pass through unwrapped.
      decoder.push(block);
    }
  } finally {
    // A read still in flight must settle before its descriptor is closed.
    await next.catch(() => undefined);
    await handle.close();
  }
  return position;
}

/** Reads one month without needing (or creating) a writable folder: what `costs` uses. */
export async function readLedgerMonth(dir: string, month: string): Promise<ReadResult> {
  const records: LedgerRecord[] = [];
  const decoder = new LineDecoder((record) => {
    records.push(record);
  });
  await readInto(monthFile(dir, month), decoder);
  return { records, skipped: decoder.end() };
}

/**
 * Hands each record of one month's file to `visit` as it is parsed, keeping none of them
 * (with `end`, only the records in its first `end` bytes).
 * For reports over a whole month: 100,000 records kept in an array cost ~100 MB and most of
 * the collector's time while reading (every one is copied twice on its way to the old
 * generation); visited and dropped, they die young, which is free.
 */
export async function scanLedgerMonth(
  dir: string,
  month: string,
  visit: RecordVisitor,
  options: { end?: number } = {},
): Promise<{ skipped: number }> {
  const decoder = new LineDecoder(visit);
  await readInto(monthFile(dir, month), decoder, options.end);
  return { skipped: decoder.end() };
}

/**
 * `scanLedgerMonth` from byte `start` (a line boundary) to the end of the file, and the end of
 * its last complete line: a torn last line (one another process is still writing) is visited
 * by `decoder.end()`, which the caller calls after noting what the complete lines gave.
 * Undefined when there is no file.
 */
export async function scanLedgerTail(
  dir: string,
  month: string,
  decoder: LineDecoder,
  start: number,
): Promise<{ complete: number } | undefined> {
  const end = await readInto(monthFile(dir, month), decoder, Number.POSITIVE_INFINITY, start);
  return end === undefined ? undefined : { complete: end - decoder.pendingBytes };
}

/** The month file's size in bytes (0 when there is none): where a later scan can stop. */
export function ledgerMonthSize(dir: string, month: string): number {
  try {
    return statSync(monthFile(dir, month)).size;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw ioError(`Cannot read ledger file ${monthFile(dir, month)}`, error);
  }
}

function toMs(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`"${String(value)}" is not a date`);
  return ms;
}

export async function readLedgerRange(
  dir: string,
  from: Date | string,
  to: Date | string,
): Promise<ReadResult> {
  const fromMs = toMs(from);
  const toMsValue = toMs(to);
  const result: ReadResult = { records: [], skipped: 0 };
  if (toMsValue <= fromMs) return result;
  const months = monthsBetween(monthOfDate(new Date(fromMs)), monthOfDate(new Date(toMsValue)));
  for (const month of months) {
    const part = await readLedgerMonth(dir, month);
    result.skipped += part.skipped;
    for (const record of part.records) {
      const ms = Date.parse(record.ts);
      if (ms >= fromMs && ms < toMsValue) result.records.push(record);
    }
  }
  return result;
}

interface OpenFile {
  month: string;
  fd: number;
}

interface SpendCache {
  spend: MonthSpend;
  /** Bytes of the file already folded into `spend` (always at a line boundary). */
  offset: number;
  ino: number;
}

const NEWLINE = 0x0a;

class JsonlLedger implements Ledger {
  private file: OpenFile | undefined;
  /** Set when the file may end in a torn line: the next record starts on a fresh line. */
  private needsNewline = false;
  private readonly spendCache = new Map<string, SpendCache>();

  constructor(
    readonly dir: string,
    private readonly options: LedgerOptions,
  ) {}

  /** Opens (creating) the month's file for appending; the same descriptor serves every write. */
  fileFor(month: string): number {
    if (this.file?.month === month) return this.file.fd;
    this.closeFile();
    const path = monthFile(this.dir, month);
    // 'a+' is O_APPEND|O_CREAT|O_RDWR: appends, and lets us peek at the last byte.
    const fd = openSync(path, 'a+', 0o600);
    this.file = { month, fd };
    const size = fstatSync(fd).size;
    if (size > 0) {
      // A previous process may have died mid-line; never glue our record onto its bytes.
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      this.needsNewline = last[0] !== NEWLINE;
    } else {
      this.needsNewline = false;
    }
    return fd;
  }

  append(record: LedgerRecord): void {
    const { line, record: clean } = encodeRecord(record);
    const month = monthOfTs(clean.ts);
    const bytes = Buffer.from(this.needsNewline ? `\n${line}` : line, 'utf8');
    let written: number;
    try {
      const fd = this.fileFor(month);
      written = writeSync(fd, bytes);
      if (this.options.fsync) fdatasyncSync(fd);
    } catch (error) {
      this.needsNewline = true;
      throw ioError(`Cannot append to ledger file ${monthFile(this.dir, month)}`, error);
    }
    if (written !== bytes.length) {
      // Disk full mid-record: the torn line is skipped on read; the next record starts afresh.
      this.needsNewline = true;
      throw ioError(
        `Short write to ledger file ${monthFile(this.dir, month)}`,
        new Error(`${written} of ${bytes.length} bytes`),
      );
    }
    this.needsNewline = false;
  }

  recordCall(record: CallRecord): void {
    this.append(record);
  }

  recordVerify(record: VerifyRecord): void {
    this.append(record);
  }

  recordTask(record: TaskRecord): void {
    this.append(record);
  }

  readMonth(month: string): Promise<ReadResult> {
    return readLedgerMonth(this.dir, month);
  }

  readRange(from: Date | string, to: Date | string): Promise<ReadResult> {
    return readLedgerRange(this.dir, from, to);
  }

  monthSpend(month: string): MonthSpend {
    const path = monthFile(this.dir, month);
    let size: number;
    let ino: number;
    try {
      const stat = statSync(path);
      size = stat.size;
      ino = stat.ino;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return emptyMonthSpend(month);
      throw ioError(`Cannot read ledger file ${path}`, error);
    }
    let cache = this.spendCache.get(month);
    if (!cache || cache.ino !== ino || size < cache.offset) {
      // First look, or the file was replaced or truncated: start over.
      cache = { spend: emptyMonthSpend(month), offset: 0, ino };
      this.spendCache.set(month, cache);
    }
    if (size > cache.offset) this.foldTail(path, cache, size);
    return copySpend(cache.spend);
  }

  /** Parses the complete lines between the cached offset and `size`. */
  private foldTail(path: string, cache: SpendCache, size: number): void {
    const length = size - cache.offset;
    // Unzeroed: only the bytes the reads fill are decoded.
    const bytes = Buffer.allocUnsafe(length);
    let fd: number | undefined;
    let read = 0;
    try {
      fd = openSync(path, 'r');
      while (read < length) {
        const n = readSync(fd, bytes, read, length - read, cache.offset + read);
        if (n === 0) break;
        read += n;
      }
    } catch (error) {
      throw ioError(`Cannot read ledger file ${path}`, error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    // A line still being written by another process stays for the next call.
    const end = bytes.subarray(0, read).lastIndexOf(NEWLINE) + 1;
    if (end === 0) return;
    const spend = cache.spend;
    spend.skipped += visitBytes(bytes, (record) => addToSpend(spend, record), 0, end);
    cache.offset += end;
  }

  private closeFile(): void {
    if (!this.file) return;
    const { fd } = this.file;
    this.file = undefined;
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing left to release.
    }
  }

  close(): void {
    this.closeFile();
  }
}

/**
 * Opens the ledger in `dir` (default `<dataDir>/ledger`), creating it, and proves it can be
 * written by opening this month's file for appending. Fails with a `config` error at start-up,
 * before any money is spent that could not be recorded.
 */
export function openLedger(dir: string = ledgerDir(), options: LedgerOptions = {}): Ledger {
  const ledger = new JsonlLedger(dir, options);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    ledger.fileFor(monthOfDate(options.now?.() ?? new Date()));
  } catch (error) {
    ledger.close();
    throw new KirikaeError('config', `Ledger folder ${dir} is not writable (${errorCode(error)})`, {
      hint: 'Fix its permissions or set KIRIKAE_DATA_DIR to a writable folder; kirikae records every call before spending more',
      cause: error,
    });
  }
  return ledger;
}
