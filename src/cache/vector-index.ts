import { popcount32, seededRandom } from './vectors.js';

/*
 * The in-memory index of stored question vectors. A brute-force cosine scan of 50,000 768-float
 * vectors costs ~40 M multiply-adds (160 ms measured on the shared CI machine), far over the
 * 10 ms budget, so each vector also gets a 256-bit random-hyperplane signature (SimHash): the
 * number of differing bits estimates the angle between two vectors (θ ≈ π·h/256). A lookup
 * compares signatures (8 XOR + popcount per entry), keeps the `candidates` closest, and scores
 * only those exactly.
 *
 * The signature only chooses what to score; the similarity reported and compared with the
 * threshold is always the exact cosine. An approximation error can therefore lose a hit
 * (a saving), never serve a wrong answer. At the 0.85 threshold (θ ≈ 32°, h ≈ 45 ± 6 bits)
 * a true match lies far inside the kept set.
 */

const SIGNATURE_BITS = 256;
const WORDS = SIGNATURE_BITS / 32;
const PLANE_SEED = 0x6b69726b; // "kirk": fixed so every process signs alike
const PLANE_TAPS = 32;
/** Bits of the signature's first stage, and how many slots that stage keeps at least. */
const PREFIX_BITS = 64;
const PREFIX_WORDS = PREFIX_BITS / 32;
const PREFILTER = 1024;
/**
 * Stage 1 lists the slots within this many of the 64 bits as it goes, so that stage 2 need not
 * pass over every slot again when the cut falls inside it (it does: a match sits at 11 ± 3).
 */
const LISTED_BITS = 24;
/** Index size from which a big load warms the scans (see warm), and how many searches. */
const WARM_FROM = 10_000;
const WARM_RUNS = 12;

/** The distance at which a histogram has counted `keep` slots (ties at the cut all kept). */
function cutFor(histogram: Uint32Array, maxBits: number, keep: number): number {
  let cutoff = -1;
  for (let h = 0, kept = 0; h <= maxBits && kept < keep; h++) {
    kept += histogram[h]!;
    cutoff = h;
  }
  return cutoff;
}

/*
 * The scans are functions of their own, each one loop over typed arrays: V8 optimises such a
 * loop on its first long run (on-stack replacement) and keeps it. As one long method, every
 * lookup entered the optimised first loop and then fell out of it at the code after it (no type
 * feedback yet), a deoptimisation per lookup for the first dozens of lookups (--trace-deopt):
 * the slow tail of the benchmark, and most lookups of a real session.
 */

/**
 * Stage 1: the 64-bit distance of every live slot into `near` (removed slots get 65), counted;
 * the slots within LISTED_BITS also go to `listed`. Returns how many were listed.
 */
function prefixDistances(
  prefix: Uint32Array,
  live: Uint8Array,
  size: number,
  q0: number,
  q1: number,
  near: Uint8Array,
  counts: Uint32Array,
  listed: Int32Array,
): number {
  const far = PREFIX_BITS + 1;
  let n = 0;
  for (let slot = 0; slot < size; slot++) {
    if (live[slot] !== 1) {
      near[slot] = far;
      continue;
    }
    const o = slot * PREFIX_WORDS;
    const h = popcount32(prefix[o]! ^ q0) + popcount32(prefix[o + 1]! ^ q1);
    near[slot] = h;
    counts[h]! += 1;
    if (h <= LISTED_BITS) listed[n++] = slot;
  }
  return n;
}

/**
 * Stage 2: the 256-bit distance of the slots within `cut` in stage 1, taken from `listed`
 * (its first `count`) or, when `listed` is undefined, from every slot. Returns how many.
 */
function fullDistances(
  signatures: Uint32Array,
  near: Uint8Array,
  listed: Int32Array | undefined,
  count: number,
  cut: number,
  q: Uint32Array,
  kept: Int32Array,
  distance: Uint16Array,
  counts: Uint32Array,
): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const slot = listed ? listed[i]! : i;
    if (near[slot]! > cut) continue;
    const o = slot * WORDS;
    let h = 0;
    for (let w = 0; w < WORDS; w++) h += popcount32(signatures[o + w]! ^ q[w]!);
    kept[n] = slot;
    distance[n++] = h;
    counts[h]! += 1;
  }
  return n;
}

