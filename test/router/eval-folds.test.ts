import { describe, expect, it } from 'vitest';
import type { Example } from '../../scripts/router/corpus.js';
import { parseCorpus } from '../../scripts/router/corpus.js';
import { groupFolds } from '../../scripts/router/folds.js';
import { featurizeExamples, outOfFold, trainHeads } from '../../scripts/router/pipeline.js';
import { DEFAULT_FIT } from '../../scripts/router/fit.js';
import { fitTierTable } from '../../scripts/router/table-fit.js';
import { nestedReport } from '../../scripts/router/nested.js';
import { linksOf } from '../../scripts/router/pipeline.js';
import { MIN_CELL_PROMPTS } from '../../src/router/tier-table.js';

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

  it('nested: no fit made for an outer fold, in its inner CVs or with the penalty they chose, sees its test examples', () => {
    const dim = 1 << 10;
    const fit = { ...DEFAULT_FIT, dim, epochs: 5 };
    const grid = [fit, { ...fit, l2: 1e-2 }];
    const xs = featurizeExamples(examples, dim);
    const folds = groupFolds(
      examples.map((e) => e.group),
      4,
      1,
    );
    const oof = outOfFold(xs, examples, folds, fit);
    for (const fold of folds) {
      const seen: number[][] = [];
      const spy: typeof trainHeads = (x, ex, indices, options) => {
        seen.push([...indices]);
        return trainHeads(x, ex, indices, options);
      };
      const r = nestedReport(examples, xs, [fold], oof, fit, linksOf(fit), 2, 1, grid, spy);
      // two inner folds for each of the two penalties, and the outer refit if the other won
      expect(seen.length).toBe(r.chosenL2[0] === fit.l2 ? 4 : 5);
      const test = new Set(fold.test);
      for (const indices of seen) expect(indices.filter((i) => test.has(i))).toEqual([]);
      expect(r.n).toBe(fold.test.length);
    }
  });
});

describe('tier table refitted on a training fold', () => {
  const ex = (
    taskType: Example['taskType'],
    complexity: Example['complexity'],
    acceptableTiers: Example['acceptableTiers'],
  ): Example => ({
    id: `${taskType}-${complexity}-${acceptableTiers.join('')}`,
    lang: 'en',
    taskType,
    complexity,
    acceptableTiers,
    group: 'g',
    origin: 'corpus',
  });

  // MIN_CELL_PROMPTS copies of one labelled prompt: enough for a cell to count.
  const cellOf = (
    type: Example['taskType'],
    c: Example['complexity'],
    tiers: Example['acceptableTiers'],
    n = MIN_CELL_PROMPTS,
  ) => Array.from({ length: n }, () => ex(type, c, tiers));

  it('takes the tier most prompts of a cell accept, the cheaper on a tie', () => {
    const t = fitTierTable([
      ex('review', 1, [3, 2]),
      ...cellOf('review', 1, [2], 2),
      ex('review', 2, [3, 2]),
      ...cellOf('review', 2, [1], 2),
      ...cellOf('review', 3, [1], 2),
      ...cellOf('review', 3, [3], 2),
    ]);
    // c1: tier 2 is accepted by all three, tier 3 by one. c2: 1 by two, 3 and 2 by one.
    expect(t.review.slice(0, 2)).toEqual([2, 1]);
    // c3: a tie between 1 and 3 goes to the cheaper (3) — then a harder task may not be weaker
    // than c2's standard, so it stays on standard.
    expect(t.review[2]).toBe(1);
  });

  it('fills empty cells from the nearest filled one (the easier side on a tie)', () => {
    const t = fitTierTable([...cellOf('debug', 2, [1]), ...cellOf('debug', 5, [0])]);
    // c1 ← c2; c3 is one from c2 and two from c5; c4 is one from c5.
    expect(t.debug).toEqual([1, 1, 1, 0, 0]);
    const tie = fitTierTable([...cellOf('docs', 1, [3]), ...cellOf('docs', 3, [1])]);
    expect(tie.docs[1]).toBe(3);
    // Cells the whole corpus has no prompt in take the judgement of UNLABELLED_CELLS.
    expect(fitTierTable(cellOf('test', 3, [1])).test).toEqual([1, 1, 1, 1, 0]);
    expect(fitTierTable(cellOf('research', 2, [4, 2])).research).toEqual([4, 4, 4, 4, 2]);
    // A type with no prompts at all routes to standard.
    expect(fitTierTable([]).chat).toEqual([1, 1, 1, 1, 1]);
  });

  it('fills a cell with fewer than MIN_CELL_PROMPTS prompts as if it had none', () => {
    // Two prompts are an anecdote: docs c2 takes c1's tier, not its own prompts' standard.
    const few = fitTierTable([...cellOf('docs', 1, [3]), ...cellOf('docs', 2, [1], 2)]);
    expect(few.docs[1]).toBe(3);
    const enough = fitTierTable([...cellOf('docs', 1, [3]), ...cellOf('docs', 2, [1])]);
    expect(enough.docs[1]).toBe(1);
  });
});
