import { hash } from '../../src/router/features.js';

export interface Fold {
  train: number[];
  test: number[];
}

/**
 * K folds over groups: every example of a group (prompts drawn from one issue or article) lands
 * in the same fold, so a near-twin of a test prompt is never trained on. Groups are shuffled by a
 * seeded hash and dealt to the emptiest fold, largest first, so folds come out even.
 */
export function groupFolds(groups: readonly string[], k: number, seed = 1): Fold[] {
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  const order = [...members.keys()].sort((a, b) => {
    const sa = members.get(a)!.length;
    const sb = members.get(b)!.length;
    return sb - sa || hash(`${seed}:${a}`) - hash(`${seed}:${b}`);
  });
  const testOf: number[][] = Array.from({ length: k }, () => []);
  for (const g of order) {
    const smallest = testOf.reduce((best, f, i) => (f.length < testOf[best]!.length ? i : best), 0);
    testOf[smallest]!.push(...members.get(g)!);
  }
  return testOf.map((test) => {
    const inTest = new Set(test);
    return {
      train: groups.map((_, i) => i).filter((i) => !inTest.has(i)),
      test: [...test].sort((a, b) => a - b),
    };
  });
}
