import { describe, expect, it } from 'vitest';
import type { Example } from '../../scripts/router/corpus.js';
import { parseCorpus } from '../../scripts/router/corpus.js';
import { groupFolds } from '../../scripts/router/folds.js';
import { featurizeExamples, outOfFold, trainHeads } from '../../scripts/router/pipeline.js';
import { DEFAULT_FIT } from '../../scripts/router/fit.js';

const groups = ['a', 'a', 'b', 'c', 'c', 'c', 'd', 'e', 'f', 'g', 'g', 'h', 'i', 'j'];

describe('grouped folds', () => {
  it('test folds partition the examples; each train side is the complement of its test fold', () => {
    const folds = groupFolds(groups, 5, 1);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(groups.map((_, i) => i));
    for (const f of folds) {
      const test = new Set(f.test);
      expect(f.train.some((i) => test.has(i))).toBe(false);
      expect(f.train.length + f.test.length).toBe(groups.length);
    }
  });

  it('keeps a source in one fold, so a near-twin is never trained on', () => {
    for (const f of groupFolds(groups, 5, 7)) {
      const testGroups = new Set(f.test.map((i) => groups[i]));
      for (const i of f.train) expect(testGroups.has(groups[i])).toBe(false);
    }
  });

  it('is deterministic for a seed and balanced', () => {
    expect(groupFolds(groups, 5, 3)).toEqual(groupFolds(groups, 5, 3));
    const sizes = groupFolds(groups, 5, 3).map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(3);
  });
});

describe('out-of-fold evaluation', () => {
  const corpus = [
    ['fix the typo in README', 'quick-fix', 1, [3, 2], 's1'],
    ['fix the typo in the docs', 'quick-fix', 1, [3, 2], 's1'],
    ['which ORM should we use for Postgres?', 'research', 2, [4, 2], 's2'],
    ['design the plugin architecture', 'architecture', 5, [0], 's3'],
    ['add a --json flag to the list command', 'implement', 2, [2, 1], 's4'],
    ['why does the worker leak memory under load?', 'debug', 4, [1, 0], 's5'],
    ['READMEの誤字を直して', 'quick-fix', 1, [3, 2], 's6'],
    ['ReactとVueの違いは?', 'research', 2, [4, 2], 's7'],
  ]
    .map(([text, taskType, complexity, acceptableTiers, source], i) =>
      JSON.stringify({ id: `t${i}`, text, taskType, complexity, acceptableTiers, source }),
    )
    .join('\n');
  const examples: Example[] = parseCorpus(corpus);

  it('never trains a fold’s model on its test examples, and scores every example once', () => {
    const dim = 1 << 10;
    const xs = featurizeExamples(examples, dim);
    const folds = groupFolds(
      examples.map((e) => e.group),
      4,
      1,
    );
    const seen: number[][] = [];
    const spy: typeof trainHeads = (x, ex, indices, options) => {
      seen.push([...indices]);
      return trainHeads(x, ex, indices, options);
    };
    const oof = outOfFold(xs, examples, folds, { ...DEFAULT_FIT, dim, epochs: 5 }, spy);
    expect(seen).toHaveLength(4);
    folds.forEach((f, k) => {
      const trained = new Set(seen[k]);
      for (const i of f.test) expect(trained.has(i)).toBe(false);
      expect([...trained].sort()).toEqual([...f.train].sort());
    });
    expect(oof.tier.filter(Boolean)).toHaveLength(examples.length);
    // the two prompts from source s1 share a fold
    const foldOf = (i: number) => folds.findIndex((f) => f.test.includes(i));
    expect(foldOf(0)).toBe(foldOf(1));
  });
});
