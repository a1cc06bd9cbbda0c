import { describe, expect, it } from 'vitest';
import { pickStrategy, TIED_POINTS } from '../../scripts/router/evaluate.js';

describe('pickStrategy: one rule for training, the eval and the nested CV', () => {
  it('takes the best accuracy when nothing is tied with it', () => {
    const picked = pickStrategy([
      { name: 'a', accuracy: 0.83, localRecall: 0.6 },
      { name: 'b', accuracy: 0.8, localRecall: 0.9 },
    ]);
    expect(picked.name).toBe('a');
  });

  it('among strategies tied on accuracy, the one that keeps local prompts local', () => {
    // The audited labels accept tier 2 for quick fixes: a strategy sending them all to tier 2
    // scores the same accuracy at several times the cost, and must not win on noise.
    const picked = pickStrategy([
      { name: 'tier', accuracy: 0.828, localRecall: 0.059 },
      { name: 'ensemble', accuracy: 0.83 - TIED_POINTS / 2, localRecall: 0.632 },
      { name: 'joint', accuracy: 0.774, localRecall: 0.761 },
    ]);
    expect(picked.name).toBe('ensemble');
  });
});
