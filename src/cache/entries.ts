import type { StoreOp } from './codec.js';
import { VectorIndex, type Scored } from './vector-index.js';
import { dot, normalized } from './vectors.js';
import type { CacheEntry } from './types.js';

/*
 * The cache's state in memory: live entries, their vectors in the index, and the questions
 * whose answers were dropped as wrong. Built by applying store operations in order, so two
 * processes reading the same file arrive at the same state. Eviction (TTL, maxEntries) is a
 * rule every process applies alike, not a written operation.
 */

/** How much closer a question must be for each wrong answer dropped in its neighbourhood. */
export const WRONG_STEP = 0.05;
/** Wrong-answer marks kept (the newest); each costs one dot product per lookup. */
const MAX_WRONG = 200;
const MAX_THRESHOLD = 0.99;
const NO_VECTOR = new Float32Array(0);

export class CacheEntries {
  private index = new VectorIndex();
  private readonly byId = new Map<string, { entry: CacheEntry; slot: number }>();
  private bySlot: (CacheEntry | undefined)[] = [];
  /** Question vectors of answers dropped as wrong, by the dropped entry's id (read back once). */
  private wrong = new Map<string, Float32Array>();
  /** Lines the store holds (live or not): compaction is due when it far exceeds the live. */
  lines = 0;
  /** storedAt of the oldest live entry (or earlier): eviction has nothing to do before its TTL. */
  private oldestAt = Number.POSITIVE_INFINITY;
  /** Entries left out because their vector has another length than the index's (model change). */
  incompatible = 0;

  get size(): number {
    return this.byId.size;
  }

  get dimensions(): number {
    return this.index.dimensions;
  }

  apply(op: StoreOp): void {
    this.lines += 1;
    if (op.op === 'drop') {
      const vector = op.vector ?? (op.wrong ? this.vectorOf(op.id) : undefined);
      if (op.wrong && vector) this.markWrong(op.id, vector);
      this.remove(op.id);
      return;
    }
    if (this.byId.has(op.entry.id)) return; // our own append, read back
    const unit = normalized(op.entry.vector);
    if (!unit || (this.index.dimensions !== 0 && unit.length !== this.index.dimensions)) {
      this.incompatible += 1;
      return;
    }
    // The vector lives once, in the index (50,000 of them are 150 MB); the entry keeps none.
    const entry = { ...op.entry, vector: NO_VECTOR };
    const slot = this.index.add(unit);
    this.oldestAt = Math.min(this.oldestAt, entry.storedAt);
    this.bySlot[slot] = entry;
    this.byId.set(entry.id, { entry, slot });
  }

  /** A copy of an entry's unit vector. */
  vectorOf(id: string): Float32Array | undefined {
    const found = this.byId.get(id);
    return found ? this.index.vector(found.slot).slice() : undefined;
  }

  get(id: string): CacheEntry | undefined {
    return this.byId.get(id)?.entry;
  }

  remove(id: string): boolean {
    const found = this.byId.get(id);
    if (!found) return false;
    this.index.remove(found.slot);
    this.bySlot[found.slot] = undefined;
    this.byId.delete(id);
    return true;
  }

  entries(): CacheEntry[] {
    return [...this.byId.values()].map((e) => e.entry);
  }

  get wrongMarks(): number {
    return this.wrong.size;
  }

  /** The nearest entries to a unit vector, exactly scored, best first. */
  nearest(query: Float32Array, candidates: number): { entry: CacheEntry; similarity: number }[] {
    const scored: Scored[] = this.index.search(query, candidates);
    return scored.map((s) => ({ entry: this.bySlot[s.slot]!, similarity: s.similarity }));
  }

  /** See VectorIndex.warm: after a big load, before the first lookup. */
  warm(): void {
    this.index.warm();
  }

  /** The threshold for `query`: the base, raised near questions whose answers were wrong. */
  thresholdFor(query: Float32Array, base: number): number {
    let threshold = base;
    for (const v of this.wrong.values()) {
      if (v.length === query.length && dot(v, query) >= base) threshold += WRONG_STEP;
    }
    return Math.min(threshold, Math.max(base, MAX_THRESHOLD));
  }

  /**
   * Removes entries older than `ttlMs`, then the oldest beyond `maxEntries`. Returns how many
   * went.
   */
  evict(now: number, ttlMs: number, maxEntries: number): number {
    // Called after every lookup and store: a full pass only when something is due.
    if (now - this.oldestAt <= ttlMs && this.byId.size <= maxEntries) return 0;
    let removed = 0;
    for (const { entry } of [...this.byId.values()]) {
      if (now - entry.storedAt > ttlMs && this.remove(entry.id)) removed += 1;
    }
    if (this.byId.size > maxEntries) {
      const oldest = this.entries().sort((a, b) => a.storedAt - b.storedAt);
      for (const entry of oldest.slice(0, this.byId.size - maxEntries)) {
        if (this.remove(entry.id)) removed += 1;
      }
    }
    this.oldestAt = Number.POSITIVE_INFINITY;
    for (const { entry } of this.byId.values()) {
      this.oldestAt = Math.min(this.oldestAt, entry.storedAt);
    }
    if (this.index.slots > 2 * this.byId.size + 64) this.compactIndex();
    return removed;
  }

  /** What a rewritten store holds: the live entries and the wrong-answer marks. */
  snapshot(): StoreOp[] {
    const ops: StoreOp[] = [...this.byId.values()]
      .sort((a, b) => a.entry.storedAt - b.entry.storedAt)
      .map(({ entry, slot }) => ({
        op: 'put',
        entry: { ...entry, vector: this.index.vector(slot) },
      }));
    for (const [id, vector] of this.wrong) ops.push({ op: 'drop', id, wrong: true, vector });
    return ops;
  }

  private markWrong(id: string, vector: Float32Array): void {
    const unit = normalized(vector);
    if (!unit || this.wrong.has(id)) return;
    this.wrong.set(id, unit);
    // Oldest first out: a Map iterates in insertion order.
    for (const old of this.wrong.keys()) {
      if (this.wrong.size <= MAX_WRONG) break;
      this.wrong.delete(old);
    }
  }

  private compactIndex(): void {
    const map = this.index.compact();
    const bySlot: (CacheEntry | undefined)[] = [];
    for (const found of this.byId.values()) {
      found.slot = map[found.slot]!;
      bySlot[found.slot] = found.entry;
    }
    this.bySlot = bySlot;
  }
}
