/**
 * Output capping that keeps the head AND the tail: the command line and first error are at the
 * top, the summary and exit reason at the bottom; the middle is what a model can live without.
 */

export interface CapLimits {
  /** Bytes kept from the start. */
  headBytes: number;
  /** Bytes kept from the end. */
  tailBytes: number;
}

export const DEFAULT_CAP: CapLimits = { headBytes: 12_000, tailBytes: 12_000 };

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Length of `buf` without a UTF-8 sequence cut off at its end. */
function completeUtf8Length(buf: Buffer): number {
  let start = buf.length - 1;
  while (start > 0 && (buf[start]! & 0xc0) === 0x80) start--;
  if (start < 0) return 0;
  const lead = buf[start]!;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + size <= buf.length ? buf.length : start;
}

/** Index of the first byte of `buf` that starts a character (skips orphaned continuations). */
function firstCharStart(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && (buf[i]! & 0xc0) === 0x80) i++;
  return i;
}

function marker(bytes: number, lines: number): string {
  return `\n[… ${lines} line${lines === 1 ? '' : 's'} (${bytes} bytes) cut from the middle …]\n`;
}

/**
 * Collects a stream's bytes in bounded memory: the first `headBytes`, a rolling window of the
 * last `tailBytes`, and counts of everything in between. A command printing a gigabyte costs
 * no more memory than one printing a screenful.
 */
export class HeadTailBuffer {
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  /** Bytes and newlines that fell out of the tail window. */
  private droppedBytes = 0;
  private droppedLines = 0;
  private total = 0;

  constructor(private readonly limits: CapLimits = DEFAULT_CAP) {}

  get totalBytes(): number {
    return this.total;
  }

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.total += buf.length;
    if (this.headSize < this.limits.headBytes) {
      const take = Math.min(buf.length, this.limits.headBytes - this.headSize);
      this.head.push(buf.subarray(0, take));
      this.headSize += take;
      buf = buf.subarray(take);
    }
    if (buf.length === 0) return;
    this.tail.push(buf);
    this.tailSize += buf.length;
    while (this.tailSize > this.limits.tailBytes && this.tail.length > 0) {
      const first = this.tail[0]!;
      const excess = this.tailSize - this.limits.tailBytes;
      const drop = first.subarray(0, Math.min(excess, first.length));
      this.droppedBytes += drop.length;
      this.droppedLines += countLines(drop);
      this.tailSize -= drop.length;
      if (drop.length === first.length) this.tail.shift();
      else this.tail[0] = first.subarray(drop.length);
    }
  }

  /** The text with a marker saying how many lines and bytes were cut, cut at line boundaries. */
  toString(): string {
    const head = Buffer.concat(this.head);
    const tail = Buffer.concat(this.tail);
    if (this.droppedBytes === 0) return Buffer.concat([head, tail]).toString('utf8');
    // Cut at newlines so no half line reaches the model; within one endless line, at least at
    // a character boundary.
    const headEnd = head.lastIndexOf(10);
    const keptHead = head.subarray(0, headEnd >= 0 ? headEnd + 1 : completeUtf8Length(head));
    const tailStart = tail.indexOf(10);
    const keptTail = tail.subarray(tailStart >= 0 ? tailStart + 1 : firstCharStart(tail));
    const cutHead = head.subarray(keptHead.length);
    const cutTail = tail.subarray(0, tail.length - keptTail.length);
    const cutBytes = this.droppedBytes + cutHead.length + cutTail.length;
    const cutLines = this.droppedLines + countLines(cutHead) + countLines(cutTail);
    return (
      keptHead.toString('utf8').replace(/\n$/, '') +
      marker(cutBytes, cutLines) +
      keptTail.toString('utf8')
    );
  }
}

/** Caps a string already in memory, keeping head and tail (see HeadTailBuffer). */
export function capText(text: string, limits: CapLimits = DEFAULT_CAP): string {
  const buf = new HeadTailBuffer(limits);
  buf.push(text);
  return buf.toString();
}

/** Keeps the first `maxLines` lines and says how many were left out. */
export function headLines(text: string, maxLines: number): { text: string; omitted: number } {
  const lines = text.split('\n');
  if (lines.length <= maxLines) return { text, omitted: 0 };
  return { text: lines.slice(0, maxLines).join('\n'), omitted: lines.length - maxLines };
}

/** One line of at most `max` characters, for summaries shown in the UI. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
