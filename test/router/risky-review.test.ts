import { describe, expect, it } from 'vitest';
import { allowedTiers, decide, RISKY_REVIEW_TIERS } from '../../src/router/decide.js';
import { classify } from '../../src/router/classify.js';
import { classifyRules } from '../../src/router/rules.js';
import { tierFor } from '../../src/router/tier-table.js';

// data/router/LABELLING.md, "Reviews": a large or high-risk PR (schema migrations on production
// data, breaking API changes, concurrency) or a security review is `[1,0]`; a small diff is local.
const tierOf = (prompt: string) => {
  const c = classify(prompt);
  return tierFor(c.taskType, c.complexity);
};

describe('reviews with risk words', () => {
  it.each([
    'Review this PR: it migrates the users table to a new schema on production',
    'このPRをレビューして。本番のusersテーブルを新しいスキーマに移行します',
    'Review the payment webhook handler for security problems',
  ])('route to standard or frontier, never a local model: %s', (prompt) => {
    expect(RISKY_REVIEW_TIERS).toContain(tierOf(prompt));
  });

  it('the user calling it small keeps a risky-sounding review cheap', () => {
    const rules = classifyRules('Quick review of this small PR that only adds migration tests');
    expect(rules.signals).toEqual(expect.arrayContaining(['risk', 'small']));
    expect(allowedTiers(rules)).toBeUndefined();
  });

  it('decide() picks the most probable allowed tier when its own pick is not allowed', () => {
    const p = {
      taskType: Array.from({ length: 12 }, () => 1 / 12),
      complexity: [0.6, 0.1, 0.1, 0.1, 0.1],
      tier: [0.3, 0.2, 0.1, 0.9, 0.1],
    };
    expect(decide(p, 'tier').tier).toBe(3);
    const d = decide(p, 'tier', undefined, [1, 0]);
    expect(d.tier).toBe(0);
    expect(d.p).toBeCloseTo(0.3);
    expect(decide(p, 'table', undefined, [1, 0]).tier).toBeOneOf([0, 1]);
  });
});