/** Dot product of `query` with the vector stored at `offset`. */
function dotAt(vectors: Float32Array, offset: number, query: Float32Array): number {
  let s = 0;
  for (let i = 0; i < query.length; i++) s += vectors[offset + i]! * query[i]!;
  return s;
}

export interface Scored {
  slot: number;
  similarity: number;
}

export class VectorIndex {
  private dims = 0;
  private planeIndex: Uint32Array | undefined;
  private planeSign: Float32Array | undefined;
  private taps = 0;
  private vectors = new Float32Array(0);
  private signatures = new Uint32Array(0);
  /** The signatures' first 64 bits again, contiguous: stage 1 reads 8 bytes a slot, not 32. */
  private prefix = new Uint32Array(0);
  private live = new Uint8Array(0);
  private size = 0;
  // Per-lookup scratch, reused (see search).
  private near = new Uint8Array(0);
  private listed = new Int32Array(0);
  private kept = new Int32Array(0);
  private distance = new Uint16Array(0);
  private readonly coarse = new Uint32Array(PREFIX_BITS + 2);
  private readonly histogram = new Uint32Array(SIGNATURE_BITS + 2);
  /** Whether the last search's stage 2 read stage 1's list or every slot (for tests). */
  lastStage2: 'listed' | 'every slot' = 'every slot';

  /** Vector length of the index (0 until the first add). */
  get dimensions(): number {
    return this.dims;
  }

  /** Slots in use, live or removed (slots are never reused; `compact` renumbers). */
  get slots(): number {
    return this.size;
  }

  /** Adds a unit vector; returns its slot. Throws on a vector of another length. */
  add(vector: Float32Array): number {
    if (this.dims === 0) this.start(vector.length);
    if (vector.length !== this.dims) {
      throw new RangeError(`vector of ${vector.length} dimensions in an index of ${this.dims}`);
    }
    this.grow(this.size + 1);
    const slot = this.size++;
    this.vectors.set(vector, slot * this.dims);
    const signature = this.sign(vector);
    this.signatures.set(signature, slot * WORDS);
    this.prefix.set(signature.subarray(0, PREFIX_WORDS), slot * PREFIX_WORDS);
    this.live[slot] = 1;
    return slot;
  }

  remove(slot: number): void {
    if (slot >= 0 && slot < this.size) this.live[slot] = 0;
  }

  isLive(slot: number): boolean {
    return slot >= 0 && slot < this.size && this.live[slot] === 1;
  }

  vector(slot: number): Float32Array {
    return this.vectors.subarray(slot * this.dims, (slot + 1) * this.dims);
  }

  /**
   * The live slots most similar to `query` (a unit vector), best first, exactly scored:
   * at most about `candidates` of them, chosen by signature distance.
   */
  search(query: Float32Array, candidates: number): Scored[] {
    if (this.size === 0 || query.length !== this.dims) return [];
    const q = this.sign(query);
    // Reused across lookups: fresh 50k-element arrays per lookup are garbage the p99 pays for.
    if (this.near.length < this.size) {
      this.near = new Uint8Array(this.size * 2);
      this.listed = new Int32Array(this.size * 2);
      this.kept = new Int32Array(this.size * 2);
      this.distance = new Uint16Array(this.size * 2);
    }
    // Stage 1: the first 64 signature bits of every slot, keeping the closest PREFILTER. A true
    // match (cos ≥ 0.85, θ ≤ 32°) differs in about 11 ± 3 of 64 bits and an unrelated question
    // in 32 ± 4, so the cut (about 22–25 bits at 50,000 clustered entries) lets every match through.
    const coarse = this.coarse.fill(0);
    const listed = prefixDistances(
      this.prefix,
      this.live,
      this.size,
      q[0]!,
      q[1]!,
      this.near,
      coarse,
      this.listed,
    );
    const prefilterCut = cutFor(coarse, PREFIX_BITS, Math.max(PREFILTER, candidates * 16));
    // Stage 2: the whole 256-bit distance of those, keeping about `candidates`.
    const histogram = this.histogram.fill(0);
    const inList = prefilterCut <= LISTED_BITS;
    this.lastStage2 = inList ? 'listed' : 'every slot';
    const kept = fullDistances(
      this.signatures,
      this.near,
      inList ? this.listed : undefined,
      inList ? listed : this.size,
      prefilterCut,
      q,
      this.kept,
      this.distance,
      histogram,
    );
    const cutoff = cutFor(histogram, SIGNATURE_BITS, candidates);
    // Stage 3: the exact cosine of the survivors (the only figure ever compared or shown).
    const scored: Scored[] = [];
    for (let i = 0; i < kept; i++) {
      if (this.distance[i]! > cutoff) continue;
      const slot = this.kept[i]!;
      scored.push({ slot, similarity: dotAt(this.vectors, slot * this.dims, query) });
    }
    return scored.sort((a, b) => b.similarity - a.similarity);
  }

