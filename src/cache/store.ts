import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeOp, encodeOp, type StoreOp } from './codec.js';

/*
 * Where the semantic cache keeps its entries: one append-only JSONL file in the data dir
 * (`<data>/cache/semantic.jsonl`), read into an in-memory index. Chosen over SQLite with a
 * vector extension (a native binding to build for every Node and platform) and Redis (a server
 * to run): the whole store is a few MB at the default 5,000 entries, the lookup is served from
 * memory either way, and JSONL is what the ledger already uses, torn-line rules included.
 *
 * Two kirikae processes share the file: every write is one `O_APPEND` write of one line, and
 * each process reads what the other appended (from its last offset) before each lookup. A
 * compaction writes a new file and renames it over the old one; the other process sees the
 * file change (another inode or a shorter file) and reads it whole again. An append racing
 * a compaction can be lost: for a cache that is a lost saving, never a wrong answer.
 */

export interface StoreRead {
  ops: StoreOp[];
  /** Lines that are not operations (corrupted or from an unknown version). */
  skipped: number;
  /** The file was replaced or truncated since the last read: `ops` is everything, from the top. */
  reset: boolean;
}

export interface CacheStore {
  /** Operations appended since the last call (all of them on the first call). */
  readNew(): StoreRead;
  append(op: StoreOp): void;
  /** Replaces the whole store with these operations (compaction, rebuild after corruption). */
  rewrite(ops: readonly StoreOp[]): void;
  /** Where it lives, for messages (never with a password). */
  readonly location: string;
  /**
   * A store shared over the network (redis-store.ts) fetches what others wrote here, for the
   * next `readNew`; the writes above go out in the background. Never rejects, and waits a
   * bounded time: a slow server delays a lookup, it does not stop it.
   */
  refresh?(): Promise<void>;
  /** What to tell the user once each (the server unreachable, back again). */
  takeNotices?(): string[];
  /** Ends a connection (the file store has none). */
  close?(): Promise<void>;
}

export function semanticCacheFile(dataDir: string): string {
  return join(dataDir, 'cache', 'semantic.jsonl');
}

function identity(path: string): { ino: number; size: number } | undefined {
  try {
    const s = statSync(path);
    return { ino: s.ino, size: s.size };
  } catch {
    return undefined;
  }
}

/** Splits complete lines off `text`; the unterminated rest is left for the next read. */
function completeLines(text: string): { lines: string[]; consumed: number } {
  const end = text.lastIndexOf('\n');
  if (end < 0) return { lines: [], consumed: 0 };
  return { lines: text.slice(0, end).split('\n'), consumed: end + 1 };
}

export function fileStore(path: string): CacheStore {
  let offset = 0;
  let ino: number | undefined;

  const readFrom = (from: number): { text: string; size: number } => {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.max(0, size - from));
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, from + read);
        if (n === 0) break;
        read += n;
      }
      return { text: buffer.subarray(0, read).toString('utf8'), size: from + read };
    } finally {
      closeSync(fd);
    }
  };

  return {
    location: path,
    readNew() {
      const now = identity(path);
      if (!now) {
        const reset = offset > 0;
        offset = 0;
        ino = undefined;
        return { ops: [], skipped: 0, reset };
      }
      const reset = ino !== undefined && (now.ino !== ino || now.size < offset);
      if (reset) offset = 0;
      ino = now.ino;
      if (now.size === offset) return { ops: [], skipped: 0, reset };
      const { text } = readFrom(offset);
      // Byte offsets, not string lengths: a line may hold multi-byte characters.
      const { lines, consumed } = completeLines(text);
      offset += Buffer.byteLength(text.slice(0, consumed));
      const ops: StoreOp[] = [];
      let skipped = 0;
      for (const line of lines) {
        if (line.trim() === '') continue;
        const op = decodeOp(line);
        if (op) ops.push(op);
        else skipped += 1;
      }
      return { ops, skipped, reset };
    },
    append(op) {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, encodeOp(op), { mode: 0o600 });
    },
    rewrite(ops) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, ops.map(encodeOp).join(''), { mode: 0o600 });
      renameSync(tmp, path);
      // Our own rewrite is already in memory: continue after it.
      const now = identity(path);
      ino = now?.ino;
      offset = now?.size ?? 0;
    },
  };
}

/** A store held in memory only (tests, and a gateway that must not write to disk). */
export function memoryStore(): CacheStore & { lines: string[] } {
  const lines: string[] = [];
  let read = 0;
  return {
    location: 'memory',
    lines,
    readNew() {
      const ops: StoreOp[] = [];
      let skipped = 0;
      for (; read < lines.length; read++) {
        const op = decodeOp(lines[read]!.replace(/\n$/, ''));
        if (op) ops.push(op);
        else skipped += 1;
      }
      return { ops, skipped, reset: false };
    },
    append(op) {
      lines.push(encodeOp(op));
    },
    rewrite(ops) {
      lines.splice(0, lines.length, ...ops.map(encodeOp));
      read = lines.length;
    },
  };
}
