import { describe, expect, it } from 'vitest';
import { VectorIndex } from '../../src/cache/vector-index.js';
import { dot, normalized, seededRandom } from '../../src/cache/vectors.js';

const DIMS = 768;
const random = seededRandom(7);
const gauss = () => random() + random() + random() - 1.5;
const unit = (v: Float32Array) => normalized(v)!;
const randomUnit = () => unit(Float32Array.from({ length: DIMS }, gauss));
/** `base` turned so that its cosine to `base` is about `cos`. */
function near(base: Float32Array, cos: number): Float32Array {
  const noise = randomUnit();
  const s = Math.sqrt(1 - cos * cos);
  return unit(base.map((x, i) => cos * x + s * noise[i]!));
}

/*
 * The index only chooses which slots to score; the search must find what a brute-force scan
 * finds for a question just over the threshold, whether stage 2 reads stage 1's short list
 * (clustered entries: the cut falls within it) or passes over every slot (scattered entries:
 * the 1,024 closest reach further than the list).
 */
describe('vector index', () => {
  for (const [layout, stage2] of [
    ['clustered', 'listed'],
    ['scattered', 'every slot'],
  ] as const) {
    it(`finds the paraphrased entry among 4,000 ${layout} ones, exactly scored`, () => {
      const topics = Array.from({ length: 2 }, randomUnit);
      const index = new VectorIndex();
      const vectors: Float32Array[] = [];
      for (let i = 0; i < 4000; i++) {
        const v = layout === 'clustered' ? near(topics[i % 2]!, 0.85) : randomUnit();
        vectors.push(v);
        expect(index.add(v)).toBe(i);
      }
      for (let i = 0; i < 60; i++) {
        const target = (i * 631) % 4000;
        const query = near(vectors[target]!, 0.86);
        const found = index.search(query, 64);
        expect(found[0]?.slot).toBe(target);
        expect(found[0]?.similarity).toBeCloseTo(dot(vectors[target]!, query), 5);
        expect(found.length).toBeLessThanOrEqual(200);
        expect(index.lastStage2).toBe(stage2);
      }
    });
  }

  it('never returns a removed slot, and renumbers on compaction', () => {
    const index = new VectorIndex();
    const a = randomUnit();
    const b = near(a, 0.95);
    index.add(a);
    index.add(b);
    index.remove(0);
    expect(index.search(a, 64).map((s) => s.slot)).toEqual([1]);
    const map = index.compact();
    expect([...map]).toEqual([-1, 0]);
    expect(index.search(a, 64)).toEqual([{ slot: 0, similarity: expect.closeTo(dot(a, b), 5) }]);
  });
});