  /**
   * Runs a few searches with stored vectors, so that V8 has compiled the scans before the
   * user's first lookups: on 50,000 entries the first dozen lookups took 5–14 ms of CPU
   * (interpreted, then compiled on the fly) against 1 ms after. Worth it only on a big index.
   */
  warm(): void {
    if (this.size < WARM_FROM) return;
    for (let i = 0; i < WARM_RUNS; i++) this.search(this.vector((i * 7919) % this.size), 64);
  }

  /** Drops removed slots; returns old slot → new slot (-1 for removed). */
  compact(): Int32Array {
    const map = new Int32Array(this.size).fill(-1);
    let next = 0;
    for (let slot = 0; slot < this.size; slot++) {
      if (this.live[slot] !== 1) continue;
      if (slot !== next) {
        this.vectors.copyWithin(next * this.dims, slot * this.dims, (slot + 1) * this.dims);
        this.signatures.copyWithin(next * WORDS, slot * WORDS, (slot + 1) * WORDS);
        this.prefix.copyWithin(next * PREFIX_WORDS, slot * PREFIX_WORDS, (slot + 1) * PREFIX_WORDS);
        this.live[next] = 1;
      }
      map[slot] = next++;
    }
    this.live.fill(0, next, this.size);
    this.size = next;
    return map;
  }

  private start(dims: number): void {
    this.dims = dims;
    const random = seededRandom(PLANE_SEED ^ dims);
    // Very sparse random hyperplanes (Li, Hastie & Church 2006): each has PLANE_TAPS ±1
    // coordinates instead of `dims` Gaussian ones, so a signature costs 256 × 32 additions
    // rather than 256 × 768 multiply-adds (50,000 entries load in seconds, not a minute).
    // Embedding vectors are dense, so the sign still tracks the angle.
    const taps = Math.min(PLANE_TAPS, dims);
    this.planeIndex = new Uint32Array(SIGNATURE_BITS * taps);
    this.planeSign = new Float32Array(SIGNATURE_BITS * taps);
    for (let i = 0; i < this.planeIndex.length; i++) {
      this.planeIndex[i] = Math.floor(random() * dims);
      this.planeSign[i] = random() < 0.5 ? -1 : 1;
    }
    this.taps = taps;
  }

  private sign(vector: Float32Array): Uint32Array {
    const out = new Uint32Array(WORDS);
    const index = this.planeIndex!;
    const sign = this.planeSign!;
    for (let bit = 0, k = 0; bit < SIGNATURE_BITS; bit++) {
      let s = 0;
      for (let t = 0; t < this.taps; t++, k++) s += sign[k]! * vector[index[k]!]!;
      if (s >= 0) out[bit >>> 5]! |= 1 << (bit & 31);
    }
    return out;
  }

  private grow(needed: number): void {
    const capacity = this.live.length;
    if (needed <= capacity) return;
    const next = Math.max(needed, capacity * 2, 64);
    const vectors = new Float32Array(next * this.dims);
    vectors.set(this.vectors.subarray(0, this.size * this.dims));
    const signatures = new Uint32Array(next * WORDS);
    signatures.set(this.signatures.subarray(0, this.size * WORDS));
    const prefix = new Uint32Array(next * PREFIX_WORDS);
    prefix.set(this.prefix.subarray(0, this.size * PREFIX_WORDS));
    const live = new Uint8Array(next);
    live.set(this.live.subarray(0, this.size));
    this.vectors = vectors;
    this.signatures = signatures;
    this.prefix = prefix;
    this.live = live;
  }
}
