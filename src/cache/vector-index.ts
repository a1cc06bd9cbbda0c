import { dot, popcount32, seededRandom } from './vectors.js';

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
const PREFILTER = 2048;

/** The distance at which a histogram has counted `keep` slots (ties at the cut all kept). */
function cutFor(histogram: Uint32Array, maxBits: number, keep: number): number {
  let cutoff = -1;
  for (let h = 0, kept = 0; h <= maxBits && kept < keep; h++) {
    kept += histogram[h]!;
    cutoff = h;
  }
  return cutoff;
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
  private live = new Uint8Array(0);
  private size = 0;
  private scratch = new Uint8Array(0);

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
    this.signatures.set(this.sign(vector), slot * WORDS);
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
   * at most `candidates` of them, chosen by signature distance. `accept` filters slots
   * (expired ones) before anything is scored.
   */
  search(query: Float32Array, candidates: number, accept?: (slot: number) => boolean): Scored[] {
    if (this.size === 0 || query.length !== this.dims) return [];
    const q = this.sign(query);
    const sig = this.signatures;
    // Stage 1: the first 64 signature bits of every slot (2 of 8 words), keeping the closest
    // PREFILTER. A true match (cos ≥ 0.85, θ ≤ 32°) differs in about 11 ± 3 of 64 bits and an
    // unrelated question in 32 ± 4, so the cut lets every match through; it quarters the scan.
    // Reused across lookups: a fresh 50k-byte array per lookup is garbage the p99 pays for.
    if (this.scratch.length < this.size) this.scratch = new Uint8Array(this.size * 2);
    const near = this.scratch;
    const coarse = new Uint32Array(PREFIX_BITS + 2);
    const far = PREFIX_BITS + 1;
    const q0 = q[0]!;
    const q1 = q[1]!;
    for (let slot = 0; slot < this.size; slot++) {
      if (this.live[slot] !== 1 || (accept && !accept(slot))) {
        near[slot] = far;
        continue;
      }
      const o = slot * WORDS;
      const h = popcount32(sig[o]! ^ q0) + popcount32(sig[o + 1]! ^ q1);
      near[slot] = h;
      coarse[h]! += 1;
    }
    const prefilterCut = cutFor(coarse, PREFIX_BITS, Math.max(PREFILTER, candidates * 16));
    // Stage 2: the whole 256-bit distance of those, keeping about `candidates`.
    const kept: number[] = [];
    const distance: number[] = [];
    const histogram = new Uint32Array(SIGNATURE_BITS + 2);
    for (let slot = 0; slot < this.size; slot++) {
      if (near[slot]! > prefilterCut) continue;
      const o = slot * WORDS;
      let h = 0;
      for (let w = 0; w < WORDS; w++) h += popcount32(sig[o + w]! ^ q[w]!);
      kept.push(slot);
      distance.push(h);
      histogram[h]! += 1;
    }
    const cutoff = cutFor(histogram, SIGNATURE_BITS, candidates);
    // Stage 3: the exact cosine of the survivors (the only figure ever compared or shown).
    const scored: Scored[] = [];
    for (let i = 0; i < kept.length; i++) {
      if (distance[i]! <= cutoff) {
        const slot = kept[i]!;
        scored.push({ slot, similarity: dot(this.vector(slot), query) });
      }
    }
    return scored.sort((a, b) => b.similarity - a.similarity);
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
    const live = new Uint8Array(next);
    live.set(this.live.subarray(0, this.size));
    this.vectors = vectors;
    this.signatures = signatures;
    this.live = live;
  }
}
