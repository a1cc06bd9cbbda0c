import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { PRICE_DATA_VERSION } from '../catalog/price-version.js';
import type { LedgerRecord } from '../core/records.js';
import { LineDecoder } from './codec.js';
import { monthFile, scanLedgerTail } from './store.js';

/*
 * A month report over 100,000 records is mostly JSON.parse of 50 MB, and no parser makes that
 * cheap. But a month's file only ever grows, so the fold over its first N bytes never changes:
 * a checkpoint keeps that fold (the builders' running totals, not the records) in a sidecar
 * file, `<month>.fold`, next to `<month>.jsonl`, and the next report parses only what was
 * appended since.
 *
 * The sidecar can only make a report faster, never wrong:
 * - it names the byte offset it covers (always the end of a complete line), the ledger file's
 *   inode, and copies of the bytes just before that offset and at the start of the file; unless
 *   the ledger file is still the same file and holds exactly those bytes there (it was
 *   truncated, replaced, or saved by an editor, which writes a new file), it is ignored. An
 *   edit in place in the middle of the file that keeps its length is the one change it cannot
 *   see: the ledger is append-only, and deleting the `.fold` files clears it;
 * - its payload carries a SHA-256, so a torn or corrupted sidecar is ignored;
 * - it names what the fold depends on beyond the records (the format, the price data, the
 *   what-if model, the price overrides), and is ignored when any of them differ;
 * - an ignored sidecar means one full read, which writes a fresh one.
 * Appends from other processes land after the offset and are read as the tail. Sidecars are
 * written to a temporary name and renamed, so a reader sees a whole one or the previous one; a
 * failed write (a read-only folder) is ignored. Older kirikae versions read only `.jsonl`
 * files and never see it.
 */

/**
 * Bump when a builder's state changes shape or meaning: older sidecars are then ignored (and
 * replaced by the next read). 2: per-task state in columns, and the month summary's fold
 * carries the delegation books. 3: the books count the model classifier's calls as a role.
 * 4: the local share leaves the model classifier's calls out.
 */
export const FORMAT = 4;

/** Bytes checked at both ends of the covered part of the file. */
const PROBE = 256;

/** A sidecar is rewritten once this many more bytes were folded (about 200 records). */
const REWRITE_BYTES = 100 * 1024;

/**
 * No sidecar below this (about 500 records): such a month is parsed in a few milliseconds, and
 * most users' months stay a single file.
 */
const MIN_BYTES = 256 * 1024;

/** A fold that can be checkpointed: its state survives v8.serialize whole. */
export interface CheckpointFold<S> {
  add(record: LedgerRecord): void;
  snapshot(): S;
}

interface Sidecar {
  format: number;
  key: string;
  offset: number;
  /** The ledger file's inode: an editor saving a new file gives a new one. */
  ino: number;
  head: Buffer;
  tail: Buffer;
  skipped: number;
  /** SHA-256 of the payload: the fold's state, serialized, which follows the header. */
  sha: string;
}

/*
 * Layout: the header's length (4 bytes, little-endian), the header (v8.serialize), then the
 * payload. The payload is written and checked as it is, never copied into the header.
 */
const LENGTH_BYTES = 4;

export function sidecarFile(dir: string, month: string, kind: string): string {
  // Through monthFile, so `month` is checked the same way.
  return `${monthFile(dir, month).slice(0, -'.jsonl'.length)}.${kind}.fold`;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Bytes [at, at + length) of the file, fewer at its end. */
function bytesAt(path: string, at: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, at + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function probes(path: string, offset: number): { head: Buffer; tail: Buffer } {
  const head = bytesAt(path, 0, Math.min(PROBE, offset));
  const tailAt = Math.max(0, offset - PROBE);
  return { head, tail: bytesAt(path, tailAt, offset - tailAt) };
}

/** The sidecar's state when it still describes the ledger file's first `offset` bytes. */
function loadSidecar<S>(
  path: string,
  ledger: string,
  key: string,
): { state: S; offset: number; skipped: number } | undefined {
  try {
    const bytes = readFileSync(path);
    const payloadAt = LENGTH_BYTES + bytes.readUInt32LE(0);
    const sidecar = deserialize(bytes.subarray(LENGTH_BYTES, payloadAt)) as Sidecar;
    if (sidecar.format !== FORMAT || sidecar.key !== key) return undefined;
    if (statSync(ledger).ino !== sidecar.ino) return undefined;
    const { head, tail } = probes(ledger, sidecar.offset);
    if (!head.equals(sidecar.head) || !tail.equals(sidecar.tail)) return undefined;
    const payload = bytes.subarray(payloadAt);
    if (sha256(payload) !== sidecar.sha) return undefined;
    return {
      state: deserialize(payload) as S,
      offset: sidecar.offset,
      skipped: sidecar.skipped,
    };
  } catch {
    // No sidecar, a torn or foreign one, or no ledger file: read the month in full.
    return undefined;
  }
}

function writeSidecar(
  path: string,
  ledger: string,
  fields: { key: string; offset: number; skipped: number; state: unknown },
): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const payload = serialize(fields.state);
    const sidecar: Sidecar = {
      format: FORMAT,
      key: fields.key,
      offset: fields.offset,
      ino: statSync(ledger).ino,
      ...probes(ledger, fields.offset),
      skipped: fields.skipped,
      sha: sha256(payload),
    };
    const header = serialize(sidecar);
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32LE(header.length);
    writeFileSync(temporary, Buffer.concat([length, header, payload]), { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    // Only a cache: a folder we cannot write to costs the next report a full read.
    rmSync(temporary, { force: true });
  }
}

export interface CheckpointOptions {
  /** Which fold this is (part of the sidecar's name). */
  kind: string;
  /** Everything besides the records that the fold depends on. */
  depends: unknown;
}

/**
 * Folds the month's records into `make(state)`: from the sidecar's state and the bytes appended
 * after it when the sidecar is good, else from nothing and the whole file; the same fold either
 * way (the tests check it). Returns the fold, the skipped lines of the whole file, and the
 * byte it started reading at (0 without a good sidecar).
 */
export async function foldMonth<S, F extends CheckpointFold<S>>(
  dir: string,
  month: string,
  options: CheckpointOptions,
  make: (state: S | undefined) => F,
): Promise<{ fold: F; skipped: number; start: number }> {
  const ledger = monthFile(dir, month);
  const path = sidecarFile(dir, month, options.kind);
  const key = JSON.stringify([PRICE_DATA_VERSION, options.depends]);
  const saved = loadSidecar<S>(path, ledger, key);
  const fold = make(saved?.state);
  const start = saved?.offset ?? 0;
  const decoder = new LineDecoder((record) => fold.add(record));
  const scanned = await scanLedgerTail(dir, month, decoder, start);
  const before = saved?.skipped ?? 0;
  const due = scanned && (!saved || scanned.complete - start >= REWRITE_BYTES);
  if (due && scanned.complete >= MIN_BYTES) {
    // Now, before the torn last line (if any) is decoded: the fold covers complete lines only.
    writeSidecar(path, ledger, {
      key,
      offset: scanned.complete,
      skipped: before + decoder.skipped,
      state: fold.snapshot(),
    });
  }
  return { fold, skipped: before + decoder.end(), start };
}
